import Foundation

/// What scoring needs from one row of logits: its largest value, the log of its softmax
/// normaliser and its argmax. A row is summarised once, however many continuations it
/// scores; a grid of a hundred configurations scores tens of thousands of 49,152-wide rows,
/// and libm's expf over them was a quarter of a sweep's wall time.
public struct LogitSummary: Sendable, Equatable {
    public let maximum: Float
    /// log Σ exp(x − maximum), summed in blocks of float32 and across blocks in double.
    public let logNormalizer: Double
    /// Index of the largest logit; the first one on ties.
    public let argmax: Int32

    public init(maximum: Float, logNormalizer: Double, argmax: Int32) {
        self.maximum = maximum
        self.logNormalizer = logNormalizer
        self.argmax = argmax
    }

    public init(_ row: ArraySlice<Float>) {
        argmax = row.argmaxIndex
        let top = row[row.startIndex + Int(argmax)]
        maximum = top
        var total = 0.0
        row.withUnsafeBufferPointer { values in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: Self.block) { scratch in
                var start = 0
                while start < values.count {
                    let count = min(Self.block, values.count - start)
                    total += Double(
                        Self.sumOfExponentials(values.baseAddress! + start, count: count, minus: top, scratch: scratch.baseAddress!))
                    start += count
                }
            }
        }
        logNormalizer = Foundation.log(total)
    }

    /// log softmax(row)[token], in double precision.
    public func logProbability(of token: Int32, in row: ArraySlice<Float>) -> Double {
        Double(row[row.startIndex + Int(token)] - maximum) - logNormalizer
    }

    /// Summaries of many rows, spread over `threads` cores.
    public static func summarize(_ rows: [ArraySlice<Float>], threads: Int) -> [LogitSummary] {
        var out = [LogitSummary?](repeating: nil, count: rows.count)
        out.withUnsafeMutableBufferPointer { buffer in
            let results = UncheckedSendable(buffer.baseAddress!)
            Parallel.forRanges(rows.count, threads: threads, grain: 8) { _, range in
                for r in range { results.value[r] = LogitSummary(rows[r]) }
            }
        }
        return out.map { $0! }
    }

    static let block = 1024

    /// Σ exp(x[i] − shift): the exponentials go through VectorMath's vectorised loop into
    /// scratch, then eight lanes accumulate them (a plain float sum would not vectorise).
    @inline(__always)
    static func sumOfExponentials(
        _ x: UnsafePointer<Float>, count: Int, minus shift: Float,
        scratch: UnsafeMutablePointer<Float>
    ) -> Float {
        for i in 0..<count { scratch[i] = VectorMath.exp(x[i] - shift) }
        var lanes = SIMD8<Float>()
        var i = 0
        let raw = UnsafeRawPointer(scratch)
        while i + 8 <= count {
            lanes += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        var sum = lanes.sum()
        while i < count {
            sum += scratch[i]
            i += 1
        }
        return sum
    }
}
