/// Several texts' token ids for one encoder call, padded to one length as transformers pads
/// them: `tokens`, `attentionMask` (1 for a text's tokens, 0 for padding) and `tokenTypes`
/// (segment A = 0, B = 1), each `count × length`, row-major.
public struct EncoderBatch: Sendable, Equatable {
    public let count: Int
    public let length: Int
    public let tokens: [Int32]
    public let attentionMask: [Int32]
    public let tokenTypes: [Int32]

    /// A batch as given; every row must have at least one token its mask marks (a row of
    /// padding alone has no meaning, and transformers averages it over everything).
    public init(count: Int, length: Int, tokens: [Int32], attentionMask: [Int32], tokenTypes: [Int32]? = nil) throws {
        let cells = count * length
        guard count > 0, length > 0, tokens.count == cells, attentionMask.count == cells, tokenTypes.map({ $0.count == cells }) ?? true
        else {
            throw EngineError.invalidArgument(
                "an encoder batch of \(count) × \(length) needs that many token ids, mask values and token types (got \(tokens.count), \(attentionMask.count), \(tokenTypes?.count ?? cells))"
            )
        }
        if let bad = attentionMask.first(where: { $0 != 0 && $0 != 1 }) {
            throw EngineError.invalidArgument("an attention mask holds 0 (padding) or 1 (token), not \(bad)")
        }
        for row in 0..<count where !attentionMask[(row * length)..<((row + 1) * length)].contains(1) {
            throw EngineError.invalidArgument("row \(row) of the encoder batch has no token its attention mask marks")
        }
        self.count = count
        self.length = length
        self.tokens = tokens
        self.attentionMask = attentionMask
        self.tokenTypes = tokenTypes ?? [Int32](repeating: 0, count: cells)
    }

    /// Token sequences (already wrapped in [CLS] … [SEP]) right-padded with `padding` to the
    /// longest, all of segment A.
    public init(sequences: [[Int32]], padding: Int32) throws {
        let length = sequences.map(\.count).max() ?? 0
        var tokens: [Int32] = []
        var mask: [Int32] = []
        tokens.reserveCapacity(sequences.count * length)
        mask.reserveCapacity(sequences.count * length)
        for sequence in sequences {
            tokens += sequence + [Int32](repeating: padding, count: length - sequence.count)
            mask += [Int32](repeating: 1, count: sequence.count) + [Int32](repeating: 0, count: length - sequence.count)
        }
        try self.init(count: sequences.count, length: length, tokens: tokens, attentionMask: mask)
    }

    /// Whether token `t` of row `row` is a token rather than padding.
    @inline(__always)
    func isToken(row: Int, _ t: Int) -> Bool { attentionMask[row * length + t] != 0 }
}

/// One vector per position of an encoder batch, `count × length × width`, row-major; padded
/// positions hold what the network computes there (as transformers returns them).
public struct HiddenStates: Sendable, Equatable {
    public let count: Int
    public let length: Int
    public let width: Int
    public let values: [Float]

    /// The vector at position `t` of row `row`.
    public func vector(row: Int, position t: Int) -> ArraySlice<Float> {
        let start = (row * length + t) * width
        return values[start..<(start + width)]
    }
}
