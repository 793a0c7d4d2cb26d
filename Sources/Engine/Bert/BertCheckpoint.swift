/// Reads a BERT checkpoint's tensors by the names transformers writes: under `bert.` when it
/// was saved from BertForSequenceClassification, bare when saved from BertModel (as
/// sentence-transformers saves all-MiniLM-L6-v2), LayerNorm parameters as `weight`/`bias` or
/// the `gamma`/`beta` of TensorFlow-era checkpoints (which transformers renames on load).
/// Each tensor is checked against the shape config.json implies; the `position_ids` and
/// `token_type_ids` buffers older transformers versions saved are accepted when they hold
/// the defaults (0, 1, 2, … and zeros); any other tensor the encoder would not read is refused.
struct BertCheckpoint {
    let configuration: BertConfiguration
    let embeddings: BertEmbeddings
    let layers: [BertLayer]
    let pooler: Linear?
    /// The classifier on the pooled output, for BertForSequenceClassification checkpoints.
    let classifier: Linear?

    init(_ directory: SafeTensorsDirectory) throws {
        let c = try BertConfiguration(directory.config)
        let r = CheckpointReader(directory, prefix: "bert.", probe: "embeddings.word_embeddings.weight")
        let d = c.hiddenSize
        func linear(_ name: String, inputs: Int, outputs: Int, _ reader: CheckpointReader? = nil) throws -> Linear {
            let reader = reader ?? r
            return Linear(
                weight: try reader.matrix(name + ".weight", rows: outputs, columns: inputs),
                bias: try reader.vector(name + ".bias", count: outputs))
        }
        func norm(_ name: String) throws -> LayerNorm {
            let legacy = !r.has(name + ".weight") && r.has(name + ".gamma")
            return LayerNorm(
                weight: try r.vector(name + (legacy ? ".gamma" : ".weight"), count: d),
                bias: try r.vector(name + (legacy ? ".beta" : ".bias"), count: d), epsilon: c.epsilon)
        }

        let wordsName = "embeddings.word_embeddings.weight"
        if let stored = directory.tensor(named: r.prefix + wordsName), stored.info.shape.count == 2,
            stored.info.shape[0] != c.vocabularySize
        {
            throw EngineError.configKey(
                path: directory.config.path, key: "vocab_size",
                detail:
                    "is \(c.vocabularySize) but tensor '\(r.prefix + wordsName)' in \(stored.file.path) has \(stored.info.shape[0]) rows (one per token); the files do not belong together"
            )
        }
        embeddings = BertEmbeddings(
            words: try r.matrix(wordsName, rows: c.vocabularySize, columns: d),
            positions: try r.matrix("embeddings.position_embeddings.weight", rows: c.positions, columns: d),
            types: try r.matrix("embeddings.token_type_embeddings.weight", rows: c.typeCount, columns: d),
            norm: try norm("embeddings.LayerNorm"))
        try Self.checkBuffer(r, "embeddings.position_ids", positions: c.positions) { Int64($0) }
        try Self.checkBuffer(r, "embeddings.token_type_ids", positions: c.positions) { _ in 0 }

        layers = try (0..<c.layerCount).map { l in
            let p = "encoder.layer.\(l)."
            let a = p + "attention.self."
            let qkv = Linear(
                weight: try r.stacked([a + "query.weight", a + "key.weight", a + "value.weight"], rows: [d, d, d], columns: d),
                bias: try r.vector(a + "query.bias", count: d) + r.vector(a + "key.bias", count: d) + r.vector(a + "value.bias", count: d))
            return BertLayer(
                attention: BertSelfAttention(qkv: qkv, headCount: c.headCount, headDim: c.headDim),
                attentionOutput: try linear(p + "attention.output.dense", inputs: d, outputs: d),
                attentionNorm: try norm(p + "attention.output.LayerNorm"),
                intermediate: try linear(p + "intermediate.dense", inputs: d, outputs: c.intermediateSize),
                output: try linear(p + "output.dense", inputs: c.intermediateSize, outputs: d),
                outputNorm: try norm(p + "output.LayerNorm"))
        }
        // A CLS classifier reads the pooler; otherwise the pooler is read when it is there.
        let classifies = c.head == .sequenceClassification && c.pooling == .cls
        pooler = classifies || r.has("pooler.dense.weight") ? try linear("pooler.dense", inputs: d, outputs: d) : nil
        if let labels = c.labels {
            classifier = try linear("classifier", inputs: d, outputs: labels.count, r.unprefixed())
        } else {
            classifier = nil
        }
        configuration = c
        try r.refuseUnread(modelType: "bert (\(c.head.rawValue))")
    }

    /// A saved buffer must hold the values the encoder uses in its place (shape [1, positions]).
    private static func checkBuffer(
        _ r: CheckpointReader, _ name: String, positions: Int, expected: (Int) -> Int64
    ) throws {
        guard let (file, info) = r.directory.tensor(named: r.prefix + name) else { return }
        let values = try file.integers(info.name)
        guard info.shape == [1, positions], values.enumerated().allSatisfy({ $0.element == expected($0.offset) }) else {
            throw EngineError.unsupported(
                path: file.path,
                detail:
                    "buffer '\(info.name)' (shape \(info.shape)) does not hold the default ids for \(positions) positions, and the encoder always uses those"
            )
        }
        r.markRead(name)
    }
}
