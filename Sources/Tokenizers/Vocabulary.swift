/// The token list of a model (a GGUF file's `tokenizer.ggml.tokens`) with the per-token facts
/// every tokenizer needs.
public struct Vocabulary: Sendable {
    let pieces: [String]
    let types: [TokenType]
    let scores: [Float]
    /// Stored piece text (UTF-8) -> id, for merges, byte fallback and whole-word lookups.
    let ids: ByteKeyedTable<Int32>

    public var count: Int { pieces.count }

    /// `types` and `scores` hold one entry per piece (the loader checks the file's arrays agree).
    public init(pieces rawPieces: [String], types: [TokenType], scores: [Float]) {
        precondition(
            types.count == rawPieces.count && scores.count == rawPieces.count,
            "a vocabulary needs one token type and one score per piece")
        var pieces = rawPieces
        var types = types
        var ids = ByteKeyedTable<Int32>(minimumCapacity: pieces.count)
        for (index, piece) in pieces.enumerated() {
            // llama.cpp renames empty pieces so that every id has a distinct, visible name.
            if piece.isEmpty { pieces[index] = "[EMPTY_\(index)]" }
            ids.insert(pieces[index], Int32(index))
        }
        // llama.cpp forces these end-of-turn names to control type whatever the file says,
        // so that they are split out of text; a mis-typed conversion would otherwise differ.
        for name in Self.controlLookingNames {
            if let id = ids.value(for: name), types[Int(id)] != .control { types[Int(id)] = .control }
        }
        self.pieces = pieces
        self.types = types
        self.scores = scores
        self.ids = ids
    }

    static let controlLookingNames = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|eom_id|>", "<EOT>",
    ]

    func type(of id: Int32) -> TokenType {
        id >= 0 && Int(id) < types.count ? types[Int(id)] : .undefined
    }

    /// The id of a stored piece (the first, should a piece repeat).
    public func id(of piece: String) -> Int32? { ids.value(for: piece) }
}
