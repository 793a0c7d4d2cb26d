import Foundation

/// The small element-wise pieces of a transformer, as plain functions on row-major rows.
enum Ops {
    /// y = x / sqrt(mean(x²) + eps) · weight, row by row.
    static func rmsNorm(
        _ x: UnsafePointer<Float>, rows: Int, width: Int, weight: UnsafePointer<Float>,
        epsilon: Float, into y: UnsafeMutablePointer<Float>, threads: Int
    ) {
        let xs = UncheckedSendable(x), ys = UncheckedSendable(y), ws = UncheckedSendable(weight)
        Parallel.forRanges(rows, threads: threads, grain: 32) { _, range in
            for r in range {
                let xr = xs.value + r * width, yr = ys.value + r * width
                var sum: Double = 0
                for i in 0..<width {
                    let v = Double(xr[i])
                    sum += v * v
                }
                let scale = Float(1 / (sum / Double(width) + Double(epsilon)).squareRoot())
                for i in 0..<width { yr[i] = (xr[i] * scale) * ws.value[i] }
            }
        }
    }

    /// x += y over `count` values.
    static func add(_ y: UnsafePointer<Float>, into x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { x[i] += y[i] }
    }

    /// Adds `bias` to each of `rows` rows of `width` values at stride `stride`.
    static func addBias(_ bias: UnsafePointer<Float>, to x: UnsafeMutablePointer<Float>, rows: Int, width: Int, stride: Int) {
        for r in 0..<rows {
            let row = x + r * stride
            for i in 0..<width { row[i] += bias[i] }
        }
    }

    /// Rotary embedding with adjacent pairs (2i, 2i+1), the layout of GGUF's q/k rows:
    /// rotates the first `dims` dimensions of each of `heads` heads in every row.
    static func ropeAdjacent(
        _ x: UnsafeMutablePointer<Float>, rows: Int, stride: Int, heads: Int, headDim: Int,
        dims: Int, cos: UnsafePointer<Float>, sin: UnsafePointer<Float>
    ) {
        let half = dims / 2
        for r in 0..<rows {
            let c = cos + r * half, s = sin + r * half
            for h in 0..<heads {
                let v = x + r * stride + h * headDim
                for i in 0..<half {
                    let a = v[2 * i], b = v[2 * i + 1]
                    v[2 * i] = a * c[i] - b * s[i]
                    v[2 * i + 1] = a * s[i] + b * c[i]
                }
            }
        }
    }

    /// Rotary positions on the two halves of each head's first `dims` values (dims i and
    /// i + dims/2), llama.cpp's NEOX type and Hugging Face's layout.
    static func ropeHalves(
        _ x: UnsafeMutablePointer<Float>, rows: Int, stride: Int, heads: Int, headDim: Int,
        dims: Int, cos: UnsafePointer<Float>, sin: UnsafePointer<Float>
    ) {
        let half = dims / 2
        for r in 0..<rows {
            let c = cos + r * half, s = sin + r * half
            for h in 0..<heads {
                let v = x + r * stride + h * headDim
                for i in 0..<half {
                    let a = v[i], b = v[i + half]
                    v[i] = a * c[i] - b * s[i]
                    v[i + half] = a * s[i] + b * c[i]
                }
            }
        }
    }

    /// cos/sin tables for the given positions: `positions.count × dims/2` each. Angles are
    /// computed as float32 like the reference implementations (inv_freq, then pos · inv_freq).
    static func ropeTables(
        positions: [Int], dims: Int, theta: Float,
        cos: UnsafeMutablePointer<Float>, sin: UnsafeMutablePointer<Float>
    ) {
        let half = dims / 2
        var inverse = [Float](repeating: 0, count: half)
        for i in 0..<half {
            inverse[i] = 1 / Float(pow(Double(theta), Double(2 * i) / Double(dims)))
        }
        for (r, p) in positions.enumerated() {
            for i in 0..<half {
                let angle = Float(p) * inverse[i]
                cos[r * half + i] = Foundation.cos(angle)
                sin[r * half + i] = Foundation.sin(angle)
            }
        }
    }

    /// In place SiLU, x / (1 + e^-x), on `width` values of each row at stride `stride`.
    static func silu(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, stride: Int, threads: Int) {
        let xs = UncheckedSendable(x)
        Parallel.forRanges(rows, threads: threads, grain: 8) { _, range in
            for r in range {
                VectorMath.siluInPlace(xs.value + r * stride, count: width)
            }
        }
    }

    /// a[i] = SiLU(a[i]) · b[i] with b = a + width (the gate and up halves of one row), in
    /// one pass; the same float operations in the same order as `silu` then `multiply`.
    static func siluGate(_ a: UnsafeMutablePointer<Float>, rows: Int, width: Int, stride: Int, threads: Int) {
        let as_ = UncheckedSendable(a)
        Parallel.forRanges(rows, threads: threads, grain: 8) { _, range in
            for r in range {
                let ar = as_.value + r * stride, br = ar + width
                for i in 0..<width {
                    let v = ar[i]
                    ar[i] = (v / (1 + VectorMath.exp(-v))) * br[i]
                }
            }
        }
    }

    /// a[i] *= b[i] for `width` values of each row (both at stride `stride`).
    static func multiply(_ a: UnsafeMutablePointer<Float>, by b: UnsafePointer<Float>, rows: Int, width: Int, stride: Int, threads: Int) {
        let as_ = UncheckedSendable(a), bs = UncheckedSendable(b)
        Parallel.forRanges(rows, threads: threads, grain: 16) { _, range in
            for r in range {
                let ar = as_.value + r * stride, br = bs.value + r * stride
                for i in 0..<width { ar[i] *= br[i] }
            }
        }
    }

    /// Row-wise softmax where row i may see only its first `visible(i)` entries (the rest
    /// become 0): the causal mask.
    static func maskedSoftmax(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, visible: (Int) -> Int) {
        for r in 0..<rows {
            let row = x + r * width
            let n = min(width, visible(r))
            var maximum = -Float.infinity
            for j in 0..<n { maximum = max(maximum, row[j]) }
            for j in 0..<n { row[j] -= maximum }
            VectorMath.expInPlace(row, count: n)
            var sum: Float = 0
            for j in 0..<n { sum += row[j] }
            let inverse = 1 / sum
            for j in 0..<n { row[j] *= inverse }
            for j in n..<width { row[j] = 0 }
        }
    }
}
