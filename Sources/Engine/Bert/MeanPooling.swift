/// Sentence embeddings from an encoder's hidden states, as sentence-transformers computes
/// them for all-MiniLM-L6-v2 (its Pooling and Normalize modules):
///
///     e = Σ_t mask_t · h_t / max(Σ_t mask_t, 1e-9)        the mean over the row's tokens
///     e ← e / max(‖e‖₂, 1e-12)                             when normalising
public enum MeanPooling {
    /// One embedding per row of `batch`.
    public static func embeddings(_ states: HiddenStates, batch: EncoderBatch, normalize: Bool) -> [[Float]] {
        states.values.withUnsafeBufferPointer { values in
            (0..<states.count).map { b in
                var sum = [Float](repeating: 0, count: states.width)
                var tokens: Float = 0
                for t in 0..<states.length where batch.isToken(row: b, t) {
                    let row = values.baseAddress! + (b * states.length + t) * states.width
                    for i in 0..<states.width { sum[i] += row[i] }
                    tokens += 1
                }
                let count = max(tokens, 1e-9)
                var mean = sum.map { $0 / count }
                if normalize {
                    let norm = max(mean.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
                    mean = mean.map { $0 / norm }
                }
                return mean
            }
        }
    }
}
