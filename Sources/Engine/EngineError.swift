/// Errors the engine reports. Each description is one sentence naming the file, key or
/// tensor at fault and, where there is one, the fix.
public enum EngineError: Error, CustomStringConvertible, Equatable {
    case fileUnreadable(path: String, reason: String)
    case malformedGGUF(path: String, detail: String)
    case malformedSafeTensors(path: String, detail: String)
    case unsupported(path: String, detail: String)
    case missingTensor(path: String, name: String)
    case badTensorShape(path: String, name: String, expected: [Int], found: [Int])
    case missingMetadata(path: String, key: String)
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
        case let .missingTensor(path, name):
            return "\(path) has no tensor '\(name)', which this architecture needs; the file is incomplete or of another architecture."
        case let .badTensorShape(path, name, expected, found):
            return "\(path): tensor '\(name)' has shape \(found) but the metadata implies \(expected); the file is inconsistent."
        case let .missingMetadata(path, key):
            return "\(path) lacks the metadata key '\(key)'; the file was not converted for this architecture."
        case let .invalidArgument(message):
            return message
        }
    }
}
