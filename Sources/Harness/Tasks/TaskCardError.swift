import Foundation
import Yams

/// Why a task card could not be used: one sentence naming the card file (and the line,
/// when the YAML says where), the field at fault and what would fix it.
public struct TaskCardError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The card's path as it was given to the loader.
    public let file: String
    /// 1-based line in the card, when the field (or its nearest parent) could be located.
    public let line: Int?
    /// Dotted path of the field at fault, e.g. `splits[1].role`; empty for the whole file.
    public let field: String
    public let problem: String
    public let fix: String

    public init(file: String, line: Int?, field: String, problem: String, fix: String) {
        self.file = file
        self.line = line
        self.field = field
        self.problem = problem
        self.fix = fix
    }

    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        let subject = field.isEmpty ? "" : " field `\(field)`"
        return "task card \(place):\(subject) \(problem); \(fix)."
    }

    public var errorDescription: String? { description }
}

/// A card problem found while decoding or validating, before the file name is known; the
/// loader turns it into a `TaskCardError` with the file and the line of `path`.
struct CardFieldError: Error {
    let path: [CardPathComponent]
    let problem: String
    let fix: String

    init(path: [CardPathComponent], problem: String, fix: String) {
        self.path = path
        self.problem = problem
        self.fix = fix
    }

    init(codingPath: [any CodingKey], problem: String, fix: String) {
        self.init(path: codingPath.map(CardPathComponent.init), problem: problem, fix: fix)
    }
}

enum CardPathComponent: Equatable, Sendable {
    case key(String)
    case index(Int)

    init(_ key: any CodingKey) {
        // Yams names sequence elements by integer keys; a mapping key that happens to be
        // numeric still arrives with a string value only.
        if let index = key.intValue { self = .index(index) } else { self = .key(key.stringValue) }
    }

    static func render(_ path: [CardPathComponent]) -> String {
        var out = ""
        for component in path {
            switch component {
            case let .key(name): out += out.isEmpty ? name : "." + name
            case let .index(index): out += "[\(index)]"
            }
        }
        return out
    }
}

extension TaskCardError {
    /// Wraps anything thrown while composing, decoding or validating the card at `file`.
    static func wrapping(_ error: any Error, file: String, root: Node?) -> TaskCardError {
        switch error {
        case let error as TaskCardError:
            return error
        case let error as CardFieldError:
            return TaskCardError(
                file: file, line: line(of: error.path, in: root),
                field: CardPathComponent.render(error.path),
                problem: error.problem, fix: error.fix)
        case let error as DecodingError:
            return wrapping(decoding: error, file: file, root: root)
        case let error as YamlError:
            return wrapping(yaml: error, file: file)
        default:
            return TaskCardError(
                file: file, line: nil, field: "", problem: "\(error)",
                fix: "compare it with tasks/copa.yaml, whose header documents every field")
        }
    }

    private static func wrapping(decoding error: DecodingError, file: String, root: Node?) -> TaskCardError {
        let path: [CardPathComponent]
        let problem: String
        let fix: String
        switch error {
        case let .keyNotFound(key, context):
            path = context.codingPath.map(CardPathComponent.init) + [CardPathComponent(key)]
            problem = "is missing"
            fix = "add `\(key.stringValue):` (every field is described at the top of tasks/copa.yaml)"
        case let .typeMismatch(type, context):
            path = context.codingPath.map(CardPathComponent.init)
            problem = "is not \(describe(type))"
            fix = "write it as \(describe(type)), as tasks/copa.yaml does"
        case let .valueNotFound(type, context):
            path = context.codingPath.map(CardPathComponent.init)
            problem = "is empty"
            fix = "give it \(describe(type))"
        case let .dataCorrupted(context):
            path = context.codingPath.map(CardPathComponent.init)
            problem = "cannot be read (\(context.debugDescription))"
            fix = "write it as tasks/copa.yaml does"
        @unknown default:
            path = []
            problem = "\(error)"
            fix = "write it as tasks/copa.yaml does"
        }
        return TaskCardError(
            file: file, line: line(of: path, in: root),
            field: CardPathComponent.render(path), problem: problem, fix: fix)
    }

