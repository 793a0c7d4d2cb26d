import Foundation
import PackagePlugin

/// `swift package --allow-writing-to-package-directory new-task NAME --output-type TYPE`:
/// scaffolds a task plugin. For `my_qa` it writes
///   Sources/Tasks/MyQa/MyQaTask.swift        a BenchmarkTask reading a JSON Lines file,
///   Sources/Tasks/MyQa/Registration.swift    its `registeredTasks`,
///   tasks/my_qa.yaml                         a valid card with placeholder url and sha256,
///   Tests/TaskTests/MyQaTaskTests.swift      a test parsing a tiny JSONL file,
/// and adds `.init("MyQa")` to Package.swift's `taskTargets` (target `TaskMyQa`). Everything
/// is checked before anything is written; files are written whole (temp file, rename) and
/// removed again if a later step fails.
@main
struct NewTask: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        // A thrown Refusal is printed by SwiftPM as `error: new-task: ...` and exits non-zero.
        let plan = try Plan(context: context, arguments: arguments)
        try plan.write()
        print(plan.summary)
    }
}

struct Refusal: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = "new-task: " + description }
}

enum OutputType: String, CaseIterable {
    case multipleChoice = "multiple_choice"
    case generateUntil = "generate_until"
}

struct Plan {
    let name: String
    let camel: String
    let outputType: OutputType
    let root: URL
    /// Relative path -> contents, in the order they are written.
    let files: [(path: String, text: String)]
    let packageManifest: String

    var targetName: String { "Task" + camel }
    var typeName: String { camel + "Task" }

    static let usage =
        "usage: swift package --allow-writing-to-package-directory new-task NAME --output-type multiple_choice|generate_until"

    init(context: PluginContext, arguments: [String]) throws {
        var extractor = ArgumentExtractor(arguments)
        let types = extractor.extractOption(named: "output-type")
        let rest = extractor.remainingArguments
        if let flag = rest.first(where: { $0.hasPrefix("-") }) {
            throw Refusal("unknown option \(flag); \(Self.usage)")
        }
        guard rest.count == 1, let name = rest.first else {
            throw Refusal(
                rest.isEmpty
                    ? "give the task's name; \(Self.usage)"
                    : "give one task name, not \(rest.count) (\(rest.joined(separator: " "))); \(Self.usage)")
        }
        guard types.count == 1, let typeName = types.first else {
            throw Refusal(
                types.isEmpty
                    ? "give --output-type multiple_choice or --output-type generate_until; \(Self.usage)"
                    : "give --output-type once, not \(types.count) times")
        }
        guard let outputType = OutputType(rawValue: typeName) else {
            throw Refusal(
                "unknown output type `\(typeName)`; use one of \(OutputType.allCases.map(\.rawValue).joined(separator: ", ")) (multiple_choice: scored by the log-likelihood of each choice; generate_until: generated text compared with accepted answers)"
            )
        }
        try Self.checkName(name)
        self.name = name
        self.outputType = outputType
        camel = name.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        let root = context.package.directoryURL
        self.root = root

        // Nothing that exists may be replaced.
        let targetName = "Task" + camel
        if let clash = context.package.targets.first(where: { $0.name.lowercased() == targetName.lowercased() }) {
            let folder =
                (clash as? SwiftSourceModuleTarget).map {
                    " (" + $0.directoryURL.path.replacingOccurrences(of: root.path + "/", with: "") + ")"
                } ?? ""
            throw Refusal("the package already has a target `\(clash.name)`\(folder); choose another name, or edit that task directly")
        }
        let taskDirectory = "Sources/Tasks/\(camel)"
        let card = "tasks/\(name).yaml"
        let test = "Tests/TaskTests/\(camel)TaskTests.swift"
        for path in [taskDirectory, card, test] where Self.existsIgnoringCase(root.appendingPathComponent(path)) {
            throw Refusal("\(path) already exists, so task `\(name)` (target \(targetName)) would overwrite it; choose another name")
        }

        // Permission: SwiftPM asks for --allow-writing-to-package-directory before the plugin
        // runs; a read-only checkout is refused here, before anything is written.
        for path in ["Package.swift", "Sources", "tasks", "Tests/TaskTests"] {
            let url = root.appendingPathComponent(path)
            guard FileManager.default.isWritableFile(atPath: url.path) else {
                throw Refusal(
                    "cannot write to \(url.path); run `swift package --allow-writing-to-package-directory new-task ...` in a checkout you may write to"
                )
            }
        }

        let manifest = root.appendingPathComponent("Package.swift")
        let text = try String(contentsOf: manifest, encoding: .utf8)
        packageManifest = try Self.addingTaskTarget(camel, to: text)

        let templates = Templates(name: name, camel: camel, outputType: outputType)
        files = [
            ("\(taskDirectory)/\(camel)Task.swift", templates.task),
            ("\(taskDirectory)/Registration.swift", templates.registration),
            (card, templates.card),
            (test, templates.test),
        ]
    }

