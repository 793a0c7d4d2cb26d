import Tokenizers

/// A BERT Hugging Face directory opened for use: config.json, the safetensors weights and the
/// WordPiece tokenizer (`TokenizerLoader.load(wordPiece:)`), checked against each other
/// before any weight is read: a vocabulary with more tokens than config.json's `vocab_size`
/// (the rows of the word embeddings) belongs to another model.
public struct BertDirectory: Sendable {
    public let weights: SafeTensorsDirectory
    public let configuration: BertConfiguration
    /// Truncates to `max_position_embeddings`.
    public let tokenizer: WordPieceTokenizer

    public init(path: String) throws {
        weights = try SafeTensorsDirectory(path: path)
        configuration = try BertConfiguration(weights.config)
        tokenizer = try TokenizerLoader.load(wordPiece: weights.path, maximumLength: configuration.positions)
        guard tokenizer.vocabularySize <= configuration.vocabularySize else {
            let file = weights.path + "/" + TokenizerLoader.vocabularyFile
            throw EngineError.configKey(
                path: weights.config.path, key: "vocab_size",
                detail:
                    "is \(configuration.vocabularySize) (the rows of the word embeddings) but the vocabulary (\(file), or tokenizer.json) has \(tokenizer.vocabularySize) tokens; the files do not belong together"
            )
        }
    }
}
