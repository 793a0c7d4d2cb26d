/// WordPiece ids back to text: pieces joined by spaces, a `##` continuation glued to the piece
/// before it, special tokens written as their text (the tokenizers library's WordPiece
/// decoder without its `cleanup` of spaces before punctuation).
struct WordPieceDecoder: TokenDecoder {
    let pieces: [String]
    let continuingPrefix: String

    /// The piece's text without its continuation prefix (for streaming; the space that
    /// separates words is only known in context, which `decode` has).
    func bytes(of id: Int32) -> [UInt8] {
        guard id >= 0, Int(id) < pieces.count else { return [] }
        let piece = pieces[Int(id)]
        return Array((piece.hasPrefix(continuingPrefix) ? piece.dropFirst(continuingPrefix.count) : Substring(piece)).utf8)
    }

    func decode(_ ids: [Int32]) -> String {
        var text = ""
        for id in ids where id >= 0 && Int(id) < pieces.count {
            let piece = pieces[Int(id)]
            if piece.hasPrefix(continuingPrefix) {
                text += piece.dropFirst(continuingPrefix.count)
            } else {
                if !text.isEmpty { text += " " }
                text += piece
            }
        }
        return text
    }
}
