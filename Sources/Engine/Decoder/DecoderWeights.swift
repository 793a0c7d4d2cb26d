/// Where a LayerNorm decoder's weights come from, asked for by their GGUF tensor names
/// (`blk.N.attn_qkv.weight`, `token_embd_norm.bias`, …): a GGUF file answers directly
/// (`GGUFDecoderWeights`), a Hugging Face checkpoint through its architecture's name table
/// (`RenamedCheckpoint`) and the row reorderings llama.cpp's converter applies. BLOOM and
/// Falcon build one forward pass from either, so the two formats cannot drift apart.
protocol DecoderWeights {
    /// A linear layer's weight, `rows × columns` (out × in).
    func matrix(_ name: String, rows: Int, columns: Int) throws -> WeightMatrix
    /// A 1-D vector (norm weights, biases) as float32.
    func vector(_ name: String, count: Int) throws -> [Float]
}

extension DecoderWeights {
    /// `name.weight` and `name.bias`.
    func layerNorm(_ name: String, width: Int, epsilon: Float) throws -> LayerNorm {
        LayerNorm(
            weight: try vector(name + ".weight", count: width), bias: try vector(name + ".bias", count: width), epsilon: epsilon)
    }

    /// `name.weight` [out, in] and, when `bias`, `name.bias` [out].
    func linear(_ name: String, outputs: Int, inputs: Int, bias: Bool) throws -> Linear {
        Linear(
            weight: try matrix(name + ".weight", rows: outputs, columns: inputs),
            bias: bias ? try vector(name + ".bias", count: outputs) : nil)
    }

    /// A matrix's values as float32, row-major, whatever type they are stored in.
    func floats(_ name: String, rows: Int, columns: Int) throws -> [Float] {
        let stored = try matrix(name, rows: rows, columns: columns)
        var values = [Float](repeating: 0, count: rows * columns)
        values.withUnsafeMutableBufferPointer { stored.dequantizeRows(0..<rows, into: $0.baseAddress!) }
        return values
    }
}

/// GGUF tensor names and the Hugging Face checkpoint modules llama.cpp's converter maps to
/// them (gguf-py's tensor_mapping.py, read backwards) for one architecture. Names are of
/// modules: the `.weight` or `.bias` suffix carries over.
struct TensorNameTable {
    /// Tensors outside the blocks: `token_embd` is `word_embeddings`.
    let global: [String: String]
    /// Checkpoint block N is `<blockPrefix>N.`.
    let blockPrefix: String
    /// `blk.N.<key>` is `<blockPrefix>N.<value>`.
    let block: [String: String]

    /// The checkpoint's name for a GGUF name; a name with no counterpart is returned as is,
    /// so the lookup fails naming it.
    func huggingFace(_ gguf: String) -> String {
        guard let dot = gguf.lastIndex(of: ".") else { return gguf }
        let module = String(gguf[..<dot]), suffix = String(gguf[dot...])
        if let name = global[module] { return name + suffix }
        let parts = module.split(separator: ".", maxSplits: 2)
        guard parts.count == 3, parts[0] == "blk", let layer = Int(parts[1]), let name = block[String(parts[2])] else { return gguf }
        return "\(blockPrefix)\(layer).\(name)\(suffix)"
    }
}

/// A Hugging Face checkpoint asked for by GGUF names through the architecture's table; the
/// reader checks every shape against config.json and remembers what was read, so any tensor
/// the forward pass did not ask for is refused afterwards (`CheckpointReader.refuseUnread`).
struct RenamedCheckpoint: DecoderWeights {
    let reader: CheckpointReader
    let names: TensorNameTable

    func matrix(_ name: String, rows: Int, columns: Int) throws -> WeightMatrix {
        try reader.matrix(names.huggingFace(name), rows: rows, columns: columns)
    }

    func vector(_ name: String, count: Int) throws -> [Float] {
        try reader.vector(names.huggingFace(name), count: count)
    }
}
