/// Causal self-attention over fused rows [q (heads × d) | k (kvHeads × d) | v (kvHeads × d)]
/// (positions already applied to q and k, or ALiBi added to the scores): stores the new
/// keys and values in each sequence's KV state, then softmax(q·kᵀ/√d + bias + mask)·v per
/// head. The per-head outputs are offered to the editor as `attentionHeads(layer)`.
struct CausalAttention {
    let layer: Int
    let headCount: Int
    let kvHeadCount: Int
    let headDim: Int
    /// ALiBi (BLOOM): head h adds slope[h] · (key position) to its scores; nil for none.
    let alibiSlopes: [Float]?

    var queryWidth: Int { headCount * headDim }
    var kvWidth: Int { kvHeadCount * headDim }
    var stride: Int { queryWidth + 2 * kvWidth }

    /// Every row's per-head attention output, in the scratch's `heads` buffer.
    func callAsFunction(_ qkv: UnsafeMutablePointer<Float>, _ pass: ForwardPass) -> UnsafeMutablePointer<Float> {
        let t = pass.tokenCount, s = pass.scratch
        for sequence in pass.layout.sequences { store(sequence, qkv) }
        let heads = s.heads.reserve(max(t, 1) * queryWidth)
        let work = pass.layout.sequences.indices.flatMap { q in (0..<headCount).map { (q, $0) } }
        let qkvs = UncheckedSendable(qkv), headss = UncheckedSendable(heads)
        Parallel.forRanges(work.count, threads: pass.threads, grain: 1) { chunk, range in
            for (q, h) in work[range] {
                attend(pass.layout.sequences[q], head: h, qkvs.value, into: headss.value, scores: s.scores[chunk])
            }
        }
        pass.hook(.attentionHeads(layer), heads, width: queryWidth, heads: headCount)
        return heads
    }

    private func store(_ sequence: BatchLayout.Sequence, _ qkv: UnsafeMutablePointer<Float>) {
        guard let state = sequence.state else { return }
        let rows = qkv + sequence.firstRow * stride
        let k = state.ownKeys(layer, at: sequence.past), v = state.ownValues(layer, at: sequence.past)
        for i in 0..<sequence.count {
            (k + i * kvWidth).update(from: rows + i * stride + queryWidth, count: kvWidth)
            (v + i * kvWidth).update(from: rows + i * stride + queryWidth + kvWidth, count: kvWidth)
        }
    }

    /// One head of one sequence, all its new rows at once; keys and values from its state
    /// (a fork's first positions are its parent's) or from the new rows themselves.
    private func attend(
        _ sequence: BatchLayout.Sequence, head h: Int, _ qkv: UnsafeMutablePointer<Float>,
        into heads: UnsafeMutablePointer<Float>, scores buffer: FloatBuffer
    ) {
        let n = sequence.count, total = sequence.past + n, hd = headDim, qW = queryWidth, kvW = kvWidth
        guard n > 0 else { return }
        let rows = qkv + sequence.firstRow * stride
        let g = h / (headCount / kvHeadCount)
        let scale = 1 / Float(hd).squareRoot()
        let scores = buffer.reserve(n * total)
        let query = rows + h * hd, out = heads + sequence.firstRow * qW + h * hd
        var runs: [(keys: UnsafePointer<Float>, values: UnsafePointer<Float>, ld: Int, count: Int)] = []
        if let state = sequence.state {
            let (inherited, own) = state.segments(layer, total: total)
            if let inherited { runs.append((UnsafePointer(inherited.keys), UnsafePointer(inherited.values), kvW, inherited.count)) }
            runs.append((UnsafePointer(own.keys), UnsafePointer(own.values), kvW, own.count))
        } else {
            runs.append((UnsafePointer(rows + qW), UnsafePointer(rows + qW + kvW), stride, n))
        }
        var first = 0
        for run in runs {
            BLAS.gemmTransposedB(
                m: n, n: run.count, k: hd, a: query, lda: stride, b: run.keys + g * hd, ldb: run.ld,
                c: scores + first, ldc: total, alpha: scale)
            first += run.count
        }
        if let alibiSlopes {
            let slope = alibiSlopes[h]
            for r in 0..<n {
                for j in 0..<total { scores[r * total + j] += slope * Float(j) }
            }
        }
        Ops.maskedSoftmax(scores, rows: n, width: total) { sequence.past + $0 + 1 }
        first = 0
        for run in runs {
            BLAS.gemm(
                m: n, n: hd, k: run.count, a: scores + first, lda: total, b: run.values + g * hd, ldb: run.ld, c: out, ldc: qW,
                beta: first > 0 ? 1 : 0)
            first += run.count
        }
    }
}
