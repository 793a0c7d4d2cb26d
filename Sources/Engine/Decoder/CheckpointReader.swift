/// Reads a Hugging Face checkpoint's tensors by their own names, each checked against the
/// shape its configuration implies, and remembers what it read: a tensor the forward pass
/// never reads (a bias it would not add, a layer past the count) is refused by name.
final class CheckpointReader {
    let directory: SafeTensorsDirectory
    /// "transformer." when the checkpoint was saved from the …ForCausalLM class, "" when
    /// from the bare model (as the original GPT-2 checkpoints were).
    let prefix: String
    /// The names read, shared with `unprefixed()`'s reader.
    private let record: ReadNames
    var read: Set<String> { record.names }

    init(_ directory: SafeTensorsDirectory, prefix: String, probe: String) {
        self.directory = directory
        self.prefix = directory.tensor(named: prefix + probe) != nil || directory.tensor(named: probe) == nil ? prefix : ""
        record = ReadNames()
    }

    private init(_ directory: SafeTensorsDirectory, prefix: String, record: ReadNames) {
        self.directory = directory
        self.prefix = prefix
        self.record = record
    }

    /// A reader of the same checkpoint for names outside the prefix (a classification head
    /// beside a `bert.` encoder) that counts what it reads with this one's.
    func unprefixed() -> CheckpointReader { CheckpointReader(directory, prefix: "", record: record) }

    /// Counts a tensor as read without reading it (a buffer checked by other means).
    func markRead(_ name: String) { record.names.insert(prefix + name) }

    private func checked(_ name: String, shape: [Int]) throws -> (file: SafeTensorsFile, info: SafeTensorsFile.TensorInfo) {
        guard let found = directory.tensor(named: name) else { throw EngineError.missingTensor(path: directory.path, name: name) }
        guard found.info.shape == shape else {
            throw EngineError.inconsistentCheckpoint(
                path: found.file.path,
                detail: "tensor '\(name)' has shape \(found.info.shape) but \(directory.config.path) implies \(shape)")
        }
        record.names.insert(name)
        return found
    }

    func has(_ name: String) -> Bool { directory.tensor(named: prefix + name) != nil }

    /// The tensor `prefix + name` as float32, row-major.
    func floats(_ name: String, shape: [Int]) throws -> [Float] {
        let (file, info) = try checked(prefix + name, shape: shape)
        return try file.floats(info.name)
    }

    func vector(_ name: String, count: Int) throws -> [Float] { try floats(name, shape: [count]) }

    func layerNorm(_ name: String, width: Int, epsilon: Float) throws -> LayerNorm {
        LayerNorm(
            weight: try vector(name + ".weight", count: width), bias: try vector(name + ".bias", count: width), epsilon: epsilon)
    }

    /// An nn.Linear weight, stored [out, in]: read where it lies (any stored float type).
    func matrix(_ name: String, rows: Int, columns: Int) throws -> WeightMatrix {
        _ = try checked(prefix + name, shape: [rows, columns])
        return try directory.weightMatrix([prefix + name], columns: columns, rows: [rows])
    }

    /// nn.Linear weights with the same inputs stacked by rows (q, k and v as one product).
    func stacked(_ names: [String], rows: [Int], columns: Int) throws -> WeightMatrix {
        for (name, count) in zip(names, rows) { _ = try checked(prefix + name, shape: [count, columns]) }
        return try directory.weightMatrix(names.map { prefix + $0 }, columns: columns, rows: rows)
    }

    /// GPT-2's Conv1D: its weight is stored [in, out], the transpose of nn.Linear's.
    func conv1D(_ name: String, inputs: Int, outputs: Int) throws -> Linear {
        let stored = try floats(name + ".weight", shape: [inputs, outputs])
        var transposed = [Float](repeating: 0, count: stored.count)
        for i in 0..<inputs {
            for o in 0..<outputs { transposed[o * inputs + i] = stored[i * outputs + o] }
        }
        return Linear(weight: .owning(transposed, rows: outputs, columns: inputs), bias: try vector(name + ".bias", count: outputs))
    }

    /// Refuses the first checkpoint tensor not read (except those `ignored` allows).
    func refuseUnread(modelType: String, ignoring ignored: (String) -> Bool = { _ in false }) throws {
        for name in directory.tensorNames where !read.contains(name) && !ignored(name) {
            throw EngineError.unsupported(
                path: directory.tensor(named: name)!.file.path,
                detail:
                    "tensor '\(name)' is not one a \(modelType) model with \(directory.config.path) reads; ignoring it would give wrong results, so the checkpoint is refused"
            )
        }
    }
}

/// The tensor names a reader and its `unprefixed()` companion have read.
private final class ReadNames {
    var names: Set<String> = []
}

/// float32 values the engine made (a transposed or reordered checkpoint tensor).
final class OwnedFloats: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>

    init(_ values: [Float]) {
        pointer = .allocate(capacity: max(values.count, 1))
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { pointer.deallocate() }
}

extension WeightMatrix {
    /// A float32 matrix `rows × columns` from values the engine computed.
    static func owning(_ values: [Float], rows: Int, columns: Int) -> WeightMatrix {
        precondition(values.count == rows * columns)
        let storage = OwnedFloats(values)
        return WeightMatrix(
            parts: [.init(base: UnsafeRawPointer(storage.pointer), type: .f32, rows: rows, owner: storage)], columns: columns)
    }
}
