/// Errors of the harness: one sentence naming the flag, file or field at fault and the fix.
public enum HarnessError: Error, CustomStringConvertible, Equatable {
    case unknownName(kind: String, flag: String, given: String, valid: [String])
    case invalidInput(String)
    case resultsConflict(path: String, detail: String)
    case fileSystem(path: String, detail: String)

    public var description: String {
        switch self {
        case let .unknownName(kind, flag, given, valid) where valid.count > 12:
            // Tasks number in the dozens (MMLU's subjects, XCOPA's languages): suggest, don't list.
            let guess = closestName(to: given, among: valid).map { "did you mean \($0)? " } ?? ""
            return "\(flag): unknown \(kind) '\(given)'; \(guess)`sadi-eval tasks` lists all \(valid.count)."
        case let .unknownName(kind, flag, given, valid):
            return "\(flag): unknown \(kind) '\(given)'; valid \(kind)s are: \(valid.joined(separator: ", "))."
        case let .invalidInput(message):
            return message.hasSuffix(".") ? message : message + "."
        case let .resultsConflict(path, detail):
            return "\(path) \(detail); delete it to start over, or choose another --output-dir."
        case let .fileSystem(path, detail):
            return "cannot write \(path): \(detail); check that the folder is writable."
        }
    }
}
