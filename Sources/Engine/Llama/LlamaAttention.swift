import CKernels

/// Grouped-query self-attention with rotary positions (in the architecture's layout),
/// optional q/k/v biases (Qwen2), and a per-sequence KV state.
struct LlamaAttention {
    let layer: Int
    let config: LlamaConfiguration
    let norm: [Float]
    /// q, k and v stacked: rows queryWidth + 2·kvWidth.
    let qkv: WeightMatrix
    let qkvBias: [Float]?
    let output: WeightMatrix

    /// residual += Attention(RMSNorm(residual)).
    func apply(_ residual: UnsafeMutablePointer<Float>, _ pass: ForwardPass) {
        let heads = attend(residual, pass)
        project(heads, rows: pass.tokenCount, into: residual, pass)
    }

    /// Every row's per-head attention output (queries, keys and values of all rows; the KV
    /// states extended), in the scratch's `heads` buffer, offered to the editor.
    func attend(_ residual: UnsafeMutablePointer<Float>, _ pass: ForwardPass) -> UnsafeMutablePointer<Float> {
        let c = config, t = pass.tokenCount, s = pass.scratch
        let qW = c.queryWidth, kvW = c.kvWidth, stride = qW + 2 * kvW
        let normed = s.normed.reserve(t * c.hiddenSize)
        norm.withUnsafeBufferPointer {
            Ops.rmsNorm(
                residual, rows: t, width: c.hiddenSize, weight: $0.baseAddress!, epsilon: c.rmsNormEpsilon, into: normed,
                threads: pass.threads)
        }
        let qkvOut = s.qkv.reserve(t * stride)
        qkv.multiply(
            normed, m: t, into: qkvOut, scratch: s.weights, shared: s.sharedWeights, quantized: pass.quantized, threads: pass.threads)
        if let qkvBias {
            qkvBias.withUnsafeBufferPointer { Ops.addBias($0.baseAddress!, to: qkvOut, rows: t, width: stride, stride: stride) }
        }
        let cos = UnsafePointer(s.ropeCos.pointer), sin = UnsafePointer(s.ropeSin.pointer)
        c.ropeLayout.apply(
            qkvOut, rows: t, stride: stride, heads: c.headCount, headDim: c.headDim, dims: c.ropeDimensions, cos: cos, sin: sin)
        c.ropeLayout.apply(
            qkvOut + qW, rows: t, stride: stride, heads: c.kvHeadCount, headDim: c.headDim, dims: c.ropeDimensions, cos: cos, sin: sin)
        for sequence in pass.layout.sequences { store(sequence, qkvOut, stride: stride) }

        let heads = s.heads.reserve(t * qW)
        // Every (sequence, head) pair is independent: spread them over the threads. When every
        // sequence has only a few new rows (decoding), a work item is a KV head with all the
        // query heads that share it, so its keys and values are read once for the group.
        let qkvs = UncheckedSendable(qkvOut), headss = UncheckedSendable(heads)
        let sequences = pass.layout.sequences
        let grouped = sequences.allSatisfy { $0.count <= Self.directRows }
        let groupSize = grouped ? c.headCount / c.kvHeadCount : 1, groups = c.headCount / groupSize
        Parallel.forRanges(sequences.count * groups, threads: pass.threads, grain: 1, chunksPerThread: 4) { slot, range in
            for item in range {
                let sequence = sequences[item / groups], first = (item % groups) * groupSize
                if grouped {
                    attendDirectly(
                        sequence, heads: first..<first + groupSize, qkvs.value, stride: stride, into: headss.value,
                        scores: s.scores[slot])
                } else {
                    attend(sequence, head: first, qkvs.value, stride: stride, into: headss.value, scores: s.scores[slot])
                }
            }
        }
        pass.hook(.attentionHeads(layer), heads, width: qW, heads: c.headCount)
        return heads
    }

    /// residual += heads · Woᵀ over `t` rows (fewer than the pass's tokens when the last
    /// layer runs only the rows whose logits are wanted).
    func project(
        _ heads: UnsafeMutablePointer<Float>, rows t: Int, into residual: UnsafeMutablePointer<Float>,
        _ pass: ForwardPass
    ) {
        let c = config, s = pass.scratch
        // Without an editor at the projection's output, sgemm adds it to the residual itself
        // (beta = 1), which saves a zeroing pass and an addition pass over t × hidden.
        if pass.wants(.attentionOutput(layer)) {
            let projected = s.projected.reserve(t * c.hiddenSize)
            output.multiply(
                heads, m: t, into: projected, scratch: s.weights, shared: s.sharedWeights, quantized: pass.quantized, threads: pass.threads)
            pass.hook(.attentionOutput(layer), projected, width: c.hiddenSize)
            Ops.add(projected, into: residual, count: t * c.hiddenSize)
        } else {
            output.multiply(
                heads, m: t, into: residual, accumulate: true, scratch: s.weights, shared: s.sharedWeights,
                quantized: pass.quantized, threads: pass.threads)
        }
    }

    /// Appends the sequence's new keys and values to its state.
    private func store(_ sequence: BatchLayout.Sequence, _ qkvOut: UnsafeMutablePointer<Float>, stride: Int) {
        guard let state = sequence.state else { return }
        let qW = config.queryWidth, kvW = config.kvWidth
        let rows = qkvOut + sequence.firstRow * stride
        let k = state.ownKeys(layer, at: sequence.past), v = state.ownValues(layer, at: sequence.past)
        for i in 0..<sequence.count {
            (k + i * kvW).update(from: rows + i * stride + qW, count: kvW)
            (v + i * kvW).update(from: rows + i * stride + qW + kvW, count: kvW)
        }
    }

    /// New rows of a sequence up to which its attention runs in `sadi_attend` (one query row
    /// at a time, no sgemm): decoding steps and short continuations.
    static let directRows = 4

