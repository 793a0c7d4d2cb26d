#if TARGET_CPU_HASWELL && arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// The 16 values IQ4_NL and IQ4_XS map their 4-bit indices to (`kvalues_iq4nl` in
/// ggml-common.h): a non-linear grid, denser near zero where most weights lie.
enum NonLinearTable {
    /// The table as a vector, built where it is used so it stays a constant of the code
    /// (a stored `static let` is reached through a lazy-initialisation check).
    @inline(__always)
    static var vector: SIMD16<Int8> {
        SIMD16<Int8>(-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113)
    }

    /// Table values for sixteen indices (0..<16 each). A table lookup per value through memory
    /// made the fused dot product 9× slower than Q4_1's (the scalar stores are then read back
    /// as vectors, which the CPU cannot forward), so builds for Haswell and later use the byte
    /// shuffle (pshufb), one instruction for all sixteen. It cannot be compiled for baseline
    /// x86-64 (no SSSE3: the compiler stops with "Cannot select"), so debug builds and other
    /// CPUs take Swift's `SIMD` subscript by an index vector, which is lowered lane by lane.
    @inline(__always)
    static func lookup(_ indices: SIMD16<UInt8>) -> SIMD16<Int8> {
        #if TARGET_CPU_HASWELL && arch(x86_64)
        let shuffled = _mm_shuffle_epi8(
            unsafeBitCast(vector, to: __m128i.self), unsafeBitCast(indices, to: __m128i.self))
        return unsafeBitCast(shuffled, to: SIMD16<Int8>.self)
        #else
        return portableLookup(indices)
        #endif
    }

    /// The lookup without the shuffle instruction; tests hold `lookup` to it.
    @inline(__always)
    static func portableLookup(_ indices: SIMD16<UInt8>) -> SIMD16<Int8> {
        vector[indices & 0x0F]
    }
}
