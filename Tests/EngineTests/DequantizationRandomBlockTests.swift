import Engine
import Foundation
import Testing

/// Random blocks (fixed seed) through the engine's SIMD decoders and through a plain scalar
/// transcription of ggml's `dequantize_row_*` loops; every value must agree bit for bit. This
/// reaches bit patterns the fixture files may not hold (every scale, min and sign).
@Suite struct DequantizationRandomBlockTests {
    static let types: [GGMLType] = [.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .iq4_nl, .iq4_xs]

    @Test(arguments: types)
    func simdDecoderMatchesScalarLoops(type: GGMLType) {
        var rng = SplitMix64(seed: 0x5AD1 &+ UInt64(type.rawValue))
        let blocks = 64
        var bytes = (0..<(blocks * type.bytesPerBlock + 3)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        // Keep f16 scales finite: NaN payload propagation depends on operand order, which
        // neither ggml nor this engine promises.
        for b in 0..<blocks {
            for offset in ScalarGGML.halfOffsets(type) {
                bytes[3 + b * type.bytesPerBlock + offset + 1] &= 0xBB
            }
        }
        let count = blocks * type.blockSize
        var fast = [Float](repeating: .nan, count: count)
        bytes.withUnsafeBytes { raw in
            // Offset 3: block starts are misaligned on purpose.
            fast.withUnsafeMutableBufferPointer {
                Dequantization.dequantize(type, raw.baseAddress! + 3, count: count, into: $0.baseAddress!)
            }
        }
        let slow = ScalarGGML.decode(type, Array(bytes.dropFirst(3)), blocks: blocks)
        let firstMismatch = zip(fast, slow).enumerated().first { $0.element.0.bitPattern != $0.element.1.bitPattern }
        #expect(
            firstMismatch == nil,
            "\(type): first mismatch at value \(firstMismatch?.offset ?? -1): \(firstMismatch.map { "\($0.element)" } ?? "")")
    }

    @Test(arguments: types)
    func rowByRowEqualsWhole(type: GGMLType) {
        // The engine dequantises tiles of rows; tiling must not change a value.
        var rng = SplitMix64(seed: 99)
        let blocks = 12
        var bytes = (0..<(blocks * type.bytesPerBlock)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        for b in 0..<blocks { for o in ScalarGGML.halfOffsets(type) { bytes[b * type.bytesPerBlock + o + 1] &= 0xBB } }
        let count = blocks * type.blockSize
        var whole = [Float](repeating: 0, count: count), pieces = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            whole.withUnsafeMutableBufferPointer { Dequantization.dequantize(type, raw.baseAddress!, count: count, into: $0.baseAddress!) }
            pieces.withUnsafeMutableBufferPointer { out in
                for b in 0..<blocks {
                    Dequantization.dequantize(
                        type, raw.baseAddress! + b * type.bytesPerBlock, count: type.blockSize,
                        into: out.baseAddress! + b * type.blockSize)
                }
            }
        }
        #expect(whole.map(\.bitPattern) == pieces.map(\.bitPattern))
    }
}

/// ggml's reference loops, value by value, over a byte array.
private enum ScalarGGML {
    static func halfOffsets(_ type: GGMLType) -> [Int] {
        switch type {
        case .q4_0, .q5_0, .q8_0, .iq4_nl, .iq4_xs: return [0]
        case .q4_1, .q5_1, .q4_K, .q5_K: return [0, 2]
        case .q2_K: return [80, 82]
        case .q3_K: return [108]
        case .q6_K: return [208]
        default: return []
        }
    }

    static func half(_ b: [UInt8], _ i: Int) -> Float {
        Float(Float16(bitPattern: UInt16(b[i]) | UInt16(b[i + 1]) << 8))
    }

    static func decode(_ type: GGMLType, _ x: [UInt8], blocks: Int) -> [Float] {
        var y: [Float] = []
        for blockIndex in 0..<blocks {
            let o = blockIndex * type.bytesPerBlock
            let b = Array(x[o..<(o + type.bytesPerBlock)])
            switch type {
            case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0: y += legacy(type, b)
            case .q2_K: y += q2K(b)
            case .q3_K: y += q3K(b)
            case .q4_K, .q5_K: y += q45K(type, b)
            case .q6_K: y += q6K(b)
            case .iq4_nl, .iq4_xs: y += iq4(type, b)
            default: fatalError("no scalar reference for \(type)")
            }
        }
        return y
    }

