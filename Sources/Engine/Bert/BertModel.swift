import Foundation

/// The BERT encoder (transformers' BertModel):
///
///     x₀ = LayerNorm(word[token] + type[tokenType] + position[t])        BertEmbeddings
///     x_{l+1} = post-LayerNorm block l of x_l, attention within a row    BertLayer
///     pooled = tanh(W_p · x_L[CLS] + b_p)                                 the pooler, when the checkpoint has one
///
/// Its weights stay where the checkpoint stores them (F32 read in place; F16/BF16 widened per
/// product); the products go through OpenBLAS sgemm, split across the cores by weight rows.
public final class BertModel: TextEncoder, @unchecked Sendable {
    /// The Hugging Face directory it was read from.
    public let path: String
    public let configuration: BertConfiguration
    public let threads: Int
    let embeddings: BertEmbeddings
    let layers: [BertLayer]
    /// BertPooler's dense layer; nil when the checkpoint has none (a bare sentence encoder may not).
    let pooler: Linear?
    /// Holds the memory the weight matrices point into.
    let weights: AnyObject
    private let scratch: BertScratch
    private let lock = NSLock()

    init(
        path: String, configuration: BertConfiguration, embeddings: BertEmbeddings, layers: [BertLayer], pooler: Linear?,
        weights: AnyObject,
        threads: Int
    ) {
        self.threads = max(1, threads)
        scratch = BertScratch(threads: self.threads)
        BLAS.useCallerThreadOnly()
        self.path = path
        self.configuration = configuration
        self.embeddings = embeddings
        self.layers = layers
        self.pooler = pooler
        self.weights = weights
    }

    public var hiddenSize: Int { configuration.hiddenSize }
    public var maximumLength: Int { configuration.positions }
    /// Whether `pooledOutput` is available.
    public var hasPooler: Bool { pooler != nil }

    public func hiddenStates(_ batch: EncoderBatch) throws -> HiddenStates {
        try run(batch, keepingLayers: false).last
    }

    /// The embeddings' output and every layer's (transformers' `output_hidden_states`):
    /// `layerCount + 1` entries, the last equal to `hiddenStates`.
    public func allHiddenStates(_ batch: EncoderBatch) throws -> [HiddenStates] {
        let result = try run(batch, keepingLayers: true)
        return result.layers + [result.last]
    }

    /// The pooler's output for each row, tanh(W_p · x[CLS] + b_p) (`count × hidden`), from the
    /// hidden states the caller already has for the batch.
    public func pooledOutput(_ states: HiddenStates) throws -> [[Float]] {
        guard let pooler else {
            throw EngineError.unsupported(
                path: path, detail: "the checkpoint has no pooler (pooler.dense.weight), so it gives no pooled output")
        }
        let d = hiddenSize
        var first = [Float](repeating: 0, count: states.count * d)
        for b in 0..<states.count { first.replaceSubrange((b * d)..<((b + 1) * d), with: states.vector(row: b, position: 0)) }
        var pooled = [Float](repeating: 0, count: states.count * d)
        lock.lock()
        defer { lock.unlock() }
        first.withUnsafeBufferPointer { x in
            pooled.withUnsafeMutableBufferPointer { y in
                pooler(
                    x.baseAddress!, rows: states.count, into: y.baseAddress!, scratch: scratch.weights, shared: scratch.sharedWeights,
                    threads: threads)
                Ops.tanh(y.baseAddress!, count: y.count)
            }
        }
        return (0..<states.count).map { Array(pooled[($0 * d)..<(($0 + 1) * d)]) }
    }

    /// Refuses what the weights cannot run: a token past the vocabulary, a token type past
    /// `type_vocab_size`, a row longer than the learned positions.
    private func check(_ batch: EncoderBatch) throws {
        let c = configuration
        guard batch.length <= c.positions else {
            throw EngineError.invalidArgument(
                "an encoder row of \(batch.length) tokens is longer than the model's \(c.positions) learned positions (max_position_embeddings); truncate the text"
            )
        }
        if let bad = batch.tokens.first(where: { $0 < 0 || Int($0) >= embeddings.words.rows }) {
            throw EngineError.invalidArgument("token id \(bad) is outside the model's vocabulary of \(embeddings.words.rows)")
        }
        if let bad = batch.tokenTypes.first(where: { $0 < 0 || Int($0) >= embeddings.types.rows }) {
            throw EngineError.invalidArgument("token type \(bad) is outside the model's \(embeddings.types.rows) types (type_vocab_size)")
        }
    }

    private func run(_ batch: EncoderBatch, keepingLayers: Bool) throws -> (last: HiddenStates, layers: [HiddenStates]) {
        try check(batch)
        lock.lock()
        defer { lock.unlock() }
        let rows = batch.count * batch.length, d = hiddenSize
        let x = scratch.hidden.reserve(rows * d)
        func snapshot() -> HiddenStates {
            HiddenStates(
                count: batch.count, length: batch.length, width: d, values: Array(UnsafeBufferPointer(start: x, count: rows * d)))
        }
        var kept: [HiddenStates] = []
        embeddings(batch, into: x, scratch: scratch, threads: threads)
        for layer in layers {
            if keepingLayers { kept.append(snapshot()) }
            layer.apply(x, batch, scratch: scratch, threads: threads)
        }
        return (snapshot(), kept)
    }
}

extension BertModel {
    /// The encoder of a Hugging Face BERT directory (config.json and safetensors); the
    /// classifier of a BertForSequenceClassification checkpoint is checked and left unused.
    public convenience init(directory: SafeTensorsDirectory, threads: Int = Parallel.availableCores) throws {
        try self.init(checkpoint: BertCheckpoint(directory), directory: directory, threads: threads)
    }

    convenience init(checkpoint: BertCheckpoint, directory: SafeTensorsDirectory, threads: Int) {
        self.init(
            path: directory.path, configuration: checkpoint.configuration, embeddings: checkpoint.embeddings,
            layers: checkpoint.layers, pooler: checkpoint.pooler, weights: directory, threads: threads)
    }
}
