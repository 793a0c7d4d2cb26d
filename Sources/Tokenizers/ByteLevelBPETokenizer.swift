/// Byte-level BPE (GGUF `gpt2`: SmolLM, Llama 3, Qwen2, GPT-2...): special tokens are cut out
/// first, the rest is pre-tokenized into words, each word is merged on its bytes, and decoding
/// reverses the byte-to-character map. The steps mirror llama.cpp's tokenize for BPE vocabularies.
public final class ByteLevelBPETokenizer: Tokenizer {
    let vocabulary: Vocabulary
    let specialTokens: SpecialTokenSplitter
    let preTokenizer: any PreTokenizer
    let model: BytePairModel
    let decoder: ByteLevelDecoder
    private let cache = WordCache()

    public let bosID: Int32?
    public let eosID: Int32?
    public let addsBOS: Bool
    public let addsEOS: Bool
    /// The `tokenizer.ggml.pre` name this tokenizer was built for.
    public let preTokenizerName: String

    /// - Parameters:
    ///   - merges: `"left right"` pairs of stored pieces, best first (`tokenizer.ggml.merges`).
    ///   - preTokenizerName: a name `PreTokenizerCatalog` knows; others throw `TokenizerError.unknownPreTokenizer`.
    ///   - ignoresMerges: whole words that are tokens skip merging (llama.cpp does so for Llama 3).
    ///   - addsBOS, addsEOS: only take effect when the id exists.
    public init(
        vocabulary: Vocabulary, merges: [String], preTokenizerName: String, ignoresMerges: Bool,
        bosID: Int32?, eosID: Int32?, addsBOS: Bool, addsEOS: Bool
    ) throws {
        guard let preTokenizer = PreTokenizerCatalog.make(named: preTokenizerName) else {
            throw TokenizerError.unknownPreTokenizer(preTokenizerName)
        }
        self.vocabulary = vocabulary
        self.preTokenizerName = preTokenizerName
        self.preTokenizer = preTokenizer
        model = BytePairModel(vocabulary: vocabulary, merges: merges, ignoreMerges: ignoresMerges)
        self.bosID = bosID
        self.eosID = eosID
        self.addsBOS = addsBOS && bosID != nil
        self.addsEOS = addsEOS && eosID != nil
        specialTokens = SpecialTokenSplitter(vocabulary: vocabulary)
        decoder = ByteLevelDecoder(vocabulary: vocabulary)
    }

    public var vocabularySize: Int { vocabulary.count }

    public func encode(_ text: String, addSpecialTokens: Bool, parseSpecial: Bool) -> [Int32] {
        var output: [Int32] = []
        output.reserveCapacity(text.utf8.count / 3 + 4)
        if addSpecialTokens, addsBOS, let bosID { output.append(bosID) }
        var text = text
        text.withUTF8 { bytes in
            var state = EncodeState()
            for fragment in specialTokens.split(bytes, parseSpecial: parseSpecial) {
                switch fragment {
                case let .token(id):
                    output.append(id)
                case let .text(range):
                    encodeText(bytes, range, state: &state, into: &output)
                }
            }
        }
        if addSpecialTokens, addsEOS, let eosID { output.append(eosID) }
        return output
    }

    /// Reusable buffers for one encode call.
    private struct EncodeState {
        var text = CodePointText()
        var words: [Range<Int>] = []
        var scratch = MergeScratch()
    }

    private func encodeText(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, state: inout EncodeState,
        into output: inout [Int32]
    ) {
        state.text.load(bytes, range)
        state.words.removeAll(keepingCapacity: true)
        preTokenizer.split(state.text, 0..<state.text.count, into: &state.words)
        for word in state.words {
            let start = state.text.byteOffsets[word.lowerBound]
            let end = state.text.byteOffsets[word.upperBound]
            let wordBytes = UnsafeBufferPointer(rebasing: bytes[start..<end])
            let cacheable = wordBytes.count <= cache.maximumWordBytes
            if cacheable, cache.append(wordBytes, to: &output) { continue }
            let first = output.count
            model.encode(word: wordBytes, scratch: &state.scratch, into: &output)
            if cacheable { cache.store(wordBytes, output[first...]) }
        }
    }

    public func decode(_ ids: [Int32]) -> String { decoder.decode(ids) }

    public func bytes(of id: Int32) -> [UInt8] { decoder.bytes(of: id) }

    public func piece(_ id: Int32) -> String {
        id >= 0 && Int(id) < vocabulary.count ? vocabulary.pieces[Int(id)] : ""
    }

    /// The GGUF token type of an id (control tokens end turns, byte tokens are fallbacks...).
    public func tokenType(_ id: Int32) -> TokenType { vocabulary.type(of: id) }
}