    /// Attention for a few query rows of query heads that share one KV head (consecutive,
    /// within one group) in one call of `sadi_attend`, reading the KV state's runs of positions
    /// (or the new rows themselves) in place.
    private func attendDirectly(
        _ sequence: BatchLayout.Sequence, heads range: Range<Int>, _ qkvOut: UnsafeMutablePointer<Float>, stride: Int,
        into heads: UnsafeMutablePointer<Float>, scores buffer: FloatBuffer
    ) {
        let c = config, qW = c.queryWidth, kvW = c.kvWidth, hd = c.headDim
        guard sequence.count > 0 else { return }
        let h = range.lowerBound, g = h / (c.headCount / c.kvHeadCount)
        let total = sequence.past + sequence.count
        let segments = sequence.state.map { $0.segments(layer, total: total) }
        let rows = qkvOut + sequence.firstRow * stride
        let scale = 1 / Float(hd).squareRoot()
        let scores = buffer.reserve(min(range.count, 8) * total)
        let query = UnsafePointer(rows + h * hd), out = heads + sequence.firstRow * qW + h * hd
        // Both runs of a state, or the new rows' own keys and values at the qkv stride; on the
        // stack, as this runs for every head of every layer of every decoding step.
        withUnsafeTemporaryAllocation(of: UnsafePointer<Float>?.self, capacity: 4) { pointers in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2) { counts in
                let keys = pointers.baseAddress!, values = keys + 2
                var runs = 0, ldKV = kvW
                func add(_ k: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>, _ count: Int) {
                    keys[runs] = UnsafePointer(k + g * hd)
                    values[runs] = UnsafePointer(v + g * hd)
                    counts[runs] = Int32(count)
                    runs += 1
                }
                if let (inherited, own) = segments {
                    if let inherited { add(inherited.keys, inherited.values, inherited.count) }
                    add(own.keys, own.values, own.count)
                } else {
                    add(rows + qW, rows + qW + kvW, sequence.count)
                    ldKV = stride
                }
                sadi_attend(
                    query, Int32(stride), Int32(sequence.count), Int32(hd), Int32(range.count), keys, values, counts.baseAddress!,
                    Int32(runs), Int32(ldKV), Int32(sequence.past + 1), scale, scores, out, Int32(qW))
            }
        }
    }

    /// Query rows per block of scores: a block holds rows × keys floats, so attention's memory
    /// grows with the prompt's length, not its square (an 8,192-token prompt needs 16 MB a
    /// thread, not 268 MB). Prompts up to this length run as one block, exactly as before.
    static let queryBlock = 512

    /// softmax(q·kᵀ/√d + causal mask)·v for one query head of one sequence, a block of query
    /// rows at a time; a block reads only the keys its last row may see.
    private func attend(
        _ sequence: BatchLayout.Sequence, head h: Int, _ qkvOut: UnsafeMutablePointer<Float>, stride: Int,
        into heads: UnsafeMutablePointer<Float>, scores buffer: FloatBuffer
    ) {
        let c = config, qW = c.queryWidth, kvW = c.kvWidth, hd = c.headDim
        let n = sequence.count, total = sequence.past + n
        guard n > 0 else { return }
        let rows = qkvOut + sequence.firstRow * stride
        let g = h / (c.headCount / c.kvHeadCount)
        let scale = 1 / Float(hd).squareRoot()
        // Keys and values: the sequence's state (already extended; a fork's first positions
        // are its parent's), or the new rows themselves.
        if n <= Self.directRows {
            attendDirectly(sequence, heads: h..<h + 1, qkvOut, stride: stride, into: heads, scores: buffer)
            return
        }
        let segments = sequence.state.map { $0.segments(layer, total: total) }
        var start = 0
        while start < n {
            let count = min(Self.queryBlock, n - start)
            let width = sequence.past + start + count  // keys the block's last row sees
            let scores = buffer.reserve(count * width)
            let query = rows + start * stride + h * hd
            let out = heads + (sequence.firstRow + start) * qW + h * hd
            let offset = sequence.past + start
            guard let (inherited, own) = segments else {
                BLAS.gemmTransposedB(
                    m: count, n: width, k: hd, a: query, lda: stride, b: rows + qW + g * hd, ldb: stride,
                    c: scores, ldc: width, alpha: scale)
                Ops.maskedSoftmax(scores, rows: count, width: width) { offset + $0 + 1 }
                BLAS.gemm(
                    m: count, n: hd, k: width, a: scores, lda: width, b: rows + qW + kvW + g * hd, ldb: stride, c: out, ldc: qW)
                start += count
                continue
            }
            // Inherited positions lie in the past, so they all fall inside every block's width.
            let first = inherited?.count ?? 0
            if let inherited {
                BLAS.gemmTransposedB(
                    m: count, n: first, k: hd, a: query, lda: stride, b: inherited.keys + g * hd, ldb: kvW,
                    c: scores, ldc: width, alpha: scale)
            }
            BLAS.gemmTransposedB(
                m: count, n: width - first, k: hd, a: query, lda: stride, b: own.keys + g * hd, ldb: kvW,
                c: scores + first, ldc: width, alpha: scale)
            Ops.maskedSoftmax(scores, rows: count, width: width) { offset + $0 + 1 }
            if let inherited {
                BLAS.gemm(
                    m: count, n: hd, k: first, a: scores, lda: width, b: inherited.values + g * hd, ldb: kvW, c: out, ldc: qW)
            }
            BLAS.gemm(
                m: count, n: hd, k: width - first, a: scores + first, lda: width, b: own.values + g * hd, ldb: kvW,
                c: out, ldc: qW, beta: first > 0 ? 1 : 0)
            start += count
        }
    }
}
