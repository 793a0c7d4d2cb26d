/// How the tokens of a batched forward call are laid out: all new tokens of all sequences
/// are concatenated into one matrix of rows, so every linear layer is one matrix product.
struct BatchLayout {
    struct Sequence {
        let firstRow: Int
        let count: Int
        /// Tokens already in the sequence's state before this call.
        let past: Int
        let state: KVState?
        let logitRows: [Int]
    }

    let rows: [RowPosition]
    let sequences: [Sequence]
    let tokens: [Int32]
    let positions: [Int]

    var tokenCount: Int { tokens.count }

    init(_ inputs: [SequenceInput], vocabularySize: Int) throws {
        var rows: [RowPosition] = [], sequences: [Sequence] = [], tokens: [Int32] = [], positions: [Int] = []
        for (s, input) in inputs.enumerated() {
            let past = input.state?.length ?? 0
            let n = input.tokens.count
            let logitRows = input.logits.resolve(count: n)
            if let bad = logitRows.first(where: { $0 < 0 || $0 >= n }) {
                throw EngineError.invalidArgument("sequence \(s): logits requested for token \(bad) but it has \(n) new tokens")
            }
            if let bad = input.tokens.first(where: { $0 < 0 || Int($0) >= vocabularySize }) {
                throw EngineError.invalidArgument("sequence \(s): token id \(bad) is outside the vocabulary (0..<\(vocabularySize))")
            }
            if let state = input.state, inputs[..<s].contains(where: { $0.state === state }) {
                throw EngineError.invalidArgument(
                    "sequence \(s) shares its KV state with an earlier sequence; give each its own (state.copy())")
            }
            sequences.append(Sequence(firstRow: tokens.count, count: n, past: past, state: input.state, logitRows: logitRows))
            for i in 0..<n {
                rows.append(RowPosition(sequence: s, position: past + i, index: i, count: n))
                positions.append(past + i)
            }
            tokens += input.tokens
        }
        self.rows = rows
        self.sequences = sequences
        self.tokens = tokens
        self.positions = positions
    }
}

extension BatchLayout {
    /// `tokens[s][i]` (the tokens scored at the i-th requested logits row of sequence s) as one
    /// list per requested row in call order, after checking it matches the requested rows and
    /// the vocabulary.
    func scoringTokens(_ tokens: [[[Int32]]], vocabularySize: Int) throws -> [[Int32]] {
        guard tokens.count == sequences.count else {
            throw EngineError.invalidArgument("score: tokens for \(tokens.count) sequences, but the call has \(sequences.count)")
        }
        var flat: [[Int32]] = []
        for (s, (sequence, wanted)) in zip(sequences, tokens).enumerated() {
            guard wanted.count == sequence.logitRows.count else {
                throw EngineError.invalidArgument(
                    "score: sequence \(s) requests \(sequence.logitRows.count) logits rows but names tokens for \(wanted.count)")
            }
            if let bad = wanted.joined().first(where: { $0 < 0 || Int($0) >= vocabularySize }) {
                throw EngineError.invalidArgument("score: sequence \(s): token id \(bad) is outside the vocabulary (0..<\(vocabularySize))")
            }
            flat += wanted
        }
        return flat
    }
}

/// What a forward call produces for its requested rows: whole logits, or scores.
enum ForwardOutput {
    case logits([Logits])
    case scores([[ScoredRow]])

    var logits: [Logits] {
        guard case let .logits(value) = self else { preconditionFailure("the call was made for scores") }
        return value
    }

    var scores: [[ScoredRow]] {
        guard case let .scores(value) = self else { preconditionFailure("the call was made for logits") }
        return value
    }

    /// Either the rows of `normed` (`m` × `output.columns`) times `output`, split per sequence:
    /// whole rows, or the scores of `tokens` (one list per row, nil for whole rows).
    static func make(
        _ normed: UnsafePointer<Float>, m: Int, output: WeightMatrix, layout: BatchLayout, tokens: [[Int32]]?,
        scratch s: ForwardScratch, quantized: FloatBuffer? = nil, threads: Int
    ) -> ForwardOutput {
        if let tokens {
            var rows = output.scoreRows(normed, m: m, tokens: tokens, scratch: s.weights, threads: threads)[...]
            return .scores(
                layout.sequences.map { sequence in
                    let mine = Array(rows.prefix(sequence.logitRows.count))
                    rows = rows.dropFirst(sequence.logitRows.count)
                    return mine
                })
        }
        let v = output.rows
        // Every value is written by the product, so the buffer is not zeroed first.
        let all = [Float](unsafeUninitializedCapacity: m * v) { buffer, initialized in
            if m > 0 {
                output.multiply(
                    normed, m: m, into: buffer.baseAddress!, scratch: s.weights, shared: s.sharedWeights, quantized: quantized,
                    threads: threads)
            }
            initialized = m * v
        }
        var results: [Logits] = [], offset = 0
        for sequence in layout.sequences {
            let count = sequence.logitRows.count
            results.append(Logits(rows: sequence.logitRows, vocabularySize: v, storage: all[(offset * v)..<((offset + count) * v)]))
            offset += count
        }
        return .logits(results)
    }
}
