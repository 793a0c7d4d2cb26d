import Foundation
import TestSupport
import Testing

@testable import Engine

/// The few-row products with 8-bit activations (`RowKernels.quantize`, `productInt8`): the
/// quantised bytes and the products exactly as a Swift model of the same integer arithmetic
/// computes them, on every instruction set this machine runs, and within the error the
/// quantisation of X allows of the float products.
@Suite struct KernelInt8ProductTests {
    static let types: [GGMLType] = [.q4_0, .q4_1, .q8_0]

    /// X quantised per 32 values as ggml's quantize_row_q8_1_ref does it, in Swift.
    struct Quantized {
        var q: [Int8] = []
        var d: [Float] = []
        var s: [Float] = []

        init(_ x: [Float]) {
            for start in stride(from: 0, to: x.count, by: 32) {
                let block = x[start..<(start + 32)]
                let amax = block.map(abs).max()!
                let d = amax / 127, id: Float = d != 0 ? 1 / d : 0
                let q = block.map { Int8(($0 * id).rounded(.toNearestOrAwayFromZero)) }
                self.q += q
                self.d.append(d)
                s.append(d * Float(q.reduce(0) { $0 + Int($1) }))
            }
        }

        /// The layout the kernels read: per block 32 quants, d, s.
        var bytes: [UInt8] {
            var out: [UInt8] = []
            for b in d.indices {
                out += q[(32 * b)..<(32 * b + 32)].map { UInt8(bitPattern: $0) }
                withUnsafeBytes(of: d[b].bitPattern.littleEndian) { out += $0 }
                withUnsafeBytes(of: s[b].bitPattern.littleEndian) { out += $0 }
            }
            return out
        }
    }

    static func half(_ bytes: UnsafeRawPointer, _ at: Int) -> Float {
        Float(Float16(bitPattern: bytes.loadUnaligned(fromByteOffset: at, as: UInt16.self)))
    }

    /// Block `c` of a row as the kernels model it: weight j = a·u_j + b, u_j in 0..255.
    static func levels(_ type: GGMLType, _ block: UnsafeRawPointer) -> (u: [Int], a: Float, b: Float) {
        let bytes = block.assumingMemoryBound(to: UInt8.self)
        switch type {
        case .q4_0, .q4_1:
            let qs = type == .q4_0 ? 2 : 4
            let u = (0..<32).map { j in j < 16 ? Int(bytes[qs + j] & 15) : Int(bytes[qs + j - 16] >> 4) }
            let a = half(block, 0)
            return (u, a, type == .q4_0 ? -8 * a : half(block, 2))
        default:
            let a = half(block, 0)
            return ((0..<32).map { Int(Int8(bitPattern: bytes[2 + $0])) + 128 }, a, -128 * a)
        }
    }

    /// Σ_c a·dx·Σu·q + b·s per output in float64, with the magnitude of its terms.
    static func reference(
        _ type: GGMLType, _ w: UnsafeRawPointer, rows: Int, columns: Int, x: Quantized, m: Int
    ) -> (values: [Double], scale: [Double]) {
        let rowBytes = type.rowBytes(columns)!, chunks = columns / 32
        var values = [Double](repeating: 0, count: m * rows), scale = values
        for r in 0..<rows {
            for c in 0..<chunks {
                let (u, a, b) = levels(type, w + r * rowBytes + c * type.bytesPerBlock)
                for i in 0..<m {
                    let block = i * chunks + c
                    var p = 0
                    for j in 0..<32 { p += u[j] * Int(x.q[32 * block + j]) }
                    let term = Double(a) * Double(x.d[block]) * Double(p), offset = Double(b) * Double(x.s[block])
                    values[i * rows + r] += term + offset
                    scale[i * rows + r] += abs(term) + abs(offset)
                }
            }
        }
        return (values, scale)
    }

    /// Quantises X and runs the product on `isa`; nil when the type is declined.
    static func run(
        _ type: GGMLType, _ w: UnsafeRawPointer, rows: Int, columns: Int, x: [Float], m: Int, isa: RowKernels.InstructionSet,
        accumulate: Bool = false, initial: Float = .nan
    ) -> (bytes: [UInt8], y: [Float])? {
        let buffer = FloatBuffer()
        var y = [Float](repeating: initial, count: m * rows)
        let xq = x.withUnsafeBufferPointer {
            RowKernels.quantize($0.baseAddress!, m: m, lda: columns, columns: columns, into: buffer, isa: isa)
        }
        guard let xq else { return nil }
        let bytes = Array(UnsafeRawBufferPointer(start: xq, count: RowKernels.quantizedBytes(m: m, columns: columns)))
        let done = y.withUnsafeMutableBufferPointer {
            RowKernels.productInt8(
                type, w, rowBytes: type.rowBytes(columns)!, rows: rows, columns: columns, x: xq, m: m, into: $0.baseAddress!,
                ldy: rows, accumulate: accumulate, isa: isa)
        }
        return done ? (bytes, y) : nil
    }

