/// The unquantised storage formats: F32 (copied), F16 and BF16 (widened).
enum FloatFormats {
    static func copyF32(_ source: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>) {
        // memcpy semantics: GGUF data is only guaranteed 32-byte aligned relative to the data
        // section, and a caller may pass an arbitrary offset, so never bind the source to Float.
        UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: count * 4)
    }

    /// One half-precision value widened as ggml widens it (exact for normals, subnormals and
    /// infinities; NaNs keep their payload and come out quiet). Used for per-block scales.
    @inline(__always)
    static func half(_ source: UnsafeRawPointer, _ byteOffset: Int) -> Float {
        halfToFloat(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: byteOffset, as: UInt16.self)))
    }

    /// Scalar form of `halfBitsToFloat`. `Float(Float16)` gives the same bits but is a
    /// compiler-rt call on baseline x86_64 (no F16C), which showed up at two per Q4_1 block.
    @inline(__always)
    static func halfToFloat(_ h: UInt16) -> Float {
        let w = UInt32(h) << 16
        let twoW = w &+ w
        let magnitude =
            twoW < 1 << 27
            ? Float(bitPattern: (twoW >> 17) | 126 << 23) - 0.5
            : Float(bitPattern: (twoW >> 4) &+ 0xE0 << 23) * 0x1.0p-112
        return Float(bitPattern: (w & 0x8000_0000) | magnitude.bitPattern)
    }

    static func convertF16(_ source: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>) {
        // Float(Float16) is a libcall per value on baseline x86_64, so whole tensors take the
        // branch-free SIMD widening below, eight values at a time.
        let lanes = 8
        var i = 0
        while i + lanes <= count {
            let bits = source.loadUnaligned(fromByteOffset: i * 2, as: SIMD8<UInt16>.self)
            let wide = halfBitsToFloat(SIMD8<UInt32>(truncatingIfNeeded: bits))
            UnsafeMutableRawPointer(destination + i).storeBytes(of: wide, as: SIMD8<Float>.self)
            i += lanes
        }
        while i < count {
            destination[i] = half(source, i * 2)
            i += 1
        }
    }

    /// Widens eight half-precision bit patterns (in the low 16 bits of each lane) to float32.
    /// Normal values and infinities/NaNs are re-biased by a multiply by 2^-112, which is exact
    /// and quiets signalling NaNs the way a hardware conversion does; subnormals are rebuilt
    /// by subtracting 0.5 from 0.5 + mantissa*2^-24, also exact.
    @inline(__always)
    static func halfBitsToFloat(_ h: SIMD8<UInt32>) -> SIMD8<Float> {
        let w = h &<< 16
        let sign = w & 0x8000_0000
        let twoW = w &+ w
        let normal = SIMD8<Float>(bitPattern: (twoW &>> 4) &+ (0xE0 << 23)) * SIMD8<Float>(repeating: 0x1.0p-112)
        let subnormal = SIMD8<Float>(bitPattern: (twoW &>> 17) | (126 << 23)) - SIMD8<Float>(repeating: 0.5)
        let isSubnormal = twoW .< SIMD8<UInt32>(repeating: 1 << 27)
        let magnitude = normal.bitPattern.replacing(with: subnormal.bitPattern, where: isSubnormal)
        return SIMD8<Float>(bitPattern: sign | magnitude)
    }

    static func convertBF16(_ source: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>) {
        // bfloat16 is the upper half of a float32, so widening is a shift (NaNs stay as stored).
        let lanes = 8
        var i = 0
        while i + lanes <= count {
            let bits = source.loadUnaligned(fromByteOffset: i * 2, as: SIMD8<UInt16>.self)
            let wide = SIMD8<UInt32>(truncatingIfNeeded: bits) &<< 16
            UnsafeMutableRawPointer(destination + i).storeBytes(of: wide, as: SIMD8<UInt32>.self)
            i += lanes
        }
        while i < count {
            let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
            destination[i] = Float(bitPattern: UInt32(bits) << 16)
            i += 1
        }
    }
}

// fileprivate: other engine files may define their own SIMD helpers.
fileprivate extension SIMD8 where Scalar == Float {
    @inline(__always)
    init(bitPattern bits: SIMD8<UInt32>) {
        self = unsafeBitCast(bits, to: SIMD8<Float>.self)
    }

    @inline(__always)
    var bitPattern: SIMD8<UInt32> { unsafeBitCast(self, to: SIMD8<UInt32>.self) }
}
