import Foundation

/// The output projection for scoring: for each row of X, the summary of its logits
/// (X · Wᵀ) and the logits of a few tokens, computed a tile of the vocabulary at a time.
/// Each thread owns a contiguous range of W's rows, multiplies all of X by one tile of them
/// (dequantised once, as `multiply` does), folds the tile into running per-row summaries and
/// drops it; the threads' summaries are merged at the end. A call holds m × tile floats of
/// logits instead of m × vocabulary.
extension WeightMatrix {
    /// Logits a thread holds at once, at most (4 MB).
    static let scoringTileValues = 1 << 20

    /// One thread's running summary of one row of X over the vocabulary rows seen so far.
    struct PartialSummary {
        var maximum = -Float.infinity
        /// Σ exp(x − maximum) over the rows seen.
        var total = 0.0
        var argmax: Int32 = 0

        /// Folds in `count` logits of vocabulary rows `first`..., in order.
        mutating func add(_ logits: UnsafePointer<Float>, count: Int, first: Int, scratch: UnsafeMutablePointer<Float>) {
            var top = logits[0], at = 0
            for j in 1..<count where logits[j] > top {
                top = logits[j]
                at = j
            }
            // Strictly greater: a tie keeps the earlier row, as LogitSummary's argmax does.
            if top > maximum {
                total *= Foundation.exp(Double(maximum - top))
                maximum = top
                argmax = Int32(first + at)
            }
            var start = 0
            while start < count {
                let n = min(LogitSummary.block, count - start)
                total += Double(LogitSummary.sumOfExponentials(logits + start, count: n, minus: maximum, scratch: scratch))
                start += n
            }
        }

        /// Merges the summary of later vocabulary rows.
        mutating func merge(_ later: PartialSummary) {
            guard later.maximum > -.infinity else { return }
            if later.maximum > maximum {
                total = total * Foundation.exp(Double(maximum - later.maximum)) + later.total
                maximum = later.maximum
                argmax = later.argmax
            } else {
                total += later.total * Foundation.exp(Double(later.maximum - maximum))
            }
        }
    }

    /// For each of the `m` rows of `x` (`columns` floats apart): the summary of x·Wᵀ and its
    /// values at `tokens[i]`.
    func scoreRows(
        _ x: UnsafePointer<Float>, m: Int, tokens: [[Int32]], scratch: [FloatBuffer], threads: Int
    ) -> [ScoredRow] {
        guard m > 0 else { return [] }
        let columns = self.columns, rows = self.rows
        let tile = max(16, min(1024, Self.scoringTileValues / m))
        let threads = max(1, min(threads, scratch.count, (rows + tile - 1) / tile))
        var partials = [[PartialSummary]](repeating: [], count: threads)
        var picked = [Float](repeating: .nan, count: tokens.reduce(0) { $0 + $1.count })
        let offsets = tokens.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        let xs = UncheckedSendable(x)
        partials.withUnsafeMutableBufferPointer { partialsBuffer in
            picked.withUnsafeMutableBufferPointer { pickedBuffer in
                let out = UncheckedSendable(partialsBuffer.baseAddress!), chosen = UncheckedSendable(pickedBuffer.baseAddress!)
                Parallel.forRanges(threads, threads: threads, grain: 1) { slot, range in
                    for part in range {
                        let lo = rows * part / threads, hi = rows * (part + 1) / threads
                        var summaries = [PartialSummary](repeating: PartialSummary(), count: m)
                        // One buffer: the tile's weights, its logits, and exp scratch.
                        let buffer = scratch[slot].reserve(tile * columns + m * tile + LogitSummary.block)
                        let weights = buffer, logits = buffer + tile * columns, exps = logits + m * tile
                        var start = lo
                        while start < hi {
                            let count = min(tile, hi - start)
                            dequantizeRows(start..<(start + count), into: weights)
                            BLAS.gemmTransposedB(
                                m: m, n: count, k: columns, a: xs.value, lda: columns, b: weights, ldb: columns,
                                c: logits, ldc: count)
                            for i in 0..<m {
                                let row = logits + i * count
                                summaries[i].add(row, count: count, first: start, scratch: exps)
                                for (k, token) in tokens[i].enumerated() where Int(token) >= start && Int(token) < start + count {
                                    chosen.value[offsets[i] + k] = row[Int(token) - start]
                                }
                            }
                            start += count
                        }
                        out.value[part] = summaries
                    }
                }
            }
        }
        return (0..<m).map { i in
            var whole = partials[0][i]
            for part in 1..<threads { whole.merge(partials[part][i]) }
            return ScoredRow(
                summary: LogitSummary(maximum: whole.maximum, logNormalizer: Foundation.log(whole.total), argmax: whole.argmax),
                logits: Array(picked[offsets[i]..<offsets[i + 1]]))
        }
    }
}
