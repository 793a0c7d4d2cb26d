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

    ///
    /// With `quantized` scratch (8-bit activations) X's rows are quantised into it once, on
    /// the calling thread, and parts of a type the 8-bit kernels read use them; others float X.
    func multiplyFewRows(
        _ x: UnsafePointer<Float>, m: Int, lda: Int, into y: UnsafeMutablePointer<Float>, ldy: Int,
        accumulate: Bool, scratch: [FloatBuffer], quantized: FloatBuffer? = nil, threads: Int
    ) {
        let columns = self.columns
        let xq = quantized.flatMap { buffer in
            parts.contains { RowKernels.readsInt8($0.type) } ? RowKernels.quantize(x, m: m, lda: lda, columns: columns, into: buffer) : nil
        }
        let xs = UncheckedSendable(x), ys = UncheckedSendable(y), xqs = UncheckedSendable(xq)
        Parallel.forRanges(rows, threads: threads, grain: 64, chunksPerThread: 4) { slot, range in
            var partStart = 0
            for part in parts {
                let lo = max(range.lowerBound, partStart), hi = min(range.upperBound, partStart + part.rows)
                if lo < hi, let rowBytes = part.type.rowBytes(columns) {
                    let weights = part.base + (lo - partStart) * rowBytes
                    var done = false
                    if let xq = xqs.value {
                        done = RowKernels.productInt8(
                            part.type, weights, rowBytes: rowBytes, rows: hi - lo, columns: columns, x: xq, m: m,
                            into: ys.value + lo, ldy: ldy, accumulate: accumulate)
                    }
                    if !done {
                        done = RowKernels.product(
                            part.type, weights, rowBytes: rowBytes, rows: hi - lo, columns: columns, x: xs.value, m: m,
                            lda: lda, into: ys.value + lo, ldy: ldy, accumulate: accumulate)
                    }
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
