/// A BERT text classifier (transformers' BertForSequenceClassification):
///
///     pooled = tanh(W_p · x_L[CLS] + b_p)          the encoder's pooler
///     logits = W_c · pooled + b_c                   one per label of config.json's id2label
///
/// (dropout, between the two, is off at inference). With config.json's `classifier_pooling`
/// "mean" the classifier reads the mean of the last hidden states over the text's tokens
/// instead of the pooler (`MeanPooling`, unnormalised).
public final class BertForSequenceClassification: @unchecked Sendable {
    public let encoder: BertModel
    public let labels: ClassLabels
    /// The classifier's weight, `labels × hidden` as float32, and its bias.
    private let weight: [Float]
    private let bias: [Float]

    public init(directory: SafeTensorsDirectory, threads: Int = Parallel.availableCores) throws {
        let checkpoint = try BertCheckpoint(directory)
        guard let labels = checkpoint.configuration.labels, let classifier = checkpoint.classifier else {
            throw EngineError.configKey(
                path: directory.config.path, key: "architectures",
                detail:
                    "is \(directory.config.text("architectures")), a checkpoint without a classifier; a classifier directory is saved as BertForSequenceClassification"
            )
        }
        encoder = BertModel(checkpoint: checkpoint, directory: directory, threads: threads)
        self.labels = labels
        var weight = [Float](repeating: 0, count: labels.count * encoder.hiddenSize)
        weight.withUnsafeMutableBufferPointer { classifier.weight.dequantizeRows(0..<labels.count, into: $0.baseAddress!) }
        self.weight = weight
        bias = classifier.bias ?? [Float](repeating: 0, count: labels.count)
    }

    /// The logits of every row of the batch, `count` rows of one value per label.
    public func logits(_ batch: EncoderBatch) throws -> [[Float]] {
        let states = try encoder.hiddenStates(batch)
        return logits(pooled: try features(states, batch: batch))
    }

    /// What the linear layer reads for each row: the pooler's output, or the mean hidden state.
    public func features(_ states: HiddenStates, batch: EncoderBatch) throws -> [[Float]] {
        switch encoder.configuration.pooling {
        case .cls: return try encoder.pooledOutput(states)
        case .mean: return MeanPooling.embeddings(states, batch: batch, normalize: false)
        }
    }

    /// The classifier applied to pooled outputs.
    func logits(pooled: [[Float]]) -> [[Float]] {
        let d = encoder.hiddenSize
        return pooled.map { x in
            (0..<labels.count).map { k in
                var sum: Float = 0
                for i in 0..<d { sum += weight[k * d + i] * x[i] }
                return sum + bias[k]
            }
        }
    }
}
