import Foundation

// Every keyed type rejects keys it does not know, so a misspelt optional field is an
// error instead of a silently ignored line.
extension TaskCard {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case task, outputType = "output_type", files, splits, prompts, metrics, official, generation, variants, groups
        case fewshot
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
        task = try container.decode(String.self, forKey: .task)
        outputType = try container.decode(OutputType.self, forKey: .outputType)
        files = try container.decode([String: FileEntry].self, forKey: .files).mapValues(\.dataFile)
        splits = try container.decode([Split].self, forKey: .splits)
        prompts = try container.decode([Prompt].self, forKey: .prompts)
        metrics = try container.decode([MetricSpec].self, forKey: .metrics)
        official = try container.decodeIfPresent(OfficialProtocol.self, forKey: .official)
        generation = try container.decodeIfPresent(GenerationEntry.self, forKey: .generation)
        variants = try container.decodeIfPresent([Variant].self, forKey: .variants) ?? []
        groups = try container.decodeIfPresent([String: [String]].self, forKey: .groups) ?? [:]
        fewshot = try container.decodeIfPresent(FewShotEntry.self, forKey: .fewshot)
        source = nil
    }
}

extension TaskCard.FewShotEntry {
    enum CodingKeys: String, CodingKey, CaseIterable { case split, sampler, seed, delimiter, extraDraw = "extra_draw" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
        split = try container.decode(String.self, forKey: .split)
        sampler = try container.decodeIfPresent(Sampler.self, forKey: .sampler) ?? .random
        seed = try container.decodeIfPresent(UInt64.self, forKey: .seed) ?? 1234
        delimiter = try container.decodeIfPresent(String.self, forKey: .delimiter) ?? "\n\n"
        extraDraw = try container.decodeIfPresent(Bool.self, forKey: .extraDraw) ?? false
    }
}

extension TaskCard.FewShotEntry.Sampler {
    public init(from decoder: any Decoder) throws { self = try decodeCardEnum(decoder, what: "few-shot sampler") }
}

extension TaskCard.OutputType {
    public init(from decoder: any Decoder) throws { self = try decodeCardEnum(decoder, what: "output type") }
}

extension TaskCard.Role {
    public init(from decoder: any Decoder) throws { self = try decodeCardEnum(decoder, what: "role") }
}

extension TaskCard.Prompt.TrailingWhitespace {
    public init(from decoder: any Decoder) throws { self = try decodeCardEnum(decoder, what: "trailing_whitespace value") }
}

extension TaskCard.OfficialProtocol {
    enum CodingKeys: String, CodingKey, CaseIterable { case prompt, metrics, fitPrompt = "fit_prompt" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
        prompt = try container.decode(String.self, forKey: .prompt)
        metrics = try container.decode([MetricSpec].self, forKey: .metrics)
        fitPrompt = try container.decodeIfPresent(FitPrompt.self, forKey: .fitPrompt)
    }
}

extension FitPrompt {
    public init(from decoder: any Decoder) throws { self = try decodeCardEnum(decoder, what: "fit prompt") }
}

extension TaskCard.GenerationEntry {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case until, maxTokens = "max_tokens", temperature, topP = "top_p", seed, fluencyGuard = "fluency_guard"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
        until = try container.decodeIfPresent([String].self, forKey: .until) ?? []
        maxTokens = try container.decode(Int.self, forKey: .maxTokens)
        temperature = try container.decodeIfPresent(Double.self, forKey: .temperature)
        topP = try container.decodeIfPresent(Double.self, forKey: .topP)
        seed = try container.decodeIfPresent(UInt64.self, forKey: .seed)
        fluencyGuard = try container.decodeIfPresent(Bool.self, forKey: .fluencyGuard)
    }
}

extension TaskCard.Variant {
    enum CodingKeys: String, CodingKey, CaseIterable { case name, parameters, files, sha256 }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        parameters = try container.decodeIfPresent([String: String].self, forKey: .parameters) ?? [:]
        files = try container.decodeIfPresent([String: FileEntry].self, forKey: .files)?.mapValues(\.dataFile) ?? [:]
        if container.contains(.sha256) {
            let inner = try container.nestedContainer(keyedBy: AnyKey.self, forKey: .sha256)
            var digests: [String: String] = [:]
            for key in inner.allKeys { digests[key.stringValue] = try inner.decodeSHA256(forKey: key) }
            sha256 = digests
        } else {
            sha256 = [:]
        }
    }
}

extension TaskCard.Split {
    enum CodingKeys: String, CodingKey, CaseIterable { case name, role, file, subset, overlaps }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        role = try container.decode(TaskCard.Role.self, forKey: .role)
        file = try container.decode(String.self, forKey: .file)
        subset = try container.decodeIfPresent(TaskCard.Subset.self, forKey: .subset)
        overlaps = try container.decodeIfPresent(Bool.self, forKey: .overlaps) ?? false
    }
}

extension TaskCard.Subset {
    enum CodingKeys: String, CodingKey, CaseIterable { case seed, start, count }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
        seed = try container.decode(UInt64.self, forKey: .seed)
        start = try container.decode(Int.self, forKey: .start)
        count = try container.decode(Int.self, forKey: .count)
    }
}