    private static func wrapping(yaml error: YamlError, file: String) -> TaskCardError {
        switch error {
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.map { "`\($0)`" }.joined(separator: ", ")
            return TaskCardError(
                file: file, line: context.mark.line, field: duplicates.first ?? "",
                problem: "appears more than once in the same mapping (duplicate key \(keys))",
                fix: "keep one of them")
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _),
            let .composer(_, problem, mark, _):
            return TaskCardError(
                file: file, line: mark.line, field: "",
                problem: "is not valid YAML (\(problem) at column \(mark.column))",
                fix: "fix the YAML syntax there")
        default:
            return TaskCardError(
                file: file, line: nil, field: "", problem: "is not valid YAML (\(error))",
                fix: "fix the YAML syntax")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type: return "a whole number"
        case is UInt64.Type: return "a whole number from 0 to 2^64-1"
        default:
            // Yams reports the YAML node kind it expected (Node.Sequence, Node.Mapping).
            let name = "\(type)"
            if name.hasPrefix("Array<") || name.hasSuffix("Sequence") { return "a list" }
            if name.hasPrefix("Dictionary<") || name.hasSuffix("Mapping") || name.hasPrefix("KeyedDecodingContainer") {
                return "a mapping"
            }
            if name.hasSuffix("Scalar") { return "a single value" }
            return "a value of type \(name)"
        }
    }

    /// The line of the deepest node on `path` that exists in the composed card. For a
    /// mapping key, the key's own line, so an unknown or misspelt key is pointed at.
    static func line(of path: [CardPathComponent], in root: Node?) -> Int? {
        guard var node = root else { return nil }
        var line = node.mark?.line
        for component in path {
            switch (component, node) {
            case let (.key(name), .mapping(mapping)):
                guard let pair = mapping.first(where: { $0.key.string == name }) else { return line }
                line = pair.key.mark?.line ?? line
                node = pair.value
            case let (.index(index), .sequence(sequence)):
                guard sequence.indices.contains(index) else { return line }
                node = sequence[index]
                line = node.mark?.line ?? line
            default:
                return line
            }
        }
        return line
    }
}

/// Edit distance, so a misspelt key can be answered with the key that was meant.
func closestName(to name: String, among candidates: [String]) -> String? {
    func distance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, ca) in a.enumerated() {
            var current = [i + 1]
            for (j, cb) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
    let scored = candidates.map { ($0, distance(Array(name.lowercased()), Array($0))) }
    guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, name.count / 3) else { return nil }
    return best.0
}

// MARK: - Validation

// The rules a decoded card must also meet; each failure is one `CardFieldError` at the
// field to change.
extension TaskCard {
    func validate() throws {
        try Self.checkName(task, at: [.key("task")], what: "task name")
        try validateFiles()
        try validateSplits()
        try validatePrompts()
        try validateMetrics(metrics, at: [.key("metrics")])
        try validateProtocolsAndGeneration()
        try validateVariants()
        try validateFewShot()
    }

    private func validateFewShot() throws {
        guard let fewshot else { return }
        guard splits.contains(where: { $0.name == fewshot.split }) else {
            throw CardFieldError(
                path: [.key("fewshot"), .key("split")], problem: "is `\(fewshot.split)`, which `splits` does not name",
                fix: "use one of \(splits.map(\.name).joined(separator: ", "))")
        }
    }

    private func validateMetrics(_ specs: [MetricSpec], at path: [CardPathComponent]) throws {
        try Self.checkNonEmptyAndUnique(specs.map(\.name), at: path, what: "metric")
        for (index, spec) in specs.enumerated() {
            if let (problem, fix) = ScorerRegistry.standard.problem(with: spec, outputType: outputType) {
                throw CardFieldError(path: path + [.index(index)], problem: problem, fix: fix)
            }
        }
    }

    private func validateProtocolsAndGeneration() throws {
        if let official {
            guard prompts.contains(where: { $0.name == official.prompt }) else {
                throw CardFieldError(
                    path: [.key("official"), .key("prompt")], problem: "is `\(official.prompt)`, which `prompts` does not name",
                    fix: "use one of \(prompts.map(\.name).joined(separator: ", "))")
            }
            try validateMetrics(official.metrics, at: [.key("official"), .key("metrics")])
        }
        switch (outputType, generation) {
        case (.generateUntil, nil):
            throw CardFieldError(
                path: [.key("generation")], problem: "is missing",
                fix: "a generate_until task needs `generation: {until: [\"\\n\"], max_tokens: 32}`")
        case (.multipleChoice, .some):
            throw CardFieldError(
                path: [.key("generation")], problem: "is given for a multiple_choice task, which generates nothing",
                fix: "drop it, or set output_type: generate_until")
        case let (.generateUntil, .some(generation)):
            if generation.maxTokens < 1 {
                throw CardFieldError(
                    path: [.key("generation"), .key("max_tokens")], problem: "is \(generation.maxTokens)",
                    fix: "generate at least 1 token")
            }
            if let t = generation.temperature, !(t.isFinite && t >= 0) {
                throw CardFieldError(
                    path: [.key("generation"), .key("temperature")], problem: "is \(t)",
                    fix: "use 0 (greedy) or a positive temperature")
            }
            if let p = generation.topP, !(p > 0 && p <= 1) {
                throw CardFieldError(path: [.key("generation"), .key("top_p")], problem: "is \(p)", fix: "use a value in (0, 1]")
            }
            if generation.until.contains("") {
                throw CardFieldError(
                    path: [.key("generation"), .key("until")], problem: "contains an empty stop string",
                    fix: "drop it (an empty string would stop before the first token)")
            }
        case (.multipleChoice, nil):
            break
        }
    }