    /// Lower-case letters, digits and single `_` between words, starting with a letter (the
    /// card's name; the Swift names come from it).
    static func checkName(_ name: String) throws {
        let allowed = name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
        guard allowed, let first = name.unicodeScalars.first, ("a"..."z").contains(first) else {
            throw Refusal("`\(name)` is not a valid task name; use lower-case letters, digits and `_`, starting with a letter (e.g. my_qa)")
        }
        guard !name.hasSuffix("_"), !name.contains("__") else {
            throw Refusal("`\(name)` is not a valid task name; put single `_` between words (e.g. my_qa)")
        }
    }

    static func existsIgnoringCase(_ url: URL) -> Bool {
        if FileManager.default.fileExists(atPath: url.path) { return true }
        let siblings = (try? FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)) ?? []
        return siblings.contains { $0.lowercased() == url.lastPathComponent.lowercased() }
    }

    /// Package.swift with `.init("<camel>"),` as the last entry of `taskTargets`.
    static func addingTaskTarget(_ camel: String, to manifest: String) throws -> String {
        var lines = manifest.components(separatedBy: "\n")
        guard let start = lines.firstIndex(where: { $0.hasPrefix("let taskTargets") && $0.hasSuffix("[") }),
            let end = lines[(start + 1)...].firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "]" })
        else {
            throw Refusal(
                "Package.swift has no `let taskTargets: [TaskTarget] = [` list closed by a line `]`; restore it, or add the target by hand")
        }
        if lines[start..<end].contains(where: { $0.contains("\"\(camel)\"") }) {
            throw Refusal("Package.swift's taskTargets already lists \"\(camel)\"; remove that line or choose another name")
        }
        // The entry before may lack its trailing comma (swift format drops it from a
        // one-element list): add it, or the manifest no longer compiles.
        if let last = lines[(start + 1)..<end].lastIndex(where: {
            let line = $0.trimmingCharacters(in: .whitespaces)
            return !line.isEmpty && !line.hasPrefix("//")
        }),
            !lines[last].trimmingCharacters(in: .whitespaces).hasSuffix(",")
        {
            lines[last] += ","
        }
        lines.insert("    .init(\"\(camel)\"),", at: end)
        return lines.joined(separator: "\n")
    }

    func write() throws {
        let manager = FileManager.default
        var created: [URL] = []
        do {
            for (path, text) in files {
                let url = root.appendingPathComponent(path)
                var directory = url.deletingLastPathComponent()
                var missing: [URL] = []
                while !manager.fileExists(atPath: directory.path) {
                    missing.append(directory)
                    directory.deleteLastPathComponent()
                }
                try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                created += missing.reversed()
                try Self.writeWhole(text, to: url)
                created.append(url)
            }
            try Self.writeWhole(packageManifest, to: root.appendingPathComponent("Package.swift"))
        } catch {
            for url in created.reversed() { try? manager.removeItem(at: url) }
            throw Refusal("could not write the task (\(error)); nothing was kept")
        }
    }

    /// Written to a temporary file beside `url`, then renamed over it.
    static func writeWhole(_ text: String, to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).new-task-\(getpid())")
        try text.write(to: temporary, atomically: false, encoding: .utf8)
        if rename(temporary.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw Refusal("cannot rename \(temporary.path) to \(url.path): \(reason)")
        }
    }

    var summary: String {
        let data = "\(name)/\(name).jsonl"
        let example =
            outputType == .generateUntil
            ? #"{"id": "1", "question": "What is the capital of France?", "answers": ["Paris"]}"#
            : #"{"id": "1", "question": "Which of these is a fruit?", "choice1": "an apple", "choice2": "a carrot", "gold": 0}"#
        let written = [
            ("Sources/Tasks/\(camel)/\(camel)Task.swift", "\(typeName): reads the data file, one JSON object per line"),
            ("Sources/Tasks/\(camel)/Registration.swift", "registers \(typeName) (no registry to edit)"),
            ("tasks/\(name).yaml", "the card: data file, splits, prompt, metrics"),
            ("Tests/TaskTests/\(camel)TaskTests.swift", "parses a tiny JSON Lines file"),
            ("Package.swift", ".init(\"\(camel)\") added to taskTargets"),
        ]
        let width = written.map(\.0.count).max()! + 2
        let table = written.map { "  " + $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + $0.1 }
            .joined(separator: "\n")
        return """
            Created task \(name) (\(outputType.rawValue)), target \(targetName):
            \(table)

            Next steps:
              1. Put the data file, one JSON object per line such as
                   \(example)
                 at <data mirror>/\(data) (the card's files.data.path; the mirror is SADI_DATA_MIRROR
                 or --data-mirror), or publish it at an https URL.
              2. In tasks/\(name).yaml fill in files.data.url (the file's https URL) and files.data.sha256
                 (`sha256sum \(name).jsonl`), and set the splits' counts to the file's number of lines.
              3. swift build -c release, then check and list:
                   .build/release/sadi-eval lint-cards    (OK for \(name).yaml once its sha256 is real)
                   .build/release/sadi-eval tasks         (lists \(name))
              4. Run it: .build/release/sadi-eval --task \(name) --method baseline --limit 20
                 Its test: swift test --filter \(typeName)Tests
            """
    }
}
