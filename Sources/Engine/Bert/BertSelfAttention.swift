/// BERT's bidirectional self-attention over each padded row of a batch:
///
///     q, k, v = x·W_qᵀ + b_q, x·W_kᵀ + b_k, x·W_vᵀ + b_v        (one product, stacked)
///     head_h = softmax(q_h·k_hᵀ/√d_head + mask)·v_h              keys of padding masked out
///
/// Every position attends to every token of its own row that the attention mask marks;
/// padded positions are computed too (their values are what transformers returns there).
/// Returns the heads side by side, `tokens × hidden`, the input of the output projection.
struct BertSelfAttention {
    let qkv: Linear
    let headCount: Int
    let headDim: Int

    var width: Int { headCount * headDim }

    func callAsFunction(
        _ x: UnsafePointer<Float>, _ batch: EncoderBatch, scratch s: BertScratch, threads: Int
    ) -> UnsafeMutablePointer<Float> {
        let rows = batch.count * batch.length, d = width, stride = 3 * d
        let projected = s.qkv.reserve(rows * stride)
        qkv(x, rows: rows, into: projected, scratch: s.weights, shared: s.sharedWeights, threads: threads)
        let context = s.context.reserve(rows * d)
        let qkvs = UncheckedSendable(projected), contexts = UncheckedSendable(context)
        let n = batch.length, hd = headDim, scale = 1 / Float(hd).squareRoot()
        batch.attentionMask.withUnsafeBufferPointer { mask in
            let masks = UncheckedSendable(mask.baseAddress!)
            Parallel.forRanges(batch.count * headCount, threads: threads, grain: 1) { slot, range in
                let scores = s.scores[slot].reserve(n * n)
                for work in range {
                    let b = work / headCount, h = work % headCount
                    let first = qkvs.value + b * n * stride + h * hd
                    BLAS.gemmTransposedB(
                        m: n, n: n, k: hd, a: first, lda: stride, b: first + d, ldb: stride, c: scores, ldc: n, alpha: scale)
                    Ops.softmax(scores, rows: n, width: n, visible: masks.value + b * n)
                    BLAS.gemm(
                        m: n, n: hd, k: n, a: scores, lda: n, b: first + 2 * d, ldb: stride,
                        c: contexts.value + b * n * d + h * hd, ldc: d)
                }
            }
        }
        return context
    }
}
