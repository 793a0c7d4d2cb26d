/// Greedy longest-match-first WordPiece, BERT's subword model: a word is cut into the longest
/// vocabulary piece that starts it, then the longest `##`-prefixed piece that continues from
/// there, and so on. A word with a remainder no piece matches, or longer than
/// `maxCharactersPerWord` characters, becomes the unknown token as a whole.
struct WordPieceModel: Sendable {
    /// Piece (UTF-8) → id. Where a vocabulary lists a piece twice the later id wins, as
    /// transformers and the tokenizers library read vocab.txt.
    let ids: ByteKeyedTable<Int32>
    let unknownID: Int32
    let continuingPrefix: [UInt8]
    let maxCharactersPerWord: Int

    init(pieces: [String], unknownID: Int32, continuingPrefix: String, maxCharactersPerWord: Int) {
        var ids = ByteKeyedTable<Int32>(minimumCapacity: pieces.count)
        // The table keeps the first insertion, so the pieces go in from the last id down.
        for (id, piece) in pieces.enumerated().reversed() { ids.insert(piece, Int32(id)) }
        self.ids = ids
        self.unknownID = unknownID
        self.continuingPrefix = Array(continuingPrefix.utf8)
        self.maxCharactersPerWord = maxCharactersPerWord
    }

    /// Appends the pieces of `word` (valid UTF-8, no whitespace) to `output`; `scratch` holds
    /// the candidate being looked up.
    func encode(_ word: UnsafeBufferPointer<UInt8>, into output: inout [Int32], scratch: inout [UInt8]) {
        guard !word.isEmpty else { return }
        // Character boundaries: every byte that does not continue a UTF-8 sequence.
        var boundaries: [Int] = []
        boundaries.reserveCapacity(word.count + 1)
        for (i, byte) in word.enumerated() where byte & 0xC0 != 0x80 { boundaries.append(i) }
        guard boundaries.count <= maxCharactersPerWord else {
            output.append(unknownID)
            return
        }
        boundaries.append(word.count)
        let firstPiece = output.count
        var start = 0  // index into boundaries
        while start < boundaries.count - 1 {
            var end = boundaries.count - 1
            var found: Int32? = nil
            while end > start {
                scratch.removeAll(keepingCapacity: true)
                if start > 0 { scratch.append(contentsOf: continuingPrefix) }
                scratch.append(contentsOf: word[boundaries[start]..<boundaries[end]])
                if let id = scratch.withUnsafeBufferPointer({ ids.value(for: $0) }) {
                    found = id
                    break
                }
                end -= 1
            }
            guard let found else {
                output.removeSubrange(firstPiece...)
                output.append(unknownID)
                return
            }
            output.append(found)
            start = end
        }
    }
}
