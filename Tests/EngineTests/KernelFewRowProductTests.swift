import Foundation
import TestSupport
import Testing

@testable import Engine

/// The few-row (decoding) products: the fused Q4_1/Q8_0/IQ4_NL/IQ4_XS dot products and the
/// generic dequantise-a-tile path against dequantise-then-dot in float64, on real weights.
@Suite struct KernelFewRowProductTests {
    static let smolLM2 = try! GGUFFile(path: TestPaths.smolLM2)

    /// Inputs in [-1, 1] from a fixed seed.
    static func inputs(_ count: Int, seed: UInt64) -> [Float] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in Float(Int(generator.next() % 2001) - 1000) / 1000 }
    }

    /// Y = X · Wᵀ over the first `rows` rows of `weights`, in float64, with Σ|w·x| per value
    /// to scale the tolerance (float32 sums in another order differ by a few ulps of it).
    static func reference(_ weights: [Float], rows: Int, columns: Int, x: [Float], m: Int) -> (values: [Double], scale: [Double]) {
        var values = [Double](repeating: 0, count: m * rows), scale = values
        for i in 0..<m {
            for r in 0..<rows {
                var sum = 0.0, magnitude = 0.0
                for k in 0..<columns {
                    let p = Double(weights[r * columns + k]) * Double(x[i * columns + k])
                    sum += p
                    magnitude += abs(p)
                }
                values[i * rows + r] = sum
                scale[i * rows + r] = magnitude
            }
        }
        return (values, scale)
    }

    @Test(
        "fused Q4_1/Q8_0 dot products equal dequantise-then-dot on SmolLM2 rows",
        arguments: ["blk.0.attn_q.weight", "blk.7.ffn_gate.weight", "blk.29.ffn_down.weight", "token_embd.weight"])
    func fusedMatchesDequantised(name: String) throws {
        try Self.checkFusedKernel(Self.smolLM2, tensor: name, rows: 48)
    }

    @Test(
        "fused IQ4_NL/IQ4_XS dot products equal dequantise-then-dot on the tiny model's rows",
        arguments: ["IQ4_NL", "IQ4_XS"])
    func fusedIQuantsMatchDequantised(variant: String) throws {
        let file = try GGUFFile(path: TestPaths.tinyGGUF(variant))
        // 256 columns (one IQ4_XS super-block, 8 IQ4_NL blocks) and 512 (two super-blocks).
        for name in ["blk.0.attn_q.weight", "blk.1.ffn_down.weight", "output.weight"] {
            try Self.checkFusedKernel(file, tensor: name, rows: 40)
        }
    }

    /// The fused kernel of the tensor's type over its first `rows` rows and 3 rows of X,
    /// writing and accumulating, against the float64 product of the dequantised rows.
    static func checkFusedKernel(
        _ file: GGUFFile, tensor name: String, rows: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let info = try #require(file.tensor(named: name), sourceLocation: sourceLocation)
        let columns = info.dimensions[0], m = 3
        let base = try #require(file.data(of: info).baseAddress, sourceLocation: sourceLocation)
        var weights = [Float](repeating: 0, count: rows * columns)
        weights.withUnsafeMutableBufferPointer {
            Dequantization.dequantize(info.type, base, count: rows * columns, into: $0.baseAddress!)
        }
        let x = Self.inputs(m * columns, seed: 11)
        let expected = Self.reference(weights, rows: rows, columns: columns, x: x, m: m)
        let kernel: FusedKernel
        switch info.type {
        case .q4_1: kernel = QuantizedDot.q4_1
        case .q8_0: kernel = QuantizedDot.q8_0
        case .iq4_nl: kernel = QuantizedDot.iq4_nl
        case .iq4_xs: kernel = QuantizedDot.iq4_xs
        default:
            Issue.record("\(name) is \(info.type), which has no fused kernel", sourceLocation: sourceLocation)
            return
        }
        for accumulate in [false, true] {
            var got = [Float](repeating: accumulate ? 0.5 : -7, count: m * rows)
            x.withUnsafeBufferPointer { xp in
                got.withUnsafeMutableBufferPointer { yp in
                    kernel(base, rows, columns, xp.baseAddress!, m, columns, yp.baseAddress!, rows, accumulate)
                }
            }
            for j in got.indices {
                let want = expected.values[j] + (accumulate ? 0.5 : 0)
                #expect(
                    abs(Double(got[j]) - want) <= 1e-5 * max(1, expected.scale[j]),
                    "\(info.type) \(name)[\(j)] accumulate=\(accumulate)", sourceLocation: sourceLocation)
            }
        }
    }

    typealias FusedKernel = (
        UnsafeRawPointer, Int, Int, UnsafePointer<Float>, Int, Int, UnsafeMutablePointer<Float>, Int, Bool
    ) -> Void

    @Test(
        "the generic tile path and the fused path agree with the whole-matrix product",
        arguments: ["Q6_K", "Q5_1", "F16", "Q4_1", "Q8_0", "IQ4_NL", "IQ4_XS"])
    func weightMatrixFewRows(variant: String) throws {
        let file = try GGUFFile(path: TestPaths.tinyGGUF(variant))
        let info = try #require(file.tensors.first { $0.name.hasSuffix("ffn_down.weight") })
        let columns = info.dimensions[0], rows = info.dimensions[1]
        let matrix = try file.weightMatrix([info.name], columns: columns, rows: [rows])
        var weights = [Float](repeating: 0, count: rows * columns)
        weights.withUnsafeMutableBufferPointer { matrix.dequantizeRows(0..<rows, into: $0.baseAddress!) }
        let scratch = (0..<2).map { _ in FloatBuffer() }
        for m in 1...WeightMatrix.fewRowLimit {
            let x = Self.inputs(m * columns, seed: UInt64(m))
            let expected = Self.reference(weights, rows: rows, columns: columns, x: x, m: m)
            var got = [Float](repeating: .nan, count: m * rows)
            x.withUnsafeBufferPointer { xp in
                got.withUnsafeMutableBufferPointer { yp in
                    matrix.multiply(xp.baseAddress!, m: m, into: yp.baseAddress!, scratch: scratch, shared: FloatBuffer(), threads: 2)
                }
            }
            for j in got.indices {
                #expect(abs(Double(got[j]) - expected.values[j]) <= 1e-5 * max(1, expected.scale[j]), "\(variant) m=\(m) [\(j)]")
            }
        }
    }
}
