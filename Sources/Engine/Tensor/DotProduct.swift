/// Float32 dot products for the few-row (decoding) path. Written on SIMD8 loads and
/// element-wise adds, which lower to AVX2 vectors; a scalar `sum += a[i] * b[i]` loop would
/// stay scalar because LLVM may not reorder float additions.
enum DotProduct {
    /// Σ a[i]·b[i] over `count` floats, with two independent accumulators to hide latency.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>()
        var i = 0
        while i + 16 <= count {
            s0 +=
                ra.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            s1 +=
                ra.loadUnaligned(fromByteOffset: 4 * i + 32, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: 4 * i + 32, as: SIMD8<Float>.self)
            i += 16
        }
        if i + 8 <= count {
            s0 +=
                ra.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            i += 8
        }
        var sum = (s0 + s1).sum()
        while i < count {
            sum += a[i] * b[i]
            i += 1
        }
        return sum
    }
}
