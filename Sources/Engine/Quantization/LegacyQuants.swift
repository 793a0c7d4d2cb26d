/// The 32-value block formats Q4_0, Q4_1, Q5_0, Q5_1 and Q8_0 (ggml-common.h layouts).
///
/// Every block starts with an f16 scale `d` (and for the `_1` kinds an f16 offset `m`).
/// Low nibbles hold values 0..<16 of the block, high nibbles values 16..<32; the 5-bit kinds
/// keep the fifth bit of value j in bit j of a little-endian u32 `qh`.
/// Each value is `Float(q) * d` (+ `m`), two roundings, exactly as ggml computes it.
enum LegacyQuants {
    static let q4_0Bytes = 18, q4_1Bytes = 20, q5_0Bytes = 22, q5_1Bytes = 24, q8_0Bytes = 34

    static func q4_0(_ source: UnsafeRawPointer, blocks: Int, into destination: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b * q4_0Bytes
            let out = destination + b * 32
            let d = FloatFormats.half(block, 0)
            let qs = (block + 2).assumingMemoryBound(to: UInt8.self)
            // Plain lane loops: LLVM vectorises them; SIMD16 conversions go lane by lane.
            for j in 0..<16 {
                out[j] = Float(Int32(qs[j] & 0x0F) - 8) * d
                out[j + 16] = Float(Int32(qs[j] >> 4) - 8) * d
            }
        }
    }

    static func q4_1(_ source: UnsafeRawPointer, blocks: Int, into destination: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b * q4_1Bytes
            let out = destination + b * 32
            let d = FloatFormats.half(block, 0)
            let m = FloatFormats.half(block, 2)
            let qs = (block + 4).assumingMemoryBound(to: UInt8.self)
            for j in 0..<16 {
                out[j] = Float(qs[j] & 0x0F) * d + m
                out[j + 16] = Float(qs[j] >> 4) * d + m
            }
        }
    }

    static func q5_0(_ source: UnsafeRawPointer, blocks: Int, into destination: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b * q5_0Bytes
            let out = destination + b * 32
            let d = SIMD16<Float>(repeating: FloatFormats.half(block, 0))
            let qh = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
            let qs = block.loadUnaligned(fromByteOffset: 6, as: SIMD16<UInt8>.self)
            let low = (widen(qs & 0x0F) | fifthBits(qh)) &- 16
            let high = (widen(qs &>> 4) | fifthBits(qh >> 16)) &- 16
            store(SIMD16<Float>(low) * d, out)
            store(SIMD16<Float>(high) * d, out + 16)
        }
    }

    static func q5_1(_ source: UnsafeRawPointer, blocks: Int, into destination: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b * q5_1Bytes
            let out = destination + b * 32
            let d = SIMD16<Float>(repeating: FloatFormats.half(block, 0))
            let m = SIMD16<Float>(repeating: FloatFormats.half(block, 2))
            let qh = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
            let qs = block.loadUnaligned(fromByteOffset: 8, as: SIMD16<UInt8>.self)
            let low = widen(qs & 0x0F) | fifthBits(qh)
            let high = widen(qs &>> 4) | fifthBits(qh >> 16)
            store(SIMD16<Float>(low) * d + m, out)
            store(SIMD16<Float>(high) * d + m, out + 16)
        }
    }

    static func q8_0(_ source: UnsafeRawPointer, blocks: Int, into destination: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b * q8_0Bytes
            let out = destination + b * 32
            let d = FloatFormats.half(block, 0)
            let qs = (block + 2).assumingMemoryBound(to: Int8.self)
            for j in 0..<32 { out[j] = Float(qs[j]) * d }
        }
    }

    // MARK: helpers

    @inline(__always)
    private static func widen(_ v: SIMD16<UInt8>) -> SIMD16<Int32> {
        SIMD16<Int32>(truncatingIfNeeded: v)
    }

    /// Bit 4 of each of sixteen values: bit j of the low half of `bits` for value j.
    /// Masks each lane's bit and spreads it by negation and an arithmetic shift: baseline
    /// x86_64 (SSE2) has no per-lane variable shift, and `replacing(with:where:)` is not
    /// lowered to vector code.
    @inline(__always)
    private static func fifthBits(_ bits: UInt32) -> SIMD16<Int32> {
        let lanes = SIMD16<Int32>(
            1 << 0, 1 << 1, 1 << 2, 1 << 3, 1 << 4, 1 << 5, 1 << 6, 1 << 7,
            1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 12, 1 << 13, 1 << 14, 1 << 15)
        let bit = SIMD16<Int32>(repeating: Int32(truncatingIfNeeded: bits & 0xFFFF)) & lanes
        return ((SIMD16<Int32>() &- bit) &>> 31) & 16
    }

    @inline(__always)
    private static func store(_ v: SIMD16<Float>, _ out: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(out).storeBytes(of: v, as: SIMD16<Float>.self)
    }
}
