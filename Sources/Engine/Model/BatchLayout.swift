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
