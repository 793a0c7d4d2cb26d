/// exp over arrays. libm's expf costs ~5 ns a call and softmax and SiLU need tens of
/// millions per forward pass. This is a Cephes-style reduction x = n·ln2 + r with a
/// degree-6 polynomial for e^r (accurate to ~2 ulp), written as a plain scalar loop of
/// branch-free operations so LLVM's loop vectoriser turns it into AVX2 code (the standard
/// library's SIMD types lower min/max and conversions lane by lane).
enum VectorMath {
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        // Clamp with comparisons that become vector selects.
        let v = x < -87.3 ? -87.3 : (x > 88.3 ? 88.3 : x)
        let magic: Float = 12_582_912  // 1.5 · 2^23: adding it rounds to an integer
        let shifted = v * 1.442_695_04 + magic
        let n = shifted - magic
        var r = v - n * 0.693_359_375
        r = r - n * -2.121_944_4e-4
        var p: Float = 1.987_569_15e-4
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_6e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_1e-1
        p = p * (r * r) + r + 1
        // The low bits of `shifted` hold n; n + 127 goes into the exponent field.
        let bits = (shifted.bitPattern &- 0x4B40_0000 &+ 127) &<< 23
        return p * Float(bitPattern: bits)
    }

    /// erf(x) by Abramowitz and Stegun's 7.1.26, 1 − (a₁t + … + a₅t⁵)·e^(−x²) with
    /// t = 1/(1 + p|x|), odd in x: within 1.5e-7 of erf in exact arithmetic (6e-7 in float),
    /// branch-free so exact GELU over a BERT layer's activations vectorises (libm's erff
    /// took a fifth of MiniLM's time).
    @inline(__always)
    static func erf(_ x: Float) -> Float {
        let a = abs(x)
        let t = 1 / (1 + 0.327_591_1 * a)
        var p: Float = 1.061_405_429
        p = p * t - 1.453_152_027
        p = p * t + 1.421_413_741
        p = p * t - 0.284_496_736
        p = p * t + 0.254_829_592
        let y = 1 - p * t * exp(-a * a)
        return x < 0 ? -y : y
    }

    /// x[i] = exp(x[i]) for `count` floats.
    @inline(__always)
    static func expInPlace(_ x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { x[i] = exp(x[i]) }
    }

    /// x[i] = x[i] / (1 + exp(-x[i])) for `count` floats (SiLU).
    @inline(__always)
    static func siluInPlace(_ x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count {
            let v = x[i]
            x[i] = v / (1 + exp(-v))
        }
    }
}
