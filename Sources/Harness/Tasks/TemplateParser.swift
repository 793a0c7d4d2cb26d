import Foundation

/// `{{ name }}` placeholders; nothing else in a template is special.
enum TemplateParser {
    struct Syntax: Error { let problem: String }
    struct MissingField: Error { let name: String }

    enum Piece { case text(String), field(String) }

    static func pieces(_ template: String) throws -> [Piece] {
        var pieces: [Piece] = []
        var rest = template[...]
        while let open = rest.range(of: "{{") {
            pieces.append(.text(String(rest[..<open.lowerBound])))
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw Syntax(problem: "has a `{{` without its `}}`")
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard isIdentifier(name) else {
                throw Syntax(problem: "has a placeholder `{{\(rest[open.upperBound ..< close.lowerBound])}}` that is not a field name")
            }
            pieces.append(.field(name))
            rest = rest[close.upperBound...]
        }
        pieces.append(.text(String(rest)))
        return pieces
    }

    static func names(in template: String) throws -> [String] {
        try pieces(template).compactMap { if case let .field(name) = $0 { name } else { nil } }
    }

    static func render(_ template: String, fields: [String: String]) throws -> String {
        try pieces(template).map { piece in
            switch piece {
            case let .text(text): return text
            case let .field(name):
                guard let value = fields[name] else { throw MissingField(name: name) }
                return value
            }
        }.joined()
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return name.unicodeScalars.allSatisfy {
            $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic)
                || ("0"..."9").contains($0)
        }
    }
}