extension TaskCard.Prompt {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, docToText = "doc_to_text", docToChoice = "doc_to_choice", targetDelimiter = "target_delimiter"
        case trailingWhitespace = "trailing_whitespace", description, docToTarget = "doc_to_target"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        docToText = try container.decode(String.self, forKey: .docToText)
        // A list of templates, or one placeholder naming a list field of the document.
        if !container.contains(.docToChoice) {
            docToChoice = []
            choiceList = nil
        } else if let list = try? container.decode([String].self, forKey: .docToChoice) {
            docToChoice = list
            choiceList = nil
        } else {
            let template = try container.decode(String.self, forKey: .docToChoice)
            let pieces = try? TemplateParser.pieces(template)
            guard let pieces, pieces.count == 3, case .text("") = pieces[0], case let .field(name) = pieces[1], case .text("") = pieces[2]
            else {
                throw CardFieldError(
                    codingPath: container.codingPath + [CodingKeys.docToChoice],
                    problem: "is the text `\(template)`, neither a list of choice templates nor one `{{list_field}}`",
                    fix: "write [\"{{choice1}}\", \"{{choice2}}\"], or \"{{name}}\" for a field that holds the document's list of choices")
            }
            docToChoice = []
            choiceList = name
        }
        targetDelimiter = try container.decodeIfPresent(String.self, forKey: .targetDelimiter) ?? " "
        trailingWhitespace = try container.decodeIfPresent(TrailingWhitespace.self, forKey: .trailingWhitespace) ?? .continuation
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
        docToTarget = try container.decodeIfPresent(String.self, forKey: .docToTarget)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(docToText, forKey: .docToText)
        if let choiceList {
            try container.encode("{{" + choiceList + "}}", forKey: .docToChoice)
        } else {
            try container.encode(docToChoice, forKey: .docToChoice)
        }
        try container.encode(targetDelimiter, forKey: .targetDelimiter)
        try container.encode(trailingWhitespace, forKey: .trailingWhitespace)
        try container.encode(description, forKey: .description)
        try container.encodeIfPresent(docToTarget, forKey: .docToTarget)
    }
}

/// The card's spelling of a `DataFile`; `DataFile`'s own decoding is lenient about keys.
struct FileEntry: Decodable {
    let dataFile: DataFile

    enum CodingKeys: String, CodingKey, CaseIterable { case path, url, sha256, archive }
    enum ArchiveKeys: String, CodingKey, CaseIterable { case member, sha256 }

    init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
        var archive: ArchiveMember?
        if container.contains(.archive) {
            let archiveDecoder = try container.superDecoder(forKey: .archive)
            let inner = try archiveDecoder.strictContainer(keyedBy: ArchiveKeys.self)
            archive = ArchiveMember(
                member: try inner.decode(String.self, forKey: .member),
                sha256: try inner.decodeSHA256(forKey: .sha256))
        }
        let path = try container.decode(String.self, forKey: .path)
        // A path naming a variant parameter gets its sha256 from each variant's `sha256`
        // (an encoded card spells the missing one as "").
        let given = try container.decodeIfPresent(String.self, forKey: .sha256) ?? ""
        let perVariant = path.contains("{{") && given.isEmpty
        dataFile = DataFile(
            path: path, url: try container.decode(String.self, forKey: .url),
            sha256: perVariant ? "" : try container.decodeSHA256(forKey: .sha256), archive: archive)
    }
}

private struct AnyKey: CodingKey {
    let stringValue: String
    let intValue: Int?
    init(stringValue: String) {
        self.stringValue = stringValue
        intValue = nil
    }
    init?(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

extension Decoder {
    fileprivate func strictContainer<Key: CodingKey & CaseIterable>(keyedBy type: Key.Type) throws
        -> KeyedDecodingContainer<Key>
    {
        let known = Key.allCases.map(\.stringValue)
        for key in try container(keyedBy: AnyKey.self).allKeys where !known.contains(key.stringValue) {
            let fix =
                closestName(to: key.stringValue, among: known).map { "did you mean `\($0)`" }
                ?? "the keys here are \(known.joined(separator: ", "))"
            throw CardFieldError(codingPath: codingPath + [key], problem: "is not a known key", fix: fix)
        }
        return try container(keyedBy: Key.self)
    }
}

extension KeyedDecodingContainer {
    fileprivate func decodeSHA256(forKey key: Key) throws -> String {
        let value = try decode(String.self, forKey: key)
        guard value.utf8.count == 64, value.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
        else {
            throw CardFieldError(
                codingPath: codingPath + [key],
                problem: "is `\(value)`, not a sha256 (64 lower-case hex digits)",
                fix: "paste the output of `sha256sum` for the file")
        }
        return value
    }
}

private func decodeCardEnum<Value: RawRepresentable & CaseIterable>(_ decoder: any Decoder, what: String) throws
    -> Value where Value.RawValue == String
{
    let raw = try decoder.singleValueContainer().decode(String.self)
    guard let value = Value(rawValue: raw) else {
        let known = Value.allCases.map(\.rawValue)
        throw CardFieldError(
            codingPath: decoder.codingPath, problem: "is `\(raw)`, not a known \(what)",
            fix: "use one of \(known.joined(separator: ", "))")
    }
    return value
}
