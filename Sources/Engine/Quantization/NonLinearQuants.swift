/// The 4-bit non-linear formats IQ4_NL (ggml type 20) and IQ4_XS (type 23), ggml-common.h
/// layouts.
///
/// Both store 4-bit indices into `NonLinearTable` in groups of 32 values: 16 bytes whose low
/// nibbles index values 0..<16 of the group and high nibbles values 16..<32, as in Q4_0.
/// IQ4_NL is one group per block with an f16 scale `d`: value = d * table[i]. IQ4_XS puts 8
/// groups in a super-block of 256 with one f16 `d` and a 6-bit scale `ls` per group:
/// value = (d * (ls - 32)) * table[i]. Both products are float32, in ggml's order.
enum NonLinearQuants {
    static let iq4_nlBytes = 18, iq4_xsBytes = 136

    /// Layout: f16 d, 16 bytes of indices.
    static func iq4_nl(_ source: UnsafeRawPointer, blocks: Int, into destination: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b * iq4_nlBytes
            decodeGroup(block + 2, scale: FloatFormats.half(block, 0), into: destination + 32 * b)
        }
    }

    /// Layout: f16 d, u16 scales_h, 4 bytes scales_l, 128 bytes of indices (16 per group).
    static func iq4_xs(_ source: UnsafeRawPointer, blocks: Int, into destination: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b * iq4_xsBytes
            let d = FloatFormats.half(block, 0)
            for group in 0..<8 {
                let dl = d * Float(groupScale(block, group) - 32)
                decodeGroup(block + 8 + 16 * group, scale: dl, into: destination + 256 * b + 32 * group)
            }
        }
    }

    /// The 6-bit scale of IQ4_XS group `group` (0..<8): its low 4 bits are nibble `group % 2`
    /// of scales_l[group / 2], its high 2 bits are bits 2·group and 2·group+1 of scales_h.
    @inline(__always)
    static func groupScale(_ block: UnsafeRawPointer, _ group: Int) -> Int32 {
        let high = UInt16(littleEndian: block.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
        let low = block.load(fromByteOffset: 4 + group / 2, as: UInt8.self)
        return Int32((low >> (4 * (group % 2))) & 0x0F) | Int32((high >> (2 * group)) & 3) << 4
    }

    /// The 32 table values of one group's 16 index bytes, low nibbles first, as bytes.
    @inline(__always)
    static func groupValues(_ indices: UnsafeRawPointer) -> (SIMD16<Int8>, SIMD16<Int8>) {
        let bytes = QuantSIMD.load(indices, 0)
        return (NonLinearTable.lookup(bytes & 0x0F), NonLinearTable.lookup(bytes &>> 4))
    }

    /// scale * table[i] for one group's 32 values.
    @inline(__always)
    private static func decodeGroup(_ indices: UnsafeRawPointer, scale: Float, into out: UnsafeMutablePointer<Float>) {
        // A plain lane loop over the bytes: LLVM turns it into vpmovsxbd/vcvtdq2ps, while
        // SIMD16 integer-to-float conversions became calls into the standard library.
        withUnsafeBytes(of: groupValues(indices)) { values in
            for j in 0..<32 { out[j] = Float(values.load(fromByteOffset: j, as: Int8.self)) * scale }
        }
    }
}
