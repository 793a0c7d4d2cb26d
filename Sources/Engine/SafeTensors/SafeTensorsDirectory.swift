import Foundation

/// A Hugging Face checkpoint directory: `config.json` and its weights, one
/// `model.safetensors` or the shards `model.safetensors.index.json` maps each tensor to.
/// Every shard is opened and its header checked up front, and the index is checked against
/// the shards, so a missing shard or a tensor not where the index says is one error before
/// any weight is read. The forward pass asks for weights by their GGUF names
/// (`WeightSource`); `LlamaTensorNames` turns them into the checkpoint's.
public final class SafeTensorsDirectory: @unchecked Sendable {
    public let path: String
    public let config: HuggingFaceConfig
    /// The index file when the weights are sharded.
    public let indexPath: String?
    /// The safetensors files, sorted by name.
    public let files: [SafeTensorsFile]
    /// Every tensor's file, by Hugging Face name.
    private let location: [String: SafeTensorsFile]

    public static let singleFile = "model.safetensors"
    public static let indexFile = "model.safetensors.index.json"

    /// Whether `path` is a directory (a Hugging Face model) rather than a file (GGUF).
    public static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    public init(path: String) throws {
        let directory = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        self.path = directory
        config = try HuggingFaceConfig(path: directory + "/config.json")
        let manager = FileManager.default
        let index = directory + "/" + Self.indexFile
        var files: [SafeTensorsFile] = []
        var location: [String: SafeTensorsFile] = [:]
        if manager.fileExists(atPath: index) {
            indexPath = index
            guard let data = manager.contents(atPath: index), let object = try? JSONSerialization.jsonObject(with: data),
                let weightMap = (object as? [String: Any])?["weight_map"] as? [String: String]
            else {
                throw EngineError.inconsistentCheckpoint(
                    path: index, detail: "it has no 'weight_map' object of tensor names to shard files")
            }
            for shard in Set(weightMap.values).sorted() {
                // A shard is a file beside the index, never a path elsewhere.
                let shardPath = directory + "/" + shard
                guard !shard.contains("/"), manager.fileExists(atPath: shardPath) else {
                    let example = weightMap.filter { $0.value == shard }.keys.sorted().first ?? ""
                    throw EngineError.inconsistentCheckpoint(
                        path: index,
                        detail: "'weight_map' puts tensors (such as '\(example)') in the shard '\(shard)', which is not in \(directory)")
                }
                files.append(try SafeTensorsFile(path: shardPath))
            }
            for (name, shard) in weightMap.sorted(by: { $0.key < $1.key }) {
                guard let file = files.first(where: { $0.path == directory + "/" + shard }), file.tensor(named: name) != nil else {
                    throw EngineError.inconsistentCheckpoint(
                        path: index, detail: "'weight_map' puts tensor '\(name)' in '\(shard)', which does not hold it")
                }
                location[name] = file
            }
            for file in files {
                for name in file.tensors.keys where location[name] !== file {
                    throw EngineError.inconsistentCheckpoint(
                        path: file.path, detail: "it holds tensor '\(name)', which the index's 'weight_map' does not put there")
                }
            }
        } else {
            indexPath = nil
            let single = directory + "/" + Self.singleFile
            guard manager.fileExists(atPath: single) else {
                throw EngineError.inconsistentCheckpoint(
                    path: directory, detail: "it has neither \(Self.singleFile) nor \(Self.indexFile) beside its config.json")
            }
            let file = try SafeTensorsFile(path: single)
            files = [file]
            for name in file.tensors.keys { location[name] = file }
        }
        self.files = files
        self.location = location
    }

    /// Every tensor's Hugging Face name, sorted.
    public var tensorNames: [String] { location.keys.sorted() }

    /// The tensor's header entry and the file holding it.
    public func tensor(named name: String) -> (file: SafeTensorsFile, info: SafeTensorsFile.TensorInfo)? {
        guard let file = location[name], let info = file.tensor(named: name) else { return nil }
        return (file, info)
    }

    /// The files that define the model, in the order its digest reads them: config.json, the
    /// index if any, then the safetensors files by name.
    public var identityFiles: [String] {
        [config.path] + (indexPath.map { [$0] } ?? []) + files.map(\.path)
    }

    /// A weight asked for by its GGUF name: the checkpoint's tensor, which must have `shape`.
    private func locate(_ ggufName: String, shape: [Int]) throws -> (file: SafeTensorsFile, info: SafeTensorsFile.TensorInfo) {
        let name = LlamaTensorNames.huggingFace(ggufName)
        guard let found = tensor(named: name) else { throw EngineError.missingTensor(path: path, name: name) }
        guard found.info.shape == shape else {
            throw EngineError.inconsistentCheckpoint(
                path: found.file.path,
                detail: "tensor '\(name)' has shape \(found.info.shape) but \(config.path) implies \(shape)")
        }
        return found
    }
}

extension SafeTensorsDirectory: WeightSource {
    func hasTensor(_ name: String) -> Bool { tensor(named: LlamaTensorNames.huggingFace(name)) != nil }

    /// Hugging Face stores a linear layer's weight as [out, in], row-major: `rows × columns`
    /// as the engine multiplies it, read where it lies in the mapped file when it is aligned
    /// for its type, else from a copy the matrix keeps alive.
    func weightMatrix(_ names: [String], columns: Int, rows expected: [Int]) throws -> WeightMatrix {
        var parts: [WeightMatrix.Part] = []
        for (name, rows) in zip(names, expected) {
            let (file, info) = try locate(name, shape: [rows, columns])
            let dtype = try file.readableType(of: info)
            let bytes = file.data(of: info)
            if Int(bitPattern: bytes.baseAddress) % dtype.size == 0 {
                parts.append(.init(base: bytes.baseAddress!, type: dtype.ggmlType, rows: rows))
            } else {
                let copy = AlignedBytes(copying: bytes, alignment: dtype.size)
                parts.append(.init(base: UnsafeRawPointer(copy.base), type: dtype.ggmlType, rows: rows, owner: copy))
            }
        }
        return WeightMatrix(parts: parts, columns: columns)
    }

    func vector(_ name: String, count: Int) throws -> [Float] {
        let (file, info) = try locate(name, shape: [count])
        return try file.floats(info.name)
    }
}

/// A copy of stored bytes at an address aligned for their type: a safetensors header may
/// place a tensor at any byte, and the engine's kernels read floats and halves as such.
final class AlignedBytes: @unchecked Sendable {
    let base: UnsafeMutableRawPointer

    init(copying bytes: UnsafeRawBufferPointer, alignment: Int) {
        base = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: max(alignment, 16))
        base.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
    }

    deinit { base.deallocate() }
}
