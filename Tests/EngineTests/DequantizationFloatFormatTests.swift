import Engine
import Foundation
import Testing

/// Exhaustive checks of the half-precision widening, which ggml performs exactly (subnormals
/// kept, infinities kept, NaNs quieted with their payload).
@Suite struct DequantizationFloatFormatTests {
    /// IEEE binary16 -> binary32 written out field by field, independent of the engine's bit trick.
    static func ieeeHalfToFloatBits(_ h: UInt16) -> UInt32 {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = UInt32(h >> 10) & 0x1F
        let mantissa = UInt32(h & 0x03FF)
        switch exponent {
        case 0:
            // Subnormal or zero: mantissa * 2^-24 is exact in float32.
            return sign | (Float(mantissa) * 0x1p-24).bitPattern
        case 31:
            // Infinity, or a NaN made quiet (bit 22) with its payload moved to the top.
            return mantissa == 0 ? sign | 0x7F80_0000 : sign | 0x7FC0_0000 | mantissa << 13
        default:
            return sign | (exponent + 112) << 23 | mantissa << 13
        }
    }

    static let allPatterns: [UInt16] = (0...UInt16.max).map { $0 }

    @Test func f16WideningIsExactForAllPatterns() {
        let got = Self.widen(.f16, Self.allPatterns)
        var mismatches: [String] = []
        for (h, value) in zip(Self.allPatterns, got) where value.bitPattern != Self.ieeeHalfToFloatBits(h) {
            mismatches.append(String(h, radix: 16))
        }
        #expect(mismatches.isEmpty, "half patterns widened wrongly: \(mismatches.prefix(10))")
    }

    @Test func f16ScalarTailAgreesWithSIMDPath() {
        // Odd counts end in the scalar loop; each value must come out the same either way.
        let samples: [UInt16] = [0x0000, 0x8000, 0x0001, 0x83FF, 0x3C00, 0xFBFF, 0x7C00, 0xFC00, 0x7C01, 0x7E00, 0xFFFF]
        for h in samples {
            let single = Self.widen(.f16, [h])
            #expect(single[0].bitPattern == Self.ieeeHalfToFloatBits(h), "half \(String(h, radix: 16)) in the tail")
        }
        let seven = Array(Self.allPatterns[0x7BF9...0x7BFF]) + Array(Self.allPatterns[0x7C00...0x7C08])
        let got = Self.widen(.f16, seven)
        #expect(zip(seven, got).allSatisfy { $1.bitPattern == Self.ieeeHalfToFloatBits($0) })
    }

    @Test func bf16IsTheUpperHalfOfAFloat() {
        let got = Self.widen(.bf16, Self.allPatterns)
        #expect(zip(Self.allPatterns, got).allSatisfy { $1.bitPattern == UInt32($0) << 16 })
        let tail = Self.widen(.bf16, [0x7FA1, 0x3F80, 0xFF80])
        #expect(tail.map(\.bitPattern) == [0x7FA1_0000, 0x3F80_0000, 0xFF80_0000])
    }

    @Test func f32IsCopiedBitForBitFromAnUnalignedSource() {
        let values: [UInt32] = [0x7FC0_1234, 0x7F80_0001, 0x0000_0001, 0x8000_0000, 0x3F80_0000]
        var bytes: [UInt8] = [0xAA]
        for v in values { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        var out = [Float](repeating: 0, count: values.count)
        bytes.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer {
                Dequantization.dequantize(.f32, raw.baseAddress! + 1, count: values.count, into: $0.baseAddress!)
            }
        }
        #expect(out.map(\.bitPattern) == values)
    }

    static func widen(_ type: GGMLType, _ halves: [UInt16]) -> [Float] {
        // One leading byte so the source is deliberately misaligned, as tensor slices can be.
        var bytes: [UInt8] = [0x55]
        for h in halves {
            bytes.append(UInt8(h & 0xFF))
            bytes.append(UInt8(h >> 8))
        }
        var out = [Float](repeating: 0, count: halves.count)
        bytes.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer {
                Dequantization.dequantize(type, raw.baseAddress! + 1, count: halves.count, into: $0.baseAddress!)
            }
        }
        return out
    }
}
