/// SentencePiece-style BPE (GGUF `llama`: Llama 1/2, Mistral, TinyLlama...), with llama.cpp's
/// handling of special tokens: each run of plain text after a special token (or at the start)
/// gets the dummy-prefix space again, so `<s>Hello` encodes `Hello` as `▁Hello`.
public final class SentencePieceTokenizer: Tokenizer {
    let vocabulary: Vocabulary
    let specialTokens: SpecialTokenSplitter
    let model: SentencePieceModel
    let decoder: SentencePieceDecoder

    public let bosID: Int32?
    public let eosID: Int32?
    public let unknownID: Int32
    public let addsBOS: Bool
    public let addsEOS: Bool
    /// Whether plain text gets a leading space (`tokenizer.ggml.add_space_prefix`, default true).
    public let addsSpacePrefix: Bool

    /// `unknownID` stands in for text no piece or byte token covers; `addsBOS` and `addsEOS`
    /// only take effect when the id exists.
    public init(
        vocabulary: Vocabulary, bosID: Int32?, eosID: Int32?, unknownID: Int32,
        addsBOS: Bool, addsEOS: Bool, addsSpacePrefix: Bool
    ) {
        self.vocabulary = vocabulary
        self.bosID = bosID
        self.eosID = eosID
        self.unknownID = unknownID
        self.addsBOS = addsBOS && bosID != nil
        self.addsEOS = addsEOS && eosID != nil
        self.addsSpacePrefix = addsSpacePrefix
        specialTokens = SpecialTokenSplitter(vocabulary: vocabulary)
        model = SentencePieceModel(vocabulary: vocabulary, unknownID: unknownID)
        decoder = SentencePieceDecoder(vocabulary: vocabulary, addSpacePrefix: addsSpacePrefix)
    }

    public var vocabularySize: Int { vocabulary.count }

    public func encode(_ text: String, addSpecialTokens: Bool, parseSpecial: Bool) -> [Int32] {
        var output: [Int32] = []
        output.reserveCapacity(text.utf8.count / 2 + 4)
        if addSpecialTokens, addsBOS, let bosID { output.append(bosID) }
        var text = text
        text.withUTF8 { bytes in
            var scratch = SentencePieceScratch()
            var afterSpecial = true  // the start of the text counts as "after a special token"
            for fragment in specialTokens.split(bytes, parseSpecial: parseSpecial) {
                switch fragment {
                case let .token(id):
                    output.append(id)
                    afterSpecial = true
                case let .text(range):
                    scratch.escaped.removeAll(keepingCapacity: true)
                    if addsSpacePrefix, afterSpecial { scratch.escaped.append(contentsOf: Self.escapedSpace) }
                    for byte in bytes[range] {
                        if byte == 0x20 {
                            scratch.escaped.append(contentsOf: Self.escapedSpace)
                        } else {
                            scratch.escaped.append(byte)
                        }
                    }
                    let escaped = scratch.escaped
                    escaped.withUnsafeBufferPointer { model.encode(escaped: $0, scratch: &scratch, into: &output) }
                    afterSpecial = false
                }
            }
        }
        if addSpecialTokens, addsEOS, let eosID { output.append(eosID) }
        return output
    }

    /// U+2581 LOWER ONE EIGHTH BLOCK, SentencePiece's visible space.
    static let escapedSpace: [UInt8] = [0xE2, 0x96, 0x81]

    public func decode(_ ids: [Int32]) -> String { decoder.decode(ids) }

    public func bytes(of id: Int32) -> [UInt8] { decoder.bytes(of: id) }

    public func piece(_ id: Int32) -> String {
        id >= 0 && Int(id) < vocabulary.count ? vocabulary.pieces[Int(id)] : ""
    }

    /// The GGUF token type of an id (control tokens end turns, byte tokens are fallbacks...).
    public func tokenType(_ id: Int32) -> TokenType { vocabulary.type(of: id) }
}
