import Foundation

/// The commit of the checkout the tool was built from, for results files: read from the
/// `.git` folder above the executable, without running git. Handles loose and packed refs, a
/// detached HEAD and worktrees (`.git` as a file).
///
/// A binary copied out of its checkout records "unknown". The working directory is no
/// evidence: a copied binary run inside some other checkout recorded that checkout's commit,
/// a revision it was not built from.
enum SourceRevision {
    static let unknown = "unknown"

    static let current: String = {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let start =
            FileManager.default.fileExists(atPath: executable.path) && executable.path != "/proc/self/exe"
            ? executable : URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        return commit(above: start.deletingLastPathComponent()).map { String($0.prefix(12)) } ?? unknown
    }()

    static func commit(above start: URL) -> String? {
        var directory = start
        for _ in 0..<8 {
            let dotGit = directory.appendingPathComponent(".git")
            if let gitDirectory = gitDirectory(dotGit) { return resolveHEAD(in: gitDirectory) }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    private static func read(_ url: URL) -> String? {
        (try? String(contentsOf: url, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The git directory `.git` names: itself, or the `gitdir:` a worktree's file points at.
    private static func gitDirectory(_ dotGit: URL) -> URL? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit.path, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue { return dotGit }
        guard let text = read(dotGit), text.hasPrefix("gitdir:") else { return nil }
        let path = text.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespaces)
        return path.hasPrefix("/") ? URL(fileURLWithPath: path) : dotGit.deletingLastPathComponent().appendingPathComponent(path)
    }

    private static func resolveHEAD(in gitDirectory: URL) -> String? {
        guard let head = read(gitDirectory.appendingPathComponent("HEAD")) else { return nil }
        guard head.hasPrefix("ref:") else { return isHash(head) ? head : nil }
        let ref = head.dropFirst("ref:".count).trimmingCharacters(in: .whitespaces)
        // A worktree keeps its HEAD; refs live in the common directory.
        var roots = [gitDirectory]
        if let common = read(gitDirectory.appendingPathComponent("commondir")) {
            roots.append(common.hasPrefix("/") ? URL(fileURLWithPath: common) : gitDirectory.appendingPathComponent(common))
        }
        for root in roots {
            if let hash = read(root.appendingPathComponent(ref)), isHash(hash) { return hash }
            for line in (read(root.appendingPathComponent("packed-refs")) ?? "").split(separator: "\n") {
                let parts = line.split(separator: " ")
                if parts.count == 2, parts[1] == ref, isHash(String(parts[0])) { return String(parts[0]) }
            }
        }
        return nil
    }

    private static func isHash(_ text: String) -> Bool {
        text.count == 40 && text.allSatisfy(\.isHexDigit)
    }
}