    /// dequantize_row_iq4_nl / _iq4_xs: IQ4_NL is one group of 32 scaled by d; IQ4_XS is 8
    /// groups scaled by d·(ls − 32), ls = 4 bits of scales_l and 2 of scales_h.
    static func iq4(_ type: GGMLType, _ b: [UInt8]) -> [Float] {
        let table: [Int8] = [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113]
        let d = half(b, 0)
        var y: [Float] = []
        if type == .iq4_nl {
            y = [Float](repeating: 0, count: 32)
            for j in 0..<16 {
                y[j] = d * Float(table[Int(b[2 + j] & 0x0F)])
                y[j + 16] = d * Float(table[Int(b[2 + j] >> 4)])
            }
            return y
        }
        let scalesH = Int(b[2]) | Int(b[3]) << 8
        for ib in 0..<8 {
            let ls = ((Int(b[4 + ib / 2]) >> (4 * (ib % 2))) & 0xF) | (((scalesH >> (2 * ib)) & 3) << 4)
            let dl = d * Float(ls - 32)
            var group = [Float](repeating: 0, count: 32)
            for j in 0..<16 {
                let q = b[8 + 16 * ib + j]
                group[j] = dl * Float(table[Int(q & 0x0F)])
                group[j + 16] = dl * Float(table[Int(q >> 4)])
            }
            y += group
        }
        return y
    }

    static func legacy(_ type: GGMLType, _ b: [UInt8]) -> [Float] {
        var y = [Float](repeating: 0, count: 32)
        let d = half(b, 0)
        switch type {
        case .q8_0:
            for j in 0..<32 { y[j] = Float(Int8(bitPattern: b[2 + j])) * d }
        case .q4_0, .q4_1:
            let qs = type == .q4_0 ? 2 : 4
            for j in 0..<16 {
                let x0 = Int(b[qs + j] & 0x0F), x1 = Int(b[qs + j] >> 4)
                if type == .q4_0 {
                    y[j] = Float(x0 - 8) * d
                    y[j + 16] = Float(x1 - 8) * d
                } else {
                    let m = half(b, 2)
                    y[j] = Float(x0) * d + m
                    y[j + 16] = Float(x1) * d + m
                }
            }
        default:
            let hasMin = type == .q5_1
            let qhAt = hasMin ? 4 : 2
            let qh = UInt32(b[qhAt]) | UInt32(b[qhAt + 1]) << 8 | UInt32(b[qhAt + 2]) << 16 | UInt32(b[qhAt + 3]) << 24
            for j in 0..<16 {
                let h0 = Int(((qh >> UInt32(j)) << 4) & 0x10), h1 = Int((qh >> UInt32(j + 12)) & 0x10)
                let x0 = Int(b[qhAt + 4 + j] & 0x0F) | h0, x1 = Int(b[qhAt + 4 + j] >> 4) | h1
                if hasMin {
                    let m = half(b, 2)
                    y[j] = Float(x0) * d + m
                    y[j + 16] = Float(x1) * d + m
                } else {
                    y[j] = Float(x0 - 16) * d
                    y[j + 16] = Float(x1 - 16) * d
                }
            }
        }
        return y
    }

    static func q2K(_ b: [UInt8]) -> [Float] {
        var y: [Float] = []
        let d = half(b, 80), dmin = half(b, 82)
        var scaleIndex = 0
        for n in stride(from: 0, to: 256, by: 128) {
            let q = 16 + n / 4
            for shift in stride(from: 0, to: 8, by: 2) {
                for part in 0..<2 {
                    let sc = b[scaleIndex]
                    scaleIndex += 1
                    let dl = d * Float(sc & 0x0F), ml = dmin * Float(sc >> 4)
                    for l in 0..<16 { y.append(dl * Float(Int8((b[q + 16 * part + l] >> UInt8(shift)) & 3)) - ml) }
                }
            }
        }
        return y
    }

