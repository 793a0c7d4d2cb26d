/// The sizes an intervention needs to know about a network.
public struct ModelShape: Sendable, Equatable, Codable {
    public let layerCount: Int
    public let hiddenSize: Int
    public let headCount: Int
    public let headDim: Int
    public let intermediateSize: Int
    public let vocabularySize: Int

    /// Values per token at a hook site.
    public func width(of site: HookSite) -> Int {
        switch site {
        case .embeddings, .attentionOutput, .mlpOutput, .residual: return hiddenSize
        case .attentionHeads: return headCount * headDim
        case .mlpGate, .mlpActivation: return intermediateSize
        }
    }
}

/// A network the harness can run: batched forward passes with optional KV states and an
/// optional activation editor. Architectures conform to it.
public protocol LanguageModel: AnyObject, Sendable {
    var shape: ModelShape { get }
    /// Positions the model was trained for (GGUF `context_length`): inputs are truncated to
    /// it, never run past it.
    var contextLength: Int { get }
    /// Cores a forward call uses; work around it (scoring logits) uses as many.
    var threads: Int { get }
    /// The precision of the activations in decoding's few-row products.
    var activations: ActivationPrecision { get }
    /// Runs the new tokens of every sequence; returns the requested logits per sequence.
    func forward(_ inputs: [SequenceInput], editor: ActivationEditor?) throws -> [Logits]
    /// Runs the new tokens like `forward`; for the i-th requested logits row of sequence s
    /// returns its summary and the logits of `tokens[s][i]` (`ScoredRow`), never the rows.
    func score(_ inputs: [SequenceInput], editor: ActivationEditor?, tokens: [[[Int32]]]) throws -> [[ScoredRow]]
    /// An empty KV state sized for this network.
    func makeState() -> KVState
}

extension LanguageModel {
    public var activations: ActivationPrecision { .float32 }

    public func forward(_ inputs: [SequenceInput]) throws -> [Logits] {
        try forward(inputs, editor: nil)
    }
}
