/// BERT's input vectors:
///
///     x = LayerNorm(word[token] + type[tokenType] + position[t])
///
/// with learned absolute positions t = 0, 1, … along each padded row (transformers' default
/// position ids), summed in transformers' order.
struct BertEmbeddings {
    let words: WeightMatrix
    let positions: WeightMatrix
    let types: WeightMatrix
    let norm: LayerNorm

    var width: Int { words.columns }

    /// Writes the `count × length` rows of `batch` to `x`.
    func callAsFunction(_ batch: EncoderBatch, into x: UnsafeMutablePointer<Float>, scratch: BertScratch, threads: Int) {
        let d = width
        let extra = scratch.projected.reserve(d)
        for b in 0..<batch.count {
            for t in 0..<batch.length {
                let cell = b * batch.length + t, row = x + cell * d
                let token = Int(batch.tokens[cell]), type = Int(batch.tokenTypes[cell])
                words.dequantizeRows(token..<(token + 1), into: row)
                types.dequantizeRows(type..<(type + 1), into: extra)
                Ops.add(extra, into: row, count: d)
                positions.dequantizeRows(t..<(t + 1), into: extra)
                Ops.add(extra, into: row, count: d)
            }
        }
        norm(x, rows: batch.count * batch.length, into: x, threads: threads)
    }
}
