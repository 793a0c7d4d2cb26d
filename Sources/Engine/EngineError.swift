/// Errors the engine reports. Each description is one sentence naming the file, key or
/// tensor at fault and, where there is one, the fix.
public enum EngineError: Error, CustomStringConvertible, Equatable {
    case fileUnreadable(path: String, reason: String)
    case malformedGGUF(path: String, detail: String)
    case malformedSafeTensors(path: String, detail: String)
    case unsupported(path: String, detail: String)
    /// A tensor stored in a type ggml defines but `Dequantization` does not read.
    case unreadableTensorType(path: String, tensor: String, type: GGMLType)
    /// A tensor stored under a type code ggml has retired (`GGMLType.retiredNames`).
    case retiredTensorType(path: String, tensor: String, code: UInt32, name: String)
    case missingTensor(path: String, name: String)
    case badTensorShape(path: String, name: String, expected: [Int], found: [Int])
    case missingMetadata(path: String, key: String)
    /// A Hugging Face `config.json` key the engine cannot honour, or one that is missing or malformed.
    case configKey(path: String, key: String, detail: String)
    /// A Hugging Face checkpoint whose files do not agree: a missing shard, a tensor not
    /// where the index says, a shape other than config.json implies.
    case inconsistentCheckpoint(path: String, detail: String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .fileUnreadable(path, reason):
            return "cannot read model file \(path): \(reason); check the path (run `make setup` to fetch the default model)."
        case let .malformedGGUF(path, detail):
            return "\(path) is not a valid GGUF file: \(detail); the file is truncated or corrupted, download it again."
        case let .malformedSafeTensors(path, detail):
            return "\(path) is not a valid safetensors file: \(detail); the file is truncated or corrupted, download it again."
        case let .unsupported(path, detail):
            return "\(path): \(detail)."
        case let .unreadableTensorType(path, tensor, type):
            return
                "\(path): tensor '\(tensor)' is \(type) (ggml type \(type.rawValue)), which sadi-eval does not read; it reads \(Self.readableTypeList); convert the file with llama-quantize to one of those."
        case let .retiredTensorType(path, tensor, code, name):
            return
                "\(path): tensor '\(tensor)' is \(name) (ggml type \(code)), a layout ggml has removed, so neither llama.cpp nor sadi-eval reads it; quantize the original weights again with llama-quantize to one of \(Self.readableTypeList)."
        case let .missingTensor(path, name):
            return "\(path) has no tensor '\(name)', which this architecture needs; the file is incomplete or of another architecture."
        case let .badTensorShape(path, name, expected, found):
            return "\(path): tensor '\(name)' has shape \(found) but the metadata implies \(expected); the file is inconsistent."
        case let .missingMetadata(path, key):
            return "\(path) lacks the metadata key '\(key)'; the file was not converted for this architecture."
        case let .configKey(path, key, detail):
            return "\(path): key '\(key)' \(detail)."
        case let .inconsistentCheckpoint(path, detail):
            return "\(path): \(detail); the checkpoint is incomplete or its files do not belong together, download it again."
        case let .invalidArgument(message):
            return message
        }
    }

    private static var readableTypeList: String {
        Dequantization.readableTypes.map(\.description).joined(separator: ", ")
    }
}
