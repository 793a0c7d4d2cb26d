/// A BERT checkpoint's config.json, as transformers' BertConfig reads it, with every setting the
/// encoder does not implement refused by key: a `model_type` other than bert, an `architectures`
/// class other than BertModel or BertForSequenceClassification, a `hidden_act` other than
/// exact GELU, relative position embeddings, decoder or cross-attention use.
public struct BertConfiguration: Sendable, Equatable {
    /// The transformers class the checkpoint was saved from: what sits on top of the encoder.
    public enum Head: String, Sendable, CaseIterable {
        /// The bare encoder (sentence-transformers models such as all-MiniLM-L6-v2).
        case none = "BertModel"
        /// Pooler (dense + tanh on [CLS]) and a linear classifier: logits per label.
        case sequenceClassification = "BertForSequenceClassification"
    }

    public var head: Head
    public var layerCount: Int
    public var hiddenSize: Int
    public var headCount: Int
    public var intermediateSize: Int
    public var vocabularySize: Int
    /// `max_position_embeddings`: learned positions, so the longest input.
    public var positions: Int
    /// `type_vocab_size`: token types (segments A and B).
    public var typeCount: Int
    public var epsilon: Float
    /// For `sequenceClassification`: config.json's `id2label` (or transformers' defaults).
    public var labels: ClassLabels?
    /// For `sequenceClassification`: what the classifier reads (`classifier_pooling`).
    public var pooling: ClassifierPooling = .cls

    /// What a sequence classifier's linear layer reads, as config.json's `classifier_pooling`
    /// names it (the key ModernBERT's config uses). Absent means `cls`, transformers' BERT.
    public enum ClassifierPooling: String, Sendable, CaseIterable {
        /// The pooler on the [CLS] position: tanh(W_p · x_L[CLS] + b_p) (BertForSequenceClassification).
        case cls
        /// The mean of the last hidden states over the text's tokens, unnormalised, with no
        /// pooler (the offline default classifier: a logistic head on MiniLM's mean embedding).
        case mean
    }

    public var headDim: Int { hiddenSize / headCount }

    public static let modelType = "bert"
    /// `hidden_act` values the engine implements: transformers' "gelu" is the exact, erf form.
    public static let activations = ["gelu"]

    public init(_ config: HuggingFaceConfig) throws {
        func refuse(_ key: String, _ detail: String) -> EngineError { .configKey(path: config.path, key: key, detail: detail) }
        let classes = try config.strings("architectures") ?? []
        let heads = Head.allCases.map(\.rawValue)
        let type = try config.string("model_type")
        guard type == Self.modelType || (type == nil && classes.contains(where: { heads.contains($0) })) else {
            throw refuse(
                "model_type",
                type.map { "is \"\($0)\", not bert; the encoder runs BERT checkpoints (\(heads.joined(separator: ", ")))" }
                    ?? "is missing and 'architectures' (\(classes)) names no BERT class the encoder runs (\(heads.joined(separator: ", ")))"
            )
        }
        guard classes.count <= 1, let found = classes.isEmpty ? Head.none : Head(rawValue: classes[0]) else {
            throw refuse(
                "architectures",
                "is \(classes); the encoder runs BERT checkpoints saved as \(heads.joined(separator: " or ")) (a masked-LM, pre-training or token-classification head is not implemented)"
            )
        }
        head = found
        let activation = try config.string("hidden_act") ?? "gelu"
        guard Self.activations.contains(activation) else {
            throw refuse("hidden_act", "is \"\(activation)\"; the encoder implements only gelu (exact, erf form)")
        }
        if let positionType = try config.string("position_embedding_type"), positionType != "absolute" {
            throw refuse("position_embedding_type", "is \"\(positionType)\"; the encoder implements only absolute (learned) positions")
        }
        if try config.bool("is_decoder") == true { throw refuse("is_decoder", "is true; BERT runs here as an encoder only") }
        if try config.bool("add_cross_attention") == true {
            throw refuse("add_cross_attention", "is true; the encoder has no cross-attention")
        }
        layerCount = try config.require(config.int("num_hidden_layers"), "num_hidden_layers")
        hiddenSize = try config.require(config.int("hidden_size"), "hidden_size")
        headCount = try config.require(config.int("num_attention_heads"), "num_attention_heads")
        intermediateSize = try config.require(config.int("intermediate_size"), "intermediate_size")
        vocabularySize = try config.require(config.int("vocab_size"), "vocab_size")
        positions = try config.require(config.int("max_position_embeddings"), "max_position_embeddings")
        typeCount = try config.int("type_vocab_size") ?? 2
        epsilon = Float(try config.double("layer_norm_eps") ?? 1e-12)
        let checks: [(String, Bool)] = [
            ("num_hidden_layers", layerCount > 0 && layerCount < 1000), ("hidden_size", hiddenSize > 0),
            ("num_attention_heads", headCount > 0 && hiddenSize % headCount == 0), ("intermediate_size", intermediateSize > 0),
            ("vocab_size", vocabularySize > 0), ("max_position_embeddings", positions > 0), ("type_vocab_size", typeCount > 0),
            ("layer_norm_eps", epsilon.isFinite && epsilon >= 0),
        ]
        for (key, ok) in checks where !ok {
            throw refuse(
                key, "is inconsistent with the other hyperparameters (sizes positive, hidden_size divisible by num_attention_heads)")
        }
        labels = head == .sequenceClassification ? try ClassLabels(config) : nil
        if let name = try config.string("classifier_pooling") {
            guard let pooling = ClassifierPooling(rawValue: name) else {
                throw refuse(
                    "classifier_pooling",
                    "is \"\(name)\"; the classifier reads \(ClassifierPooling.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")) (absent means cls)"
                )
            }
            self.pooling = pooling
        }
    }
}
