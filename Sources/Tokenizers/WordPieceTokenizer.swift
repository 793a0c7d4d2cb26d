/// BERT's tokenizer: special tokens written in the text are cut out first; each remaining
/// fragment is normalised (`BertNormalizer`), split into words (`BertPreTokenizer`) and each
/// word into WordPiece pieces (`WordPieceModel`); the pieces are cut to `maximumLength`
/// and wrapped as `[CLS] … [SEP]`, the [SEP] kept when the text is cut.
public final class WordPieceTokenizer: Tokenizer {
    /// The tokens a BERT vocabulary gives roles to, by their text.
    public struct SpecialTokens: Sendable, Equatable {
        public var unknown: String
        public var classifier: String
        public var separator: String
        public var padding: String

        /// transformers' BertTokenizer defaults.
        public init(unknown: String = "[UNK]", classifier: String = "[CLS]", separator: String = "[SEP]", padding: String = "[PAD]") {
            self.unknown = unknown
            self.classifier = classifier
            self.separator = separator
            self.padding = padding
        }
    }

    let vocabulary: Vocabulary
    let splitter: SpecialTokenSplitter
    let model: WordPieceModel
    let decoder: WordPieceDecoder
    public let normalizer: BertNormalizer
    public let unknownID: Int32
    public let classifierID: Int32
    public let separatorID: Int32
    public let paddingID: Int32
    /// Ids per encoded text, special tokens included (the model's learned positions); nil for no limit.
    public let maximumLength: Int?

    /// - Parameters:
    ///   - pieces: the vocabulary by id (vocab.txt's lines).
    ///   - recognised: pieces cut out of text as they are written before normalisation (the
    ///     added tokens: `[CLS]`, `[SEP]`, `[MASK]`, …); the four of `special` always are.
    public init(
        pieces: [String], normalizer: BertNormalizer = BertNormalizer(), special: SpecialTokens = SpecialTokens(),
        recognised: [String] = [], continuingPrefix: String = "##", maxCharactersPerWord: Int = 100, maximumLength: Int?
    ) throws(TokenizerError) {
        func id(_ role: String, _ piece: String) throws(TokenizerError) -> Int32 {
            // The last of duplicates, as the model looks pieces up.
            guard let index = pieces.lastIndex(of: piece) else { throw .missingSpecialToken(role: role, piece: piece) }
            return Int32(index)
        }
        unknownID = try id("unknown", special.unknown)
        classifierID = try id("classifier", special.classifier)
        separatorID = try id("separator", special.separator)
        paddingID = try id("padding", special.padding)
        if let maximumLength, maximumLength < 3 { throw .maximumLengthTooShort(maximumLength) }
        self.maximumLength = maximumLength
        self.normalizer = normalizer
        let cutOut = Set(recognised + [special.unknown, special.classifier, special.separator, special.padding])
        let types = pieces.map { cutOut.contains($0) ? TokenType.control : .normal }
        vocabulary = Vocabulary(pieces: pieces, types: types, scores: [Float](repeating: 0, count: pieces.count))
        splitter = SpecialTokenSplitter(vocabulary: vocabulary)
        model = WordPieceModel(
            pieces: pieces, unknownID: unknownID, continuingPrefix: continuingPrefix, maxCharactersPerWord: maxCharactersPerWord)
        decoder = WordPieceDecoder(pieces: pieces, continuingPrefix: continuingPrefix)
    }

    public var vocabularySize: Int { vocabulary.count }
    public var bosID: Int32? { classifierID }
    public var eosID: Int32? { separatorID }
    public var addsBOS: Bool { true }

    /// `[CLS] pieces [SEP]` (with `addSpecialTokens`), at most `maximumLength` ids in all.
    public func encode(_ text: String, addSpecialTokens: Bool, parseSpecial: Bool) -> [Int32] {
        var pieces: [Int32] = []
        var text = text
        text.withUTF8 { bytes in
            var scratch: [UInt8] = []
            var words: [Range<Int>] = []
            for fragment in splitter.split(bytes, parseSpecial: parseSpecial) {
                switch fragment {
                case let .token(id):
                    pieces.append(id)
                case let .text(range):
                    var normalized = normalizer.normalize(String(decoding: bytes[range], as: UTF8.self))
                    normalized.withUTF8 { normal in
                        words.removeAll(keepingCapacity: true)
                        BertPreTokenizer.split(normal, into: &words)
                        for word in words {
                            model.encode(UnsafeBufferPointer(rebasing: normal[word]), into: &pieces, scratch: &scratch)
                        }
                    }
                }
            }
        }
        let reserved = addSpecialTokens ? 2 : 0
        if let maximumLength, pieces.count > maximumLength - reserved { pieces.removeSubrange((maximumLength - reserved)...) }
        return addSpecialTokens ? [classifierID] + pieces + [separatorID] : pieces
    }

    public func decode(_ ids: [Int32]) -> String { decoder.decode(ids) }

    public func bytes(of id: Int32) -> [UInt8] { decoder.bytes(of: id) }

    public func piece(_ id: Int32) -> String {
        id >= 0 && Int(id) < vocabulary.count ? vocabulary.pieces[Int(id)] : ""
    }
}