    static func q3K(_ b: [UInt8]) -> [Float] {
        // ggml reorders the 12 packed bytes through four u32 words; do the same here.
        func word(_ i: Int) -> UInt32 {
            UInt32(b[96 + 4 * i]) | UInt32(b[97 + 4 * i]) << 8 | UInt32(b[98 + 4 * i]) << 16 | UInt32(b[99 + 4 * i]) << 24
        }
        let k1: UInt32 = 0x0303_0303, k2: UInt32 = 0x0F0F_0F0F
        let a0 = word(0), a1 = word(1), t = word(2)
        let words = [
            (a0 & k2) | ((t & k1) << 4), (a1 & k2) | (((t >> 2) & k1) << 4),
            ((a0 >> 4) & k2) | (((t >> 4) & k1) << 4), ((a1 >> 4) & k2) | (((t >> 6) & k1) << 4),
        ]
        let scales = words.flatMap { w in (0..<4).map { Int8(bitPattern: UInt8(truncatingIfNeeded: w >> (8 * UInt32($0)))) } }
        let d = half(b, 108)
        var y: [Float] = []
        var scaleIndex = 0
        var m: UInt8 = 1
        for n in stride(from: 0, to: 256, by: 128) {
            let q = 32 + n / 4
            for shift in stride(from: 0, to: 8, by: 2) {
                for part in 0..<2 {
                    let dl = d * Float(Int(scales[scaleIndex]) - 32)
                    scaleIndex += 1
                    for l in 0..<16 {
                        let low = Int(Int8((b[q + 16 * part + l] >> UInt8(shift)) & 3))
                        let high = (b[16 * part + l] & m) != 0 ? 0 : 4
                        y.append(dl * Float(low - high))
                    }
                }
                m <<= 1
            }
        }
        return y
    }

    static func scaleMin(_ j: Int, _ q: ArraySlice<UInt8>) -> (Int, Int) {
        let s = q.startIndex
        if j < 4 { return (Int(q[s + j] & 63), Int(q[s + j + 4] & 63)) }
        return (Int((q[s + j + 4] & 0x0F) | ((q[s + j - 4] >> 6) << 4)), Int((q[s + j + 4] >> 4) | ((q[s + j] >> 6) << 4)))
    }

    static func q45K(_ type: GGMLType, _ b: [UInt8]) -> [Float] {
        let d = half(b, 0), dmin = half(b, 2)
        let scales = b[4..<16]
        let five = type == .q5_K
        let ql = five ? 48 : 16
        var y: [Float] = []
        var u1: UInt8 = 1, u2: UInt8 = 2
        for (pair, j) in stride(from: 0, to: 256, by: 64).enumerated() {
            _ = j
            let (sc0, m0) = scaleMin(2 * pair, scales), (sc1, m1) = scaleMin(2 * pair + 1, scales)
            let d1 = d * Float(sc0), min1 = dmin * Float(m0), d2 = d * Float(sc1), min2 = dmin * Float(m1)
            for l in 0..<32 {
                let extra = five && (b[16 + l] & u1) != 0 ? 16 : 0
                y.append(d1 * Float(Int(b[ql + 32 * pair + l] & 0x0F) + extra) - min1)
            }
            for l in 0..<32 {
                let extra = five && (b[16 + l] & u2) != 0 ? 16 : 0
                y.append(d2 * Float(Int(b[ql + 32 * pair + l] >> 4) + extra) - min2)
            }
            u1 <<= 2
            u2 <<= 2
        }
        return y
    }

    static func q6K(_ b: [UInt8]) -> [Float] {
        let d = half(b, 208)
        var y = [Float](repeating: 0, count: 256)
        for n in 0..<2 {
            let ql = 64 * n, qh = 128 + 32 * n, sc = 192 + 8 * n
            func s(_ i: Int) -> Float { Float(Int8(bitPattern: b[sc + i])) }
            for l in 0..<32 {
                let i = l / 16
                let q1 = Int(Int8(bitPattern: (b[ql + l] & 0x0F) | ((b[qh + l] >> 0) & 3) << 4)) - 32
                let q2 = Int(Int8(bitPattern: (b[ql + l + 32] & 0x0F) | ((b[qh + l] >> 2) & 3) << 4)) - 32
                let q3 = Int(Int8(bitPattern: (b[ql + l] >> 4) | ((b[qh + l] >> 4) & 3) << 4)) - 32
                let q4 = Int(Int8(bitPattern: (b[ql + l + 32] >> 4) | ((b[qh + l] >> 6) & 3) << 4)) - 32
                y[128 * n + l] = d * s(i) * Float(q1)
                y[128 * n + l + 32] = d * s(i + 2) * Float(q2)
                y[128 * n + l + 64] = d * s(i + 4) * Float(q3)
                y[128 * n + l + 96] = d * s(i + 6) * Float(q4)
            }
        }
        return y
    }
}
