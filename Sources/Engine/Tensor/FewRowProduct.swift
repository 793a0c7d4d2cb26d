/// Y = X · Wᵀ for a few rows of X (decoding one token per step, a handful of logit rows).
/// sgemm on dequantised tiles writes and re-reads every weight as float32 through L2; here
/// each thread walks its share of the weight rows once, straight from the quantised blocks
/// where a fused kernel exists (Q4_1, Q8_0, IQ4_NL, IQ4_XS) and otherwise through a tile
/// small enough to stay in L1, and dots each row with every row of X.
extension WeightMatrix {
    /// Rows of X up to which `multiply` takes this path.
    static let fewRowLimit = 4

    func multiplyFewRows(
        _ x: UnsafePointer<Float>, m: Int, lda: Int, into y: UnsafeMutablePointer<Float>, ldy: Int,
        accumulate: Bool, scratch: [FloatBuffer], threads: Int
    ) {
        let columns = self.columns
        let xs = UncheckedSendable(x), ys = UncheckedSendable(y)
        Parallel.forRanges(rows, threads: threads, grain: 64) { chunk, range in
            var partStart = 0
            for part in parts {
                let lo = max(range.lowerBound, partStart), hi = min(range.upperBound, partStart + part.rows)
                if lo < hi, let rowBytes = part.type.rowBytes(columns) {
                    let base = part.base + (lo - partStart) * rowBytes
                    let out = ys.value + lo
                    switch part.type {
                    case .q4_1:
                        QuantizedDot.q4_1(
                            base, rows: hi - lo, columns: columns, x: xs.value, m: m, lda: lda,
                            into: out, ldy: ldy, accumulate: accumulate)
                    case .q8_0:
                        QuantizedDot.q8_0(
                            base, rows: hi - lo, columns: columns, x: xs.value, m: m, lda: lda,
                            into: out, ldy: ldy, accumulate: accumulate)
                    case .iq4_nl:
                        QuantizedDot.iq4_nl(
                            base, rows: hi - lo, columns: columns, x: xs.value, m: m, lda: lda,
                            into: out, ldy: ldy, accumulate: accumulate)
                    case .iq4_xs:
                        QuantizedDot.iq4_xs(
                            base, rows: hi - lo, columns: columns, x: xs.value, m: m, lda: lda,
                            into: out, ldy: ldy, accumulate: accumulate)
                    default:
                        dotThroughTiles(
                            lo..<hi, x: xs.value, m: m, lda: lda, into: ys.value, ldy: ldy,
                            accumulate: accumulate, tile: scratch[chunk])
                    }
                }
                partStart += part.rows
            }
        }
    }

    /// The generic path: dequantise a few rows at a time into an L1-sized tile and dot them.
    func dotThroughTiles(
        _ range: Range<Int>, x: UnsafePointer<Float>, m: Int, lda: Int,
        into y: UnsafeMutablePointer<Float>, ldy: Int, accumulate: Bool, tile buffer: FloatBuffer
    ) {
        let tileRows = max(1, 4096 / columns)
        let tile = buffer.reserve(tileRows * columns)
        var start = range.lowerBound
        while start < range.upperBound {
            let count = min(tileRows, range.upperBound - start)
            dequantizeRows(start..<(start + count), into: tile)
            for r in 0..<count {
                for i in 0..<m {
                    let sum = DotProduct.dot(tile + r * columns, x + i * lda, count: columns)
                    y[i * ldy + start + r] = accumulate ? y[i * ldy + start + r] + sum : sum
                }
            }
            start += count
        }
    }
}
