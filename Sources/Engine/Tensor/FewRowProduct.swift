/// Y = X · Wᵀ for a few rows of X (decoding: one token per sequence and step, a handful of
/// logit rows). sgemm on dequantised tiles writes and re-reads every weight as float32; here
/// each thread walks its share of the weight rows once, straight from the stored blocks, with
/// the fused kernels of `CKernels` (every type the engine reads; AVX-512, AVX2 or portable C,
/// chosen at run time), and dots each weight row with every row of X.
extension WeightMatrix {
    /// Rows of X up to which `multiply` takes this path: up to here a weight block is decoded
    /// once and used for every row of X in registers, which beats dequantising tiles for
    /// sgemm (measured for batched decoding of 16 sequences, see the README).
    static let fewRowLimit = 16

    func multiplyFewRows(
        _ x: UnsafePointer<Float>, m: Int, lda: Int, into y: UnsafeMutablePointer<Float>, ldy: Int,
        accumulate: Bool, scratch: [FloatBuffer], threads: Int
    ) {
        let columns = self.columns
        let xs = UncheckedSendable(x), ys = UncheckedSendable(y)
        Parallel.forRanges(rows, threads: threads, grain: 64, chunksPerThread: 4) { slot, range in
            var partStart = 0
            for part in parts {
                let lo = max(range.lowerBound, partStart), hi = min(range.upperBound, partStart + part.rows)
                if lo < hi, let rowBytes = part.type.rowBytes(columns) {
                    let done = RowKernels.product(
                        part.type, part.base + (lo - partStart) * rowBytes, rowBytes: rowBytes, rows: hi - lo,
                        columns: columns, x: xs.value, m: m, lda: lda, into: ys.value + lo, ldy: ldy,
                        accumulate: accumulate)
                    if !done {
                        dotThroughTiles(
                            lo..<hi, x: xs.value, m: m, lda: lda, into: ys.value, ldy: ldy, accumulate: accumulate,
                            tile: scratch[slot])
                    }
                }
                partStart += part.rows
            }
        }
    }

    /// For a type the kernels do not read (none the loader accepts today): dequantise a few
    /// rows at a time into an L1-sized tile and dot them.
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