    private func validateVariants() throws {
        for (index, variant) in variants.enumerated() {
            let at: [CardPathComponent] = [.key("variants"), .index(index)]
            try Self.checkName(variant.name, at: at + [.key("name")], what: "variant name")
            if variant.name == task || variants[..<index].contains(where: { $0.name == variant.name }) {
                throw CardFieldError(
                    path: at + [.key("name")], problem: "repeats the name `\(variant.name)`",
                    fix: "give every variant its own name, other than the card's task")
            }
            for key in variant.files.keys.sorted() where files[key] == nil {
                throw CardFieldError(
                    path: at + [.key("files"), .key(key)], problem: "replaces a file the card does not list",
                    fix: "use one of \(files.keys.sorted().joined(separator: ", "))")
            }
            for key in variant.sha256.keys.sorted() where files[key] == nil || variant.files[key] != nil {
                throw CardFieldError(
                    path: at + [.key("sha256"), .key(key)],
                    problem: files[key] == nil ? "names a file the card does not list" : "is given for a file the variant replaces",
                    fix: "give the sha256 of card files whose paths name a parameter")
            }
            for (key, file) in files.sorted(by: { $0.key < $1.key }) where variant.files[key] == nil {
                for name in file.parameterNames.sorted() where variant.parameters[name] == nil {
                    throw CardFieldError(
                        path: at + [.key("parameters")], problem: "has no `\(name)`, which file `\(key)` names",
                        fix: "add `\(name): …` to its parameters")
                }
                if file.sha256.isEmpty && variant.sha256[key] == nil {
                    throw CardFieldError(
                        path: at + [.key("sha256")], problem: "has no sha256 for file `\(key)`",
                        fix: "add `\(key): <sha256 of its file>`")
                }
            }
        }
        for (key, file) in files.sorted(by: { $0.key < $1.key }) where variants.isEmpty && !file.parameterNames.isEmpty {
            throw CardFieldError(
                path: [.key("files"), .key(key)],
                problem: "names parameters (\(file.parameterNames.sorted().joined(separator: ", "))) but the card has no variants",
                fix: "declare variants with those parameters, or write the path out")
        }
        for (name, members) in groups.sorted(by: { $0.key < $1.key }) {
            try Self.checkName(name, at: [.key("groups"), .key(name)], what: "group name")
            if members.isEmpty {
                throw CardFieldError(path: [.key("groups"), .key(name)], problem: "is empty", fix: "list the variants it holds")
            }
        }
    }

