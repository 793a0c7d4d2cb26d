/// A named place in the forward pass where activations can be read or rewritten.
/// Names are used everywhere (fitting, editing, artifacts), so they live here once.
public enum HookSite: Hashable, Sendable, CustomStringConvertible, Codable {
    /// Token embeddings, before the first block.
    case embeddings
    /// Per-head attention output before the output projection, [heads × headDim].
    case attentionHeads(Int)
    /// Output of the attention block's output projection.
    case attentionOutput(Int)
    /// SiLU(gate(x)) alone, before it multiplies up(x): what SADI's official code calls a neuron.
    /// In MLPs without a gate (GPT-2, BLOOM, Falcon) the activation act(up(x)), the values
    /// `mlpActivation` then reports.
    case mlpGate(Int)
    /// SiLU(gate(x)) · up(x): the input of the down projection.
    case mlpActivation(Int)
    /// Output of the MLP block (down projection).
    case mlpOutput(Int)
    /// Residual stream after the block (the block's output).
    case residual(Int)

    public var layer: Int? {
        switch self {
        case .embeddings: return nil
        case let .attentionHeads(l), let .attentionOutput(l), let .mlpGate(l), let .mlpActivation(l),
            let .mlpOutput(l), let .residual(l):
            return l
        }
    }

    /// The kind of site without its layer, e.g. `attention-heads`.
    public var kind: String {
        switch self {
        case .embeddings: return "embeddings"
        case .attentionHeads: return "attention-heads"
        case .attentionOutput: return "attention-output"
        case .mlpGate: return "mlp-gate"
        case .mlpActivation: return "mlp-activation"
        case .mlpOutput: return "mlp-output"
        case .residual: return "residual"
        }
    }

    public var description: String {
        layer.map { "\(kind)(\($0))" } ?? kind
    }

    /// Parses `residual(3)`, `attention-heads(12)`, `embeddings`.
    public init?(_ text: String) {
        if text == "embeddings" {
            self = .embeddings
            return
        }
        guard let open = text.firstIndex(of: "("), text.hasSuffix(")"),
            let layer = Int(text[text.index(after: open)..<text.index(before: text.endIndex)]), layer >= 0
        else { return nil }
        guard let site = HookSite(kind: String(text[..<open]), layer: layer) else { return nil }
        self = site
    }

    public init?(kind: String, layer: Int) {
        switch kind {
        case "attention-heads": self = .attentionHeads(layer)
        case "attention-output": self = .attentionOutput(layer)
        case "mlp-gate": self = .mlpGate(layer)
        case "mlp-activation": self = .mlpActivation(layer)
        case "mlp-output": self = .mlpOutput(layer)
        case "residual": self = .residual(layer)
        default: return nil
        }
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let site = HookSite(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a hook site"))
        }
        self = site
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
