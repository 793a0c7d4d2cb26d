import Foundation
import TestSupport
import Testing

@testable import Engine

/// The few-row (decoding) products of `RowKernels`: every weight type the engine reads, on
/// every instruction set this machine runs (AVX-512, AVX2, portable C), against
/// dequantise-then-dot in float64 (`Dequantization` is bit-exact with ggml), on random blocks
/// and on real weights.
@Suite struct KernelFewRowProductTests {
    static let smolLM2 = try! GGUFFile(path: TestPaths.smolLM2)

    /// Every type the kernels read.
    static let types: [GGMLType] = [
        .f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .iq4_nl, .iq4_xs,
    ]

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

    /// The kernel of `type` on `rows` rows of `bytes` (`columns` values a row) and `m` rows of X,
    /// writing and accumulating, on every instruction set here, against the float64 product.
    static func check(
        _ type: GGMLType, bytes: UnsafeRawPointer, rows: Int, columns: Int, m: Int, seed: UInt64,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let rowBytes = type.rowBytes(columns)!
        var weights = [Float](repeating: 0, count: rows * columns)
        weights.withUnsafeMutableBufferPointer {
            for r in 0..<rows {
                Dequantization.dequantize(type, bytes + r * rowBytes, count: columns, into: $0.baseAddress! + r * columns)
            }
        }
        let x = inputs(m * columns, seed: seed)
        let expected = reference(weights, rows: rows, columns: columns, x: x, m: m)
        for isa in RowKernels.available {
            for accumulate in [false, true] {
                var got = [Float](repeating: accumulate ? 0.5 : .nan, count: m * rows)
                let done = x.withUnsafeBufferPointer { xp in
                    got.withUnsafeMutableBufferPointer { yp in
                        RowKernels.product(
                            type, bytes, rowBytes: rowBytes, rows: rows, columns: columns, x: xp.baseAddress!, m: m,
                            lda: columns, into: yp.baseAddress!, ldy: rows, accumulate: accumulate, isa: isa)
                    }
                }
                #expect(done, "\(type) has no kernel on \(isa)", sourceLocation: sourceLocation)
                let worst =
                    got.indices.map { j -> Double in
                        let want = expected.values[j] + (accumulate ? 0.5 : 0)
                        // The accumulated 0.5 adds its own rounding to the float32 sum.
                        return abs(Double(got[j]) - want) / max(1e-30, expected.scale[j] + (accumulate ? 0.5 : 0))
                    }.max() ?? 0
                #expect(
                    worst <= 1e-5,
                    "\(type) on \(isa), \(rows)×\(columns), m = \(m), accumulate = \(accumulate): worst error \(worst) of Σ|w·x|",
                    sourceLocation: sourceLocation)
            }
        }
    }

    /// Random blocks with finite scales: every scale, offset and quant bit pattern occurs.
    static func randomRows(_ type: GGMLType, rows: Int, columns: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        let count = rows * type.rowBytes(columns)!
        if type == .f32 {
            let values = inputs(rows * columns, seed: seed)
            return values.withUnsafeBytes { Array($0) }
        }
        var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        // Clearing bit 6 of a half's (or bfloat's) high byte keeps its exponent short of
        // infinity and NaN, whose propagation order neither ggml nor the kernels promise.
        let halves: [Int]
        switch type {
        case .f16, .bf16: halves = [0]
        case .q4_0, .q5_0, .q8_0, .iq4_nl, .iq4_xs: halves = [0]
        case .q4_1, .q5_1, .q4_K, .q5_K: halves = [0, 2]
        case .q2_K: halves = [80, 82]
        case .q3_K: halves = [108]
        case .q6_K: halves = [208]
        default: halves = []
        }
        for start in stride(from: 0, to: count, by: type.bytesPerBlock) {
            for offset in halves { bytes[start + offset + 1] &= 0xBB }
        }
        return bytes
    }

    @Test("every type on random blocks: one row of X, a few, and a batch", arguments: types)
    func randomBlocks(type: GGMLType) {
        // More than one 2,048-value segment of a row, and (float types) a tail short of 32.
        let columns = type.blockSize == 256 ? 256 * 9 : 32 * 70 + (type.blockSize == 1 ? 7 : 0)
        let rows = 5
        let bytes = Self.randomRows(type, rows: rows, columns: columns, seed: 0xD0 &+ UInt64(type.rawValue))
        bytes.withUnsafeBytes { raw in
            for m in [1, 2, 3, 4, 5, 8, 16, 17] {
                Self.check(type, bytes: raw.baseAddress!, rows: rows, columns: columns, m: m, seed: UInt64(m))
            }
        }
    }

    @Test(
        "one row of X against blocks of four weight rows: scales read ahead, segments of 3, 18 and 41 chunks",
        arguments: types)
    func rowBlocks(type: GGMLType) {
        // 18 chunks is a 576-column row (SmolLM2); 3 and 41 leave partial 8-chunk scale loads.
        for chunks in [3, 18, 41] {
            let columns = type.blockSize == 256 ? 256 * ((chunks + 7) / 8) : 32 * chunks
            for rows in [4, 9, 13] {
                let bytes = Self.randomRows(type, rows: rows, columns: columns, seed: UInt64(rows * 100 + chunks))
                bytes.withUnsafeBytes {
                    Self.check(type, bytes: $0.baseAddress!, rows: rows, columns: columns, m: 1, seed: UInt64(chunks))
                }
            }
        }
    }

    @Test("rows of one block, where a row's only block is also its last")
    func oneBlockRows() {
        for type in Self.types {
            let columns = max(32, type.blockSize)
            let bytes = Self.randomRows(type, rows: 3, columns: columns, seed: 5)
            bytes.withUnsafeBytes { Self.check(type, bytes: $0.baseAddress!, rows: 3, columns: columns, m: 1, seed: 9) }
        }
    }

    @Test("a type without a kernel, or a row that is not whole blocks, is declined and nothing is written")
    func declines() {
        let bytes = [UInt8](repeating: 0x11, count: 4096)
        let x = [Float](repeating: 1, count: 512)
        var y = [Float](repeating: -3, count: 4)
        for (type, columns) in [(GGMLType.q8_1, 32), (.iq2_xxs, 256), (.q4_1, 48), (.q4_K, 288)] {
            let done = bytes.withUnsafeBytes { raw in
                y.withUnsafeMutableBufferPointer { yp in
                    RowKernels.product(
                        type, raw.baseAddress!, rowBytes: 64, rows: 2, columns: columns, x: x, m: 1, lda: columns,
                        into: yp.baseAddress!, ldy: 2, accumulate: false)
                }
            }
            #expect(!done, "\(type) × \(columns)")
        }
        #expect(y == [-3, -3, -3, -3])
    }

    @Test("the best instruction set the machine has is the one that runs")
    func activeIsBest() {
        #expect(RowKernels.active == RowKernels.available.last)
        #expect(RowKernels.available.first == .portable)
        // This machine's CPU (the project's CI and development host) has AVX-512.
        if BLASKernel.cpuFlags().isSuperset(of: ["avx512f", "avx512bw", "avx512vl", "avx512dq"]) {
            #expect(RowKernels.active == .avx512)
        }
    }

    @Test(
        "kernels equal dequantise-then-dot on SmolLM2 rows (Q4_1 and Q8_0)",
        arguments: ["blk.0.attn_q.weight", "blk.7.ffn_gate.weight", "blk.29.ffn_down.weight", "token_embd.weight"])
    func smolLM2Rows(name: String) throws {
        let info = try #require(Self.smolLM2.tensor(named: name))
        let base = try #require(Self.smolLM2.data(of: info).baseAddress)
        for m in [1, 3, 16] {
            Self.check(info.type, bytes: base, rows: 48, columns: info.dimensions[0], m: m, seed: 11)
        }
    }

    @Test("IQ4_NL and IQ4_XS rows of the tiny model", arguments: ["IQ4_NL", "IQ4_XS"])
    func tinyIQuantRows(variant: String) throws {
        let file = try GGUFFile(path: TestPaths.tinyGGUF(variant))
        // 256 columns (one IQ4_XS super-block, 8 IQ4_NL blocks) and 512 (two super-blocks).
        for name in ["blk.0.attn_q.weight", "blk.1.ffn_down.weight", "output.weight"] {
            let info = try #require(file.tensor(named: name))
            let base = try #require(file.data(of: info).baseAddress)
            Self.check(info.type, bytes: base, rows: 40, columns: info.dimensions[0], m: 3, seed: 11)
        }
    }

    @Test(
        "WeightMatrix.multiply with up to fewRowLimit rows agrees with the whole-matrix product",
        arguments: ["Q6_K", "Q5_1", "F16", "Q4_1", "Q8_0", "IQ4_NL", "IQ4_XS", "F32"])
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
