/// One file a task needs: where it lives upstream, where it sits in a mirror (the same
/// relative paths as ../shared/datasets), and the sha256 its bytes must have.
public struct DataFile: Sendable, Hashable, Codable {
    /// Path relative to a mirror's base and to the cache, e.g. `copa/copa-dev.xml`.
    public let path: String
    /// Canonical upstream URL (of the archive, when `archive` is set).
    public let url: String
    /// Lower-case hex sha256 of the file's own bytes.
    public let sha256: String
    /// Set when upstream ships the file inside an archive (COPA's .tgz): the member to
    /// extract and the archive's own sha256. A mirror holds the extracted file at `path`.
    public let archive: ArchiveMember?

    public init(path: String, url: String, sha256: String, archive: ArchiveMember? = nil) {
        self.path = path
        self.url = url
        self.sha256 = sha256
        self.archive = archive
    }
}

public struct ArchiveMember: Sendable, Hashable, Codable {
    /// Path of the file inside the archive, e.g. `COPA-resources/datasets/copa-dev.xml`.
    public let member: String
    public let sha256: String

    public init(member: String, sha256: String) {
        self.member = member
        self.sha256 = sha256
    }
}

extension DataFile {
    /// The file for one variant: `{{parameter}}` in its path, URL and archive member filled
    /// from `parameters`, and its sha256 replaced when `sha256` is given.
    public func filling(_ parameters: [String: String], sha256 digest: String?) -> DataFile {
        func fill(_ text: String) -> String {
            guard text.contains("{{") else { return text }
            var result = text
            for (name, value) in parameters { result = result.replacingOccurrences(of: "{{\(name)}}", with: value) }
            return result
        }
        return DataFile(
            path: fill(path), url: fill(url), sha256: digest ?? sha256,
            archive: archive.map { ArchiveMember(member: fill($0.member), sha256: $0.sha256) })
    }

    /// The `{{name}}` placeholders of its path, URL and archive member.
    public var parameterNames: Set<String> {
        var names = Set<String>()
        for text in [path, url, archive?.member ?? ""] {
            var rest = text[...]
            while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
                names.insert(rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces))
                rest = rest[close.upperBound...]
            }
        }
        return names
    }
}
