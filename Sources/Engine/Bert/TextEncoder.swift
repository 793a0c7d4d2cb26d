/// A network that reads whole texts at once and gives one vector per token: an encoder such as
/// BERT. It neither generates nor keeps KV states, so it is not a `LanguageModel`; sentence
/// embeddings (`SentenceEmbedder`) and classifiers are built on it.
public protocol TextEncoder: AnyObject, Sendable {
    /// Values per token.
    var hiddenSize: Int { get }
    /// The longest row a batch may have (learned positions).
    var maximumLength: Int { get }
    /// The last layer's hidden states of every position of the batch.
    func hiddenStates(_ batch: EncoderBatch) throws -> HiddenStates
}
