/// A GGUF file's tensors for a LayerNorm decoder, by their own names, remembering which were
/// read: any other tensor is refused by name afterwards (`refuseUnread`), since the forward
/// pass would silently ignore it (Falcon-40B's second layer norm, a bias, q/k norms, a layer
/// past `block_count`).
final class GGUFDecoderWeights: DecoderWeights {
    let gguf: GGUFFile
    private(set) var read: Set<String> = []

    init(_ gguf: GGUFFile) { self.gguf = gguf }

    func matrix(_ name: String, rows: Int, columns: Int) throws -> WeightMatrix {
        read.insert(name)
        return try gguf.weightMatrix([name], columns: columns, rows: [rows])
    }

    func vector(_ name: String, count: Int) throws -> [Float] {
        read.insert(name)
        return try gguf.vector(name, count: count)
    }

    /// What an unread tensor is for, where its name says so.
    static func meaning(of name: String) -> String {
        if name.hasSuffix("attn_norm_2.weight") || name.hasSuffix("attn_norm_2.bias") {
            return "a second layer norm for the attention (Falcon-40B's new decoder architecture)"
        }
        if name.hasSuffix(".bias") { return "a bias the forward pass does not add" }
        if name == "rope_freqs.weight" { return "rope frequency factors" }
        if name.contains("q_norm") || name.contains("k_norm") { return "query/key normalisation" }
        return "a weight the forward pass does not apply"
    }

    /// Refuses the first tensor of the file that was not read.
    func refuseUnread(architecture: String) throws {
        for tensor in gguf.tensors where !read.contains(tensor.name) {
            throw EngineError.unsupported(
                path: gguf.path,
                detail:
                    "tensor '\(tensor.name)' holds \(Self.meaning(of: tensor.name)), which the engine's \(architecture) forward pass does not implement; its results would be wrong, so the file is refused"
            )
        }
    }
}

/// The `<arch>.*` metadata of a LayerNorm decoder's GGUF file, read against the keys the
/// engine understands: each key is one the configuration reads (and checks), or one known
/// to ask for nothing at its neutral value; any other key under the architecture's prefix
/// is refused by name, since it may change the computation (a setting of a newer converter).
struct GGUFDecoderMetadata {
    let gguf: GGUFFile
    let architecture: String

    /// Keys no LayerNorm decoder needs, accepted at the value that asks for nothing.
    static let neutral: [String: GGUFValue] = [
        "rope.scaling.type": .string("none"), "rope.scaling.factor": .float32(1), "rope.scaling.attn_factor": .float32(1),
        "attention.causal": .bool(true),
    ]

    /// `reads`: the key suffixes the configuration reads.
    init(gguf: GGUFFile, architecture: String, reads: Set<String>) throws {
        self.gguf = gguf
        self.architecture = architecture
        let prefix = architecture + "."
        for key in gguf.metadataKeys where key.hasPrefix(prefix) {
            let suffix = String(key.dropFirst(prefix.count)), value = gguf.metadata[key]!
            if reads.contains(suffix) { continue }
            if let neutral = Self.neutral[suffix], value.double == neutral.double, value.string == neutral.string,
                value.bool == neutral.bool
            {
                continue
            }
            throw EngineError.unsupported(
                path: gguf.path,
                detail:
                    "metadata '\(key)' = \(value) is not a setting the engine's \(architecture) forward pass implements (it reads \(reads.sorted().map { prefix + $0 }.joined(separator: ", "))); its results could be wrong, so the file is refused"
            )
        }
    }

    func key(_ suffix: String) -> String { "\(architecture).\(suffix)" }

    /// A required integer.
    func int(_ suffix: String) throws -> Int { try gguf.int(key(suffix)) }

    /// An optional integer (present with another type is an error, not a default).
    func int(_ suffix: String, default fallback: Int?) throws -> Int? {
        gguf.metadata[key(suffix)] == nil ? fallback : try gguf.int(key(suffix))
    }

    func float(_ suffix: String) throws -> Float { Float(try gguf.double(key(suffix))) }

    func float(_ suffix: String, default fallback: Float) throws -> Float {
        gguf.metadata[key(suffix)] == nil ? fallback : Float(try gguf.double(key(suffix)))
    }

    func string(_ suffix: String) throws -> String? {
        gguf.metadata[key(suffix)] == nil ? nil : try gguf.string(key(suffix))
    }

    /// Refuses a key whose value the engine cannot run, naming it.
    func refuse(_ suffix: String, _ detail: String) -> EngineError {
        .unsupported(path: gguf.path, detail: "metadata '\(key(suffix))' \(detail)")
    }

    /// The vocabulary size: token_embd's rows (`<arch>.vocab_size`, when present, must agree).
    func vocabularySize(hiddenSize: Int) throws -> Int {
        guard let embedding = gguf.tensor(named: "token_embd.weight"), embedding.dimensions.count == 2 else {
            throw EngineError.missingTensor(path: gguf.path, name: "token_embd.weight")
        }
        guard embedding.dimensions[0] == hiddenSize else {
            throw EngineError.badTensorShape(
                path: gguf.path, name: "token_embd.weight", expected: [hiddenSize, embedding.dimensions[1]], found: embedding.dimensions)
        }
        if let stated = try int("vocab_size", default: nil), stated != embedding.dimensions[1] {
            throw EngineError.malformedGGUF(
                path: gguf.path,
                detail: "metadata '\(key("vocab_size"))' is \(stated) but token_embd.weight has \(embedding.dimensions[1]) rows")
        }
        return embedding.dimensions[1]
    }
}
