/// What scoring keeps of one row of logits: its summary (maximum, log-normaliser, argmax)
/// and the logits of the tokens it scores. `LanguageModel.score` returns these instead of
/// whole rows, so a call that scores thousands of positions never holds thousands of
/// vocabulary-wide rows (49,152 floats each for SmolLM2: 755 MB for the 3,840 rows a COPA
/// sweep call scored).
public struct ScoredRow: Sendable, Equatable {
    public let summary: LogitSummary
    /// The logits of the requested tokens, in the order requested.
    public let logits: [Float]

    public init(summary: LogitSummary, logits: [Float]) {
        self.summary = summary
        self.logits = logits
    }

    /// log softmax of the `k`-th requested token, in double precision.
    public func logProbability(ofTokenAt k: Int) -> Double {
        Double(logits[k] - summary.maximum) - summary.logNormalizer
    }
}

extension LanguageModel {
    /// Runs the new tokens of every sequence, like `forward`, and for the i-th requested
    /// logits row of sequence s returns its summary and the logits of `tokens[s][i]`. This
    /// version summarises whole rows from `forward`; the engine's models compute the rows a
    /// tile of the vocabulary at a time instead.
    public func score(_ inputs: [SequenceInput], editor: ActivationEditor?, tokens: [[[Int32]]]) throws -> [[ScoredRow]] {
        let logits = try forward(inputs, editor: editor)
        return zip(logits, tokens).map { rows, wanted in
            rows.rows.indices.map { i in
                let row = rows[i]
                return ScoredRow(summary: LogitSummary(row), logits: wanted[i].map { row[row.startIndex + Int($0)] })
            }
        }
    }
}