    /// On every instruction set: X's bytes exactly as `Quantized`, the product as `reference`
    /// up to float32 rounding of the per-block terms, and accumulation adding to what was there.
    static func check(
        _ type: GGMLType, bytes w: UnsafeRawPointer, rows: Int, columns: Int, m: Int, seed: UInt64,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let x = KernelFewRowProductTests.inputs(m * columns, seed: seed)
        let quantized = Quantized(x)
        let expected = reference(type, w, rows: rows, columns: columns, x: quantized, m: m)
        for isa in RowKernels.availableInt8 {
            for accumulate in [false, true] {
                guard
                    let got = run(
                        type, w, rows: rows, columns: columns, x: x, m: m, isa: isa, accumulate: accumulate,
                        initial: accumulate ? 0.5 : .nan)
                else {
                    Issue.record("\(type) declined on \(isa)", sourceLocation: sourceLocation)
                    continue
                }
                let differing = zip(got.bytes, quantized.bytes).filter { $0 != $1 }.count
                #expect(differing == 0, "X quantised differently on \(isa): \(differing) bytes", sourceLocation: sourceLocation)
                let worst =
                    got.y.indices.map { j in
                        abs(Double(got.y[j]) - expected.values[j] - (accumulate ? 0.5 : 0)) / max(1e-30, expected.scale[j] + 0.5)
                    }.max() ?? 0
                #expect(
                    worst <= 1e-5, "\(type) on \(isa), \(rows)×\(columns), m = \(m), accumulate = \(accumulate): worst \(worst)",
                    sourceLocation: sourceLocation)
            }
        }
    }

    @Test("Q4_0, Q4_1, Q8_0 on random blocks: rows not a multiple of 16, every group of X rows", arguments: types)
    func randomBlocks(type: GGMLType) {
        let columns = 32 * 18, rows = 37
        let bytes = KernelFewRowProductTests.randomRows(type, rows: rows, columns: columns, seed: 0x18 &+ UInt64(type.rawValue))
        bytes.withUnsafeBytes { raw in
            for m in [1, 2, 3, 4, 5, 8, 15, 16, 17] {
                Self.check(type, bytes: raw.baseAddress!, rows: rows, columns: columns, m: m, seed: UInt64(m))
            }
        }
    }

    @Test(
        "SmolLM2's Q4_1 and Q8_0 rows", arguments: ["blk.0.attn_q.weight", "blk.29.ffn_down.weight", "token_embd.weight"])
    func smolLM2Rows(name: String) throws {
        let info = try #require(KernelFewRowProductTests.smolLM2.tensor(named: name))
        let base = try #require(KernelFewRowProductTests.smolLM2.data(of: info).baseAddress)
        for m in [1, 16] { Self.check(info.type, bytes: base, rows: 40, columns: info.dimensions[0], m: m, seed: 3) }
    }

    /// |x − d·q| ≤ d/2 per value, so an output moves by at most Σ|w|·d/2 from the float product.
    @Test("within the quantisation's bound of the float products", arguments: types)
    func quantisationBound(type: GGMLType) {
        let columns = 32 * 48, rows = 33, m = 16
        let bytes = KernelFewRowProductTests.randomRows(type, rows: rows, columns: columns, seed: 0x77 &+ UInt64(type.rawValue))
        var weights = [Float](repeating: 0, count: rows * columns)
        bytes.withUnsafeBytes { raw in
            weights.withUnsafeMutableBufferPointer {
                Dequantization.dequantize(type, raw.baseAddress!, count: rows * columns, into: $0.baseAddress!)
            }
        }
        let x = KernelFewRowProductTests.inputs(m * columns, seed: 99)
        let quantized = Quantized(x)
        let exact = KernelFewRowProductTests.reference(weights, rows: rows, columns: columns, x: x, m: m)
        let got = bytes.withUnsafeBytes {
            Self.run(type, $0.baseAddress!, rows: rows, columns: columns, x: x, m: m, isa: RowKernels.activeInt8)
        }
        guard let got else {
            Issue.record("\(type) declined")
            return
        }
        var largest = 0.0
        for i in 0..<m {
            for r in 0..<rows {
                var bound = 0.0
                for k in 0..<columns { bound += Double(abs(weights[r * columns + k])) * Double(quantized.d[(i * columns + k) / 32]) / 2 }
                let error = abs(Double(got.y[i * rows + r]) - exact.values[i * rows + r])
                #expect(error <= bound * 1.001 + 1e-5 * exact.scale[i * rows + r], "\(type) [\(i), \(r)]: \(error) > \(bound)")
                largest = max(largest, error / max(bound, 1e-30))
            }
        }
        // Rounding errors of 32 values partly cancel: far below the bound, never zero.
        #expect(largest > 0.01 && largest < 0.5, "\(type): largest error is \(largest) of the bound")
    }

    @Test("other types, and rows that are not whole 32-value blocks, are declined and nothing is written")
    func declines() {
        let bytes = [UInt8](repeating: 0x11, count: 8192)
        let x = [Float](repeating: 1, count: 512)
        for type in [GGMLType.f32, .f16, .q5_0, .q5_1, .q4_K, .q6_K, .iq4_nl] {
            #expect(!RowKernels.readsInt8(type))
            var y = [Float](repeating: -3, count: 4)
            let buffer = FloatBuffer()
            let done = x.withUnsafeBufferPointer { xp in
                let xq = RowKernels.quantize(xp.baseAddress!, m: 1, lda: 256, columns: 256, into: buffer)!
                return bytes.withUnsafeBytes { raw in
                    y.withUnsafeMutableBufferPointer { yp in
                        RowKernels.productInt8(
                            type, raw.baseAddress!, rowBytes: 1024, rows: 2, columns: 256, x: xq, m: 1, into: yp.baseAddress!,
                            ldy: 2, accumulate: false)
                    }
                }
            }
            #expect(!done, "\(type)")
            #expect(y == [-3, -3, -3, -3], "\(type)")
        }
        for type in Self.types { #expect(RowKernels.readsInt8(type)) }
        let none = x.withUnsafeBufferPointer { RowKernels.quantize($0.baseAddress!, m: 1, lda: 48, columns: 48, into: FloatBuffer()) }
        #expect(none == nil, "48 values are not whole blocks")
    }

    @Test("AVX-512 runs the 8-bit products only with VNNI; every machine has the portable ones")
    func instructionSets() {
        #expect(RowKernels.availableInt8.first == .portable)
        #expect(RowKernels.activeInt8 == RowKernels.availableInt8.last)
        let flags = BLASKernel.cpuFlags()
        if RowKernels.active == .avx512 {
            #expect(RowKernels.activeInt8 == (flags.contains("avx512_vnni") ? .avx512 : .avx2))
        }
    }

    @Test("WeightMatrix.multiply with quantised scratch: 8-bit products for Q4_1/Q8_0 parts, float for others")
    func weightMatrix() throws {
        let file = KernelFewRowProductTests.smolLM2
        // SmolLM2's q/k/v stack: Q4_1 rows; token_embd: Q8_0.
        for names in [["blk.3.attn_q.weight", "blk.3.attn_k.weight"], ["token_embd.weight"]] {
            let infos = try names.map { try #require(file.tensor(named: $0)) }
            let columns = infos[0].dimensions[0]
            let rows = infos.map { $0.dimensions[1] }
            let matrix = try file.weightMatrix(names, columns: columns, rows: rows)
            let total = rows.reduce(0, +), scratch = (0..<2).map { _ in FloatBuffer() }
            for m in [1, 7, WeightMatrix.fewRowLimit] {
                let x = KernelFewRowProductTests.inputs(m * columns, seed: UInt64(m))
                var float = [Float](repeating: .nan, count: m * total), int8 = float, expected = float
                x.withUnsafeBufferPointer { xp in
                    float.withUnsafeMutableBufferPointer {
                        matrix.multiply(xp.baseAddress!, m: m, into: $0.baseAddress!, scratch: scratch, shared: FloatBuffer(), threads: 2)
                    }
                    int8.withUnsafeMutableBufferPointer {
                        matrix.multiply(
                            xp.baseAddress!, m: m, into: $0.baseAddress!, scratch: scratch, shared: FloatBuffer(),
                            quantized: FloatBuffer(), threads: 2)
                    }
                }
                // Part by part with the kernels: the matrix's rows are the parts' rows in order.
                var start = 0
                for (info, count) in zip(infos, rows) {
                    let base = try #require(file.data(of: info).baseAddress)
                    let got = try #require(
                        Self.run(info.type, base, rows: count, columns: columns, x: x, m: m, isa: RowKernels.activeInt8))
                    for i in 0..<m { for r in 0..<count { expected[i * total + start + r] = got.y[i * count + r] } }
                    start += count
                }
                // Counts, not the arrays: a failing == on 786,432 values would diff them for minutes.
                let mismatched = zip(int8, expected).filter { $0 != $1 }.count
                let unchanged = zip(int8, float).filter { $0 == $1 }.count
                #expect(mismatched == 0, "\(names) m = \(m): \(mismatched) outputs differ from the kernels'")
                #expect(unchanged < int8.count / 2, "\(names) m = \(m): the 8-bit products did not run")
            }
        }
    }
}
