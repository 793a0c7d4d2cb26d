import Foundation

/// A Hugging Face `config.json`: its keys read with their types checked, so a wrong type is
/// an error naming the file and key rather than a silent default. A key set to JSON null
/// counts as absent, as transformers treats it.
public struct HuggingFaceConfig: @unchecked Sendable {
    public let path: String
    let values: [String: Any]

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EngineError.fileUnreadable(path: path, reason: "a Hugging Face model directory needs its config.json")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data), let values = object as? [String: Any] else {
            throw EngineError.inconsistentCheckpoint(path: path, detail: "it is not a JSON object")
        }
        self.init(path: path, values: values)
    }

    init(path: String, values: [String: Any]) {
        self.path = path
        self.values = values
    }

    /// The keys present, sorted (for `inspect`).
    public var keys: [String] { values.keys.sorted() }

    /// The value of `key` as JSON text (for `inspect`).
    public func text(_ key: String) -> String {
        guard let value = values[key] else { return "" }
        if let string = value as? String { return string.debugDescription }
        guard JSONSerialization.isValidJSONObject([value]),
            let data = try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys]),
            let text = String(data: data, encoding: .utf8)
        else { return "\(value)" }
        return String(text.dropFirst().dropLast())
    }

    func value(_ key: String) -> Any? {
        guard let value = values[key], !(value is NSNull) else { return nil }
        return value
    }

    private func typed<T>(_ key: String, _ what: String) throws -> T? {
        guard let raw = value(key) else { return nil }
        guard let value = raw as? T else {
            throw EngineError.configKey(path: path, key: name(key), detail: "is \(raw), not \(what)")
        }
        return value
    }

    public func int(_ key: String) throws -> Int? {
        guard let raw = value(key) else { return nil }
        // JSONSerialization gives numbers as NSNumber: 64 and 64.0 read as 64, 64.5 does not.
        // (On Linux an NSNumber also casts to Bool, so true and false cannot be told apart here.)
        guard let number = raw as? NSNumber, let value = Int(exactly: number.doubleValue) else {
            throw EngineError.configKey(path: path, key: name(key), detail: "is \(raw), not a whole number")
        }
        return value
    }

    public func double(_ key: String) throws -> Double? {
        guard let raw = value(key) else { return nil }
        guard let number = raw as? NSNumber else {
            throw EngineError.configKey(path: path, key: name(key), detail: "is \(raw), not a number")
        }
        return number.doubleValue
    }

    public func bool(_ key: String) throws -> Bool? { try typed(key, "true or false") }
    public func string(_ key: String) throws -> String? { try typed(key, "a string") }
    public func strings(_ key: String) throws -> [String]? { try typed(key, "a list of strings") }

    /// A nested object (`rope_parameters`, `rope_scaling`), whose keys are named `outer.inner` in errors.
    public func object(_ key: String) throws -> HuggingFaceConfig? {
        guard let values: [String: Any] = try typed(key, "an object") else { return nil }
        return HuggingFaceConfig(path: path, values: values).prefixed(key)
    }

    private var prefix = ""
    private func prefixed(_ key: String) -> HuggingFaceConfig {
        var copy = self
        copy.prefix = prefix + key + "."
        return copy
    }

    /// The key as errors name it (`rope_parameters.rope_type`).
    public func name(_ key: String) -> String { prefix + key }

    /// A required key's value, or an error naming the key.
    public func require<T>(_ value: T?, _ key: String) throws -> T {
        guard let value else { throw EngineError.configKey(path: path, key: name(key), detail: "is missing; the engine needs it") }
        return value
    }
}