    private func validateFiles() throws {
        guard !files.isEmpty else {
            throw CardFieldError(path: [.key("files")], problem: "is empty", fix: "name at least one data file")
        }
        for (name, file) in files.sorted(by: { $0.key < $1.key }) {
            let at: [CardPathComponent] = [.key("files"), .key(name)]
            let components = file.path.split(separator: "/", omittingEmptySubsequences: false)
            if file.path.isEmpty || file.path.hasPrefix("/") || components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
                throw CardFieldError(
                    path: at + [.key("path")], problem: "is `\(file.path)`, not a plain relative path",
                    fix: "give the path under the data mirror, e.g. copa/copa-dev.xml")
            }
            guard let url = URL(string: file.url), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw CardFieldError(
                    path: at + [.key("url")], problem: "is `\(file.url)`, not an http(s) URL",
                    fix: "give the canonical upstream URL (mirrors are chosen at run time)")
            }
            if let archive = file.archive, archive.member.isEmpty || archive.member.hasPrefix("/") {
                throw CardFieldError(
                    path: at + [.key("archive"), .key("member")], problem: "is not a relative path",
                    fix: "give the member's path inside the archive")
            }
        }
    }

    private func validateSplits() throws {
        guard !splits.isEmpty else {
            throw CardFieldError(path: [.key("splits")], problem: "is empty", fix: "declare at least a test split")
        }
        for (index, split) in splits.enumerated() {
            let at: [CardPathComponent] = [.key("splits"), .index(index)]
            try Self.checkName(split.name, at: at + [.key("name")], what: "split name")
            if let first = splits.firstIndex(where: { $0.name == split.name }), first < index {
                throw CardFieldError(
                    path: at + [.key("name")], problem: "repeats split `\(split.name)` (splits[\(first)])",
                    fix: "give every split its own name")
            }
            guard files[split.file] != nil else {
                throw CardFieldError(
                    path: at + [.key("file")], problem: "is `\(split.file)`, which `files` does not name",
                    fix: "use one of \(files.keys.sorted().joined(separator: ", "))")
            }
            if let subset = split.subset, subset.start < 0 || subset.count < 1 || subset.count > Int.max - subset.start {
                throw CardFieldError(
                    path: at + [.key("subset")], problem: "has start \(subset.start) and count \(subset.count)",
                    fix: "use start >= 0 and count >= 1, within the file's number of documents")
            }
            for earlier in splits[..<index]
            where earlier.file == split.file && !earlier.overlaps && !split.overlaps && earlier.role != .fewshot
                && split.role != .fewshot
            {
                try checkDisjoint(earlier, split, at: at)
            }
        }
    }

    /// Two splits of one file could share documents (test items leaking into the pairs the
    /// intervention is fitted on) unless both are subsets of one shuffle with disjoint ranges.
    private func checkDisjoint(_ earlier: Split, _ split: Split, at: [CardPathComponent]) throws {
        guard let a = earlier.subset, let b = split.subset else {
            throw CardFieldError(
                path: at, problem: "reads file `\(split.file)` as split `\(earlier.name)` does, so they overlap",
                fix: "give both a `subset` with the same seed and disjoint ranges")
        }
        guard a.seed == b.seed else {
            throw CardFieldError(
                path: at + [.key("subset"), .key("seed")],
                problem: "is \(b.seed) but split `\(earlier.name)` of the same file uses seed \(a.seed), so they may overlap",
                fix: "use one seed for all subsets of a file")
        }
        if a.range.overlaps(b.range) {
            throw CardFieldError(
                path: at + [.key("subset")],
                problem:
                    "takes positions \(b.start)..<\(b.start + b.count), overlapping split `\(earlier.name)` (\(a.start)..<\(a.start + a.count))",
                fix: "make the ranges of one file's subsets disjoint")
        }
    }

    private func validatePrompts() throws {
        try Self.checkNonEmptyAndUnique(prompts.map(\.name), at: [.key("prompts")], what: "prompt name")
        for (index, prompt) in prompts.enumerated() {
            let at: [CardPathComponent] = [.key("prompts"), .index(index)]
            try Self.checkName(prompt.name, at: at + [.key("name")], what: "prompt name")
            if outputType == .generateUntil && (!prompt.docToChoice.isEmpty || prompt.choiceList != nil) {
                throw CardFieldError(
                    path: at + [.key("doc_to_choice")], problem: "is given for a generate_until task",
                    fix: "drop it: the model generates its answer")
            }
            if outputType == .generateUntil && prompt.docToTarget != nil {
                throw CardFieldError(
                    path: at + [.key("doc_to_target")], problem: "is given for a generate_until task",
                    fix: "drop it: doc_to_target makes a multiple_choice prompt score one continuation after each choice")
            }
            if outputType == .multipleChoice && prompt.docToChoice.count < 2 && prompt.choiceList == nil {
                throw CardFieldError(
                    path: at + [.key("doc_to_choice")], problem: "has \(prompt.docToChoice.count) choice(s)",
                    fix: "a multiple_choice prompt needs a list of at least two choices, or \"{{name}}\" naming a list field")
            }
            let templates =
                [(at + [.key("doc_to_text")], prompt.docToText), (at + [.key("description")], prompt.description)]
                + (prompt.docToTarget.map { [(at + [.key("doc_to_target")], $0)] } ?? [])
                + prompt.docToChoice.enumerated().map { (at + [.key("doc_to_choice"), .index($0.offset)], $0.element) }
            for (path, template) in templates {
                do { _ = try TemplateParser.pieces(template) } catch let error as TemplateParser.Syntax {
                    throw CardFieldError(path: path, problem: error.problem, fix: "write placeholders as {{field_name}}")
                }
            }
        }
    }

    private static func checkName(_ name: String, at path: [CardPathComponent], what: String) throws {
        let allowed = name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
        guard !name.isEmpty, allowed else {
            throw CardFieldError(
                path: path, problem: "is `\(name)`, not a valid \(what)",
                fix: "use lower-case letters, digits, `_` and `-`")
        }
    }

    private static func checkNonEmptyAndUnique(_ values: [String], at path: [CardPathComponent], what: String) throws {
        guard !values.isEmpty else {
            throw CardFieldError(path: path, problem: "is empty", fix: "list at least one \(what)")
        }
        for (index, value) in values.enumerated() where values[..<index].contains(value) {
            throw CardFieldError(
                path: path + [.index(index)], problem: "repeats \(what) `\(value)`",
                fix: "list each \(what) once")
        }
    }
}
