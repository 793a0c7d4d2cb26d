import Foundation

/// A classifier's labels by output index, from config.json's `id2label` ({"0": "benign",
/// "1": "toxic"}), checked against `num_labels` and `label2id` when those are given. Without
/// `id2label` they are transformers' defaults, LABEL_0 … LABEL_{n−1} for `num_labels` (2
/// when absent).
public struct ClassLabels: Sendable, Equatable {
    public let names: [String]
    /// The config.json they came from, for errors.
    public let path: String

    public init(names: [String], path: String) {
        self.names = names
        self.path = path
    }

    public var count: Int { names.count }

    init(_ config: HuggingFaceConfig) throws {
        func refuse(_ key: String, _ detail: String) -> EngineError { .configKey(path: config.path, key: key, detail: detail) }
        let declared = try config.int("num_labels")
        if let declared, declared < 1 { throw refuse("num_labels", "is \(declared); a classifier needs at least one label") }
        var names: [String]
        if let raw = config.value("id2label") {
            guard let map = raw as? [String: Any], !map.isEmpty else {
                throw refuse("id2label", "is \(raw), not an object of label indices (\"0\", \"1\", …) to label names")
            }
            var byIndex: [Int: String] = [:]
            for (key, value) in map {
                guard let index = Int(key), String(index) == key, index >= 0 else {
                    throw refuse("id2label", "has the key \(key.debugDescription), which is not a label index (\"0\", \"1\", …)")
                }
                guard let name = value as? String, !name.isEmpty else {
                    throw refuse("id2label", "gives label \(index) the name \(value), not a non-empty string")
                }
                byIndex[index] = name
            }
            if let gap = (0..<byIndex.count).first(where: { byIndex[$0] == nil }) {
                throw refuse(
                    "id2label", "has no label \(gap) but has \(byIndex.count) labels; its keys must be \"0\" to \"\(byIndex.count - 1)\"")
            }
            names = (0..<byIndex.count).map { byIndex[$0]! }
            if let declared, declared != names.count {
                throw refuse("num_labels", "is \(declared) but 'id2label' names \(names.count) labels")
            }
        } else {
            names = (0..<(declared ?? 2)).map { "LABEL_\($0)" }
        }
        var seen: Set<String> = []
        for name in names where !seen.insert(name).inserted {
            throw refuse("id2label", "names the label \(name.debugDescription) twice, so it cannot be looked up by name")
        }
        if let raw = config.value("label2id") {
            guard let map = raw as? [String: Any] else { throw refuse("label2id", "is \(raw), not an object of label names to indices") }
            let inverse = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.element, $0.offset) })
            let agrees =
                map.count == names.count
                && map.allSatisfy { name, index in (index as? NSNumber).map { inverse[name] == $0.intValue } ?? false }
            guard agrees else {
                throw refuse(
                    "label2id",
                    "is not the inverse of 'id2label' (\(names.enumerated().map { "\($0.offset): \($0.element)" }.joined(separator: ", "))); make it so or delete it"
                )
            }
        }
        self.init(names: names, path: config.path)
    }

    /// The output index of `label`, or an error listing the labels there are.
    public func index(of label: String) throws -> Int {
        guard let index = names.firstIndex(of: label) else {
            throw EngineError.configKey(
                path: path, key: "id2label",
                detail: "has no label \(label.debugDescription) (its labels: \(names.joined(separator: ", "))); name one of these")
        }
        return index
    }
}
