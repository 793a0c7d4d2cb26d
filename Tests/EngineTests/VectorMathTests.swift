import Foundation
import Testing

@testable import Engine

@Suite("Vector exp")
struct VectorMathTests {
    @Test("matches libm's expf within 4 ulp over the range softmax and SiLU use")
    func accuracy() {
        var worst: Float = 0
        var x: Float = -87
        while x < 88 {
            for j in 0..<16 {
                let v = x + Float(j) * 0.000_731
                let want = expf(v)
                worst = max(worst, abs(VectorMath.exp(v) - want) / want.ulp)
            }
            x += 0.0173
        }
        #expect(worst <= 4, "worst error \(worst) ulp")
    }

    @Test("erf within 6e-7 of libm's over the range GELU sees, odd, saturating at ±1")
    func erf() {
        var worst: Float = 0
        var x: Float = -12
        while x < 12 {
            worst = max(worst, abs(VectorMath.erf(x) - Float(Foundation.erf(Double(x)))))
            #expect(VectorMath.erf(-x) == -VectorMath.erf(x))
            x += 0.000_37
        }
        #expect(worst <= 6e-7, "worst error \(worst)")
        #expect(VectorMath.erf(0) == 0 && VectorMath.erf(50) == 1 && VectorMath.erf(-50) == -1)
    }

    @Test("saturates instead of overflowing, and handles the tail of a row")
    func edges() {
        let big = VectorMath.exp(1000)
        #expect(big.isFinite && big > 1e38)
        #expect(VectorMath.exp(-1000) < 1e-37)
        var silu: [Float] = [-100, -1, 0, 1, 100]
        silu.withUnsafeMutableBufferPointer { VectorMath.siluInPlace($0.baseAddress!, count: 5) }
        #expect(abs(silu[1] - (-1 / (1 + expf(1)))) < 1e-6 && silu[2] == 0 && silu[4] == 100 && abs(silu[0]) < 1e-30)
        var values: [Float] = (0..<21).map { Float($0) * 0.5 - 5 }
        values.withUnsafeMutableBufferPointer { VectorMath.expInPlace($0.baseAddress!, count: 21) }
        for (i, v) in values.enumerated() {
            let want = expf(Float(i) * 0.5 - 5)
            #expect(abs(v - want) <= 4 * want.ulp)
        }
    }
}
