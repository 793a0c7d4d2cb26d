import Foundation
import Yams

// Checks `sadi-eval lint-cards` adds to loading: things a valid card may hold but should not
// be run with.
extension TaskCard {
    /// The sha256 `swift package new-task` writes until the user fills in the real one.
    public static let placeholderSHA256 = String(repeating: "0", count: 64)

    /// Every sha256 of the card (its files', their archives', its variants') that is still the
    /// placeholder, each as an error at its field and line.
    public func placeholderProblems() -> [TaskCardError] {
        var paths: [[CardPathComponent]] = []
        func visit(_ files: [String: DataFile], at base: [CardPathComponent]) {
            for (key, file) in files.sorted(by: { $0.key < $1.key }) {
                let at = base + [.key(key)]
                if file.sha256 == Self.placeholderSHA256 { paths.append(at + [.key("sha256")]) }
                if file.archive?.sha256 == Self.placeholderSHA256 { paths.append(at + [.key("archive"), .key("sha256")]) }
            }
        }
        visit(files, at: [.key("files")])
        for (index, variant) in variants.enumerated() {
            visit(variant.files, at: [.key("variants"), .index(index), .key("files")])
            for (key, digest) in variant.sha256.sorted(by: { $0.key < $1.key }) where digest == Self.placeholderSHA256 {
                paths.append([.key("variants"), .index(index), .key("sha256"), .key(key)])
            }
        }
        guard !paths.isEmpty else { return [] }
        let root = source.flatMap { FileManager.default.contents(atPath: $0) }
            .flatMap { String(data: $0, encoding: .utf8) }.flatMap { try? Yams.compose(yaml: $0) }
        return paths.map { path in
            TaskCardError(
                file: source ?? task, line: TaskCardError.line(of: path, in: root),
                field: CardPathComponent.render(path), problem: "is a placeholder (64 zeros)",
                fix: "fill in the real sha256 of the data file (`sha256sum FILE`)")
        }
    }
}
