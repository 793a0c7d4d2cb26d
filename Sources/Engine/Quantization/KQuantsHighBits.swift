/// The 4-, 5- and 6-bit super-block formats Q4_K, Q5_K and Q6_K (256 values).
///
/// Q4_K and Q5_K have 8 groups of 32 with a 6-bit scale and a 6-bit min each; a value is
/// `(d * scale) * q - (dmin * min)`. Q6_K has 16 groups of 16 with signed 8-bit scales; a
/// value is `(d * scale) * q`. The products are formed in that order because ggml does.
enum KQuantsHighBits {
    static let q4_KBytes = 144, q5_KBytes = 176, q6_KBytes = 210

    /// Layout: f16 d, f16 dmin, 12 bytes packed scales/mins, 128 bytes of nibbles. Groups 2j and
    /// 2j+1 share bytes 32*j ..< +32: low nibbles for the first, high nibbles for the second.
    static func q4_K(_ source: UnsafeRawPointer, blocks: Int, into destination: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b * q4_KBytes
            let d = FloatFormats.half(block, 0)
            let dmin = FloatFormats.half(block, 2)
            let packed = block + 4
            let quants = block + 16
            let out = destination + b * 256
            for pair in 0..<4 {
                let (s0, m0) = scaleAndMin(packed, 2 * pair)
                let (s1, m1) = scaleAndMin(packed, 2 * pair + 1)
                let d0 = SIMD16<Float>(repeating: d * Float(s0)), min0 = SIMD16<Float>(repeating: dmin * Float(m0))
                let d1 = SIMD16<Float>(repeating: d * Float(s1)), min1 = SIMD16<Float>(repeating: dmin * Float(m1))
                for half in 0..<2 {
                    let bytes = QuantSIMD.load(quants, 32 * pair + 16 * half)
                    let o = out + 64 * pair + 16 * half
                    QuantSIMD.store(d0 * QuantSIMD.float(bytes & 0x0F) - min0, o)
                    QuantSIMD.store(d1 * QuantSIMD.float(bytes &>> 4) - min1, o + 32)
                }
            }
        }
    }

    /// Layout: f16 d, f16 dmin, 12 bytes packed scales/mins, 32 bytes of fifth bits, 128 bytes
    /// of nibbles arranged as in Q4_K. Group g's fifth bits are bit g of the 32 `qh` bytes.
    static func q5_K(_ source: UnsafeRawPointer, blocks: Int, into destination: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b * q5_KBytes
            let d = FloatFormats.half(block, 0)
            let dmin = FloatFormats.half(block, 2)
            let packed = block + 4
            let highBits = block + 16
            let quants = block + 48
            let out = destination + b * 256
            for pair in 0..<4 {
                let (s0, m0) = scaleAndMin(packed, 2 * pair)
                let (s1, m1) = scaleAndMin(packed, 2 * pair + 1)
                let d0 = SIMD16<Float>(repeating: d * Float(s0)), min0 = SIMD16<Float>(repeating: dmin * Float(m0))
                let d1 = SIMD16<Float>(repeating: d * Float(s1)), min1 = SIMD16<Float>(repeating: dmin * Float(m1))
                let bit0 = UInt8(2 * pair), bit1 = UInt8(2 * pair + 1)
                for half in 0..<2 {
                    let bytes = QuantSIMD.load(quants, 32 * pair + 16 * half)
                    let high = QuantSIMD.load(highBits, 16 * half)
                    let q0 = (bytes & 0x0F) | (((high &>> bit0) & 1) &<< 4)
                    let q1 = (bytes &>> 4) | (((high &>> bit1) & 1) &<< 4)
                    let o = out + 64 * pair + 16 * half
                    QuantSIMD.store(d0 * QuantSIMD.float(q0) - min0, o)
                    QuantSIMD.store(d1 * QuantSIMD.float(q1) - min1, o + 32)
                }
            }
        }
    }

    /// Layout: 128 bytes of low nibbles, 64 bytes of high bit pairs, 16 signed scales, f16 d.
    /// Each 128-value half n uses ql[64n ..< +64], qh[32n ..< +32] and scales[8n ..< +8]:
    /// quarter k (32 values) takes nibble k/2 of ql[32*(k%2) + l] and bit pair k of qh[l].
    static func q6_K(_ source: UnsafeRawPointer, blocks: Int, into destination: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b * q6_KBytes
            let d = FloatFormats.half(block, 208)
            let out = destination + b * 256
            for n in 0..<2 {
                let low = block + 64 * n
                let high = block + 128 + 32 * n
                let scales = block + 192 + 8 * n
                for quarter in 0..<4 {
                    let nibbleShift = UInt8(4 * (quarter >> 1))
                    let pairShift = UInt8(2 * quarter)
                    for half in 0..<2 {
                        let scale = scales.load(fromByteOffset: half + 2 * quarter, as: Int8.self)
                        let ds = SIMD16<Float>(repeating: d * Float(scale))
                        let lowBits = (QuantSIMD.load(low, 32 * (quarter & 1) + 16 * half) &>> nibbleShift) & 0x0F
                        let highBits = (QuantSIMD.load(high, 16 * half) &>> pairShift) & 3
                        let q = SIMD16<Int32>(truncatingIfNeeded: lowBits | highBits &<< 4) &- 32
                        QuantSIMD.store(ds * QuantSIMD.float(q), out + 128 * n + 32 * quarter + 16 * half)
                    }
                }
            }
        }
    }

    /// Scale and min of group `j` (0..<8) from the 12 packed bytes shared by Q4_K and Q5_K:
    /// groups 0..<4 keep 6 bits in bytes j and j+4; groups 4..<8 keep their low 4 bits in
    /// byte j+4's nibbles and their top 2 bits in the spare top bits of bytes j-4 and j.
    @inline(__always)
    static func scaleAndMin(_ packed: UnsafeRawPointer, _ j: Int) -> (UInt8, UInt8) {
        if j < 4 {
            return (
                packed.load(fromByteOffset: j, as: UInt8.self) & 63,
                packed.load(fromByteOffset: j + 4, as: UInt8.self) & 63
            )
        }
        let mixed = packed.load(fromByteOffset: j + 4, as: UInt8.self)
        let scaleTop = packed.load(fromByteOffset: j - 4, as: UInt8.self) >> 6
        let minTop = packed.load(fromByteOffset: j, as: UInt8.self) >> 6
        return ((mixed & 0x0F) | scaleTop << 4, (mixed >> 4) | minTop << 4)
    }
}
