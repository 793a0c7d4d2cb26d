import Tokenizers

/// Sentence embeddings from a BERT directory, as sentence-transformers gives them for
/// all-MiniLM-L6-v2: WordPiece ids wrapped in [CLS] … [SEP] and cut to the learned positions,
/// the encoder's last hidden states, their mean over each text's tokens (`MeanPooling`),
/// L2-normalised unless asked not to be.
///
/// Texts are encoded in batches of texts of similar lengths (sorted by token count, as
/// sentence-transformers sorts them), so little of a batch is padding; the embeddings come
/// back in the order of the texts.
public final class SentenceEmbedder: Sendable {
    public let tokenizer: WordPieceTokenizer
    public let encoder: any TextEncoder
    public let normalizes: Bool

    public init(tokenizer: WordPieceTokenizer, encoder: any TextEncoder, normalize: Bool = true) {
        self.tokenizer = tokenizer
        self.encoder = encoder
        normalizes = normalize
    }

    /// The embedder of a BERT directory (config.json, model.safetensors, vocab.txt or tokenizer.json).
    public convenience init(path: String, normalize: Bool = true, threads: Int = Parallel.availableCores) throws {
        let directory = try BertDirectory(path: path)
        let encoder = try BertModel(directory: directory.weights, threads: threads)
        self.init(tokenizer: directory.tokenizer, encoder: encoder, normalize: normalize)
    }

    /// Values per embedding.
    public var dimension: Int { encoder.hiddenSize }

    /// One embedding per text, in order; `progress` is told how many texts are done after each batch.
    public func embed(_ texts: [String], batchSize: Int = 32, progress: ((Int) -> Void)? = nil) throws -> [[Float]] {
        let ids = texts.map { tokenizer.encode($0) }
        let order = ids.indices.sorted { ids[$0].count != ids[$1].count ? ids[$0].count > ids[$1].count : $0 < $1 }
        var embeddings = [[Float]](repeating: [], count: texts.count)
        var done = 0
        for start in stride(from: 0, to: order.count, by: max(1, batchSize)) {
            let members = Array(order[start..<min(start + max(1, batchSize), order.count)])
            let batch = try EncoderBatch(sequences: members.map { ids[$0] }, padding: tokenizer.paddingID)
            let states = try encoder.hiddenStates(batch)
            for (row, embedding) in MeanPooling.embeddings(states, batch: batch, normalize: normalizes).enumerated() {
                embeddings[members[row]] = embedding
            }
            done += members.count
            progress?(done)
        }
        return embeddings
    }
}
