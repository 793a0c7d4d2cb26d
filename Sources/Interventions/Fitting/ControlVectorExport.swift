import Engine

/// Per-layer steering vectors in llama.cpp's control-vector format, so a CAA vector fitted
/// here can be used with `llama-cli --control-vector-scaled FILE SCALE`.
///
/// The format, as llama.cpp reads it (common.cpp `common_control_vector_load_one`,
/// llama-adapter.cpp `llama_adapter_cvec`) and as its cvector-generator and repeng write it:
/// - metadata `general.architecture = "controlvector"`, `controlvector.model_hint` (the
///   model's `general.architecture`, e.g. "llama"), `controlvector.layer_count` (i32, the
///   number of direction tensors). The loader reads none of them; they are for people and tools.
/// - one 1-D F32 tensor of n_embd values per steered layer, named `direction.N`. Every
///   tensor of the file must be named so (any other tensor makes llama.cpp reject the file),
///   and all must have the same length. `direction.0` is rejected.
/// - `direction.N` is added, at every token position, to the output of the zero-based block
///   N: llama.cpp stores it in the adapter's `tensors[N]` and each graph calls
///   `build_cvec(cur, il)` right after the block's FFN residual add. That is this engine's
///   `residual(N)` site. The first block's output (N = 0) cannot be steered at all.
///   Several files, or a repeated N, are summed.
/// (llama.cpp's own cvector-generator names the difference read at block il's output
/// `direction.{il+1}`, one block later than where it is then added; repeng and this export
/// keep N = the block whose output was read and is steered.)
public struct ControlVector: Sendable, Equatable {
    /// Zero-based block index → the vector added to that block's output.
    public let directions: [Int: [Float]]
    public let modelHint: String

    public init(directions: [Int: [Float]], modelHint: String) throws {
        guard let width = directions.first?.value.count, width > 0 else {
            throw FittingError.invalidArgument("a control vector needs at least one non-empty layer direction")
        }
        if directions[0] != nil {
            throw FittingError.invalidArgument(
                "llama.cpp cannot add a control vector to the output of layer 0 (it rejects direction.0); choose a layer from 1 up")
        }
        for (layer, vector) in directions {
            guard layer > 0 else {
                throw FittingError.invalidArgument("layer \(layer) is not a block index; control-vector layers count blocks from 1")
            }
            guard vector.count == width else {
                throw FittingError.shapeMismatch(
                    "the control vector for layer \(layer) has \(vector.count) values but another has \(width); every layer's vector must have the model's width"
                )
            }
            guard vector.allSatisfy(\.isFinite) else {
                throw FittingError.invalidArgument("the control vector for layer \(layer) contains NaN or infinity; refit it")
            }
        }
        self.directions = directions
        self.modelHint = modelHint
    }

    /// From one vector per engine layer (`caaVectors`' output: index = layer, i.e. the
    /// `residual(layer)` site), keeping `layers` (default: every layer llama.cpp can steer,
    /// 1 to the last).
    public init(layerVectors: [[Float]], layers: ClosedRange<Int>? = nil, modelHint: String) throws {
        guard layerVectors.count > 1 || layers != nil else {
            throw FittingError.invalidArgument("a one-layer model has only layer 0, which llama.cpp cannot steer")
        }
        let chosen = layers ?? 1...(layerVectors.count - 1)
        guard chosen.lowerBound >= 0, chosen.upperBound < layerVectors.count else {
            throw FittingError.invalidArgument(
                "layers \(chosen.lowerBound)-\(chosen.upperBound) are outside the \(layerVectors.count) layers the vectors cover")
        }
        try self.init(directions: Dictionary(uniqueKeysWithValues: chosen.map { ($0, layerVectors[$0]) }), modelHint: modelHint)
    }

    /// Writes the GGUF atomically. `scale` multiplies every value (llama.cpp's
    /// `--control-vector-scaled` multiplies again at load time).
    public func write(to path: String, scale: Float = 1) throws {
        var writer = try GGUFWriter()
        try writer.set("general.architecture", .string("controlvector"))
        try writer.set("controlvector.model_hint", .string(modelHint))
        try writer.set("controlvector.layer_count", .int32(Int32(directions.count)))
        for layer in directions.keys.sorted() {
            let vector = directions[layer]!.map { $0 * scale }
            try writer.addTensor(name: "direction.\(layer)", dimensions: [vector.count], values: vector)
        }
        try writer.write(to: path)
    }

    /// Reads a control vector back, applying the loader's rules (every tensor a 1-D F32
    /// `direction.N`, N ≥ 1, one width; repeated N summed).
    public static func read(path: String) throws -> ControlVector {
        let file = try GGUFFile(path: path)
        var directions: [Int: [Float]] = [:]
        for tensor in file.tensors {
            guard tensor.name.hasPrefix("direction."), let layer = Int(tensor.name.dropFirst("direction.".count)),
                layer > 0
            else {
                throw FittingError.invalidArgument(
                    "\(path): tensor '\(tensor.name)' is not named direction.N with N ≥ 1, so llama.cpp would reject the file")
            }
            guard tensor.type == .f32, tensor.dimensions.count == 1 else {
                throw FittingError.invalidArgument(
                    "\(path): tensor '\(tensor.name)' is not a 1-D F32 vector, so llama.cpp would reject the file")
            }
            let values = file.data(of: tensor).withMemoryRebound(to: UInt32.self) { words in
                words.map { Float(bitPattern: UInt32(littleEndian: $0)) }
            }
            directions[layer] = zip(directions[layer] ?? [Float](repeating: 0, count: values.count), values).map { $0 + $1 }
        }
        let hint = file.metadata["controlvector.model_hint"]?.string ?? ""
        return try ControlVector(directions: directions, modelHint: hint)
    }
}
