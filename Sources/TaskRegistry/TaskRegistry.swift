import Foundation
import Harness

/// The task plugins the command line knows, read from the cards in one folder. Each task
/// target declares its `registeredTasks` (Sources/Tasks/<Name>/Registration.swift), and the
/// RegisterTasks build plugin lists them in `RegisteredTasks` from the Task* targets this one
/// depends on; a card with variants gives several task names; groups name sets of tasks.
public struct TaskRegistry: Sendable {
    public let plugins: [any BenchmarkTask.Type]
    public let cardsDirectory: String

    public init(cardsDirectory: String, plugins: [any BenchmarkTask.Type] = RegisteredTasks.plugins) {
        self.plugins = plugins
        self.cardsDirectory = cardsDirectory
    }

    /// Every plugin with its card loaded.
    public func loadedPlugins() throws -> [any BenchmarkTask] {
        try plugins.sorted { $0.name < $1.name }.map { try $0.load(cardsDirectory: cardsDirectory) }
    }

    /// Every task name (variants expanded), sorted.
    public func names() throws -> [String] {
        try loadedPlugins().flatMap(\.card.taskNames).sorted()
    }

    /// The task `name`: a plugin's own, or one of its variants.
    public func task(named name: String) throws -> any BenchmarkTask {
        for plugin in try loadedPlugins() where plugin.card.taskNames.contains(name) {
            return try plugin.variant(named: name)
        }
        throw HarnessError.unknownName(kind: "task", flag: "--task", given: name, valid: try names())
    }

    /// The group names `--task` accepts (MMLU's categories, `xcopa`), each with its member
    /// tasks, groups of groups expanded to their leaves as lm-eval aggregates them.
    public func groups() throws -> [String: [String]] {
        var names: [String] = []
        for plugin in try loadedPlugins() { names += plugin.card.groups.keys }
        var result: [String: [String]] = [:]
        for name in names { result[name] = try expand(name) }
        return result
    }

    /// `--task`'s value as task names: a comma-separated list of names, globs
    /// (`xcopa_*`) and group names, each expanding to at least one task, in order, once each.
    public func expand(_ value: String) throws -> [String] {
        let plugins = try loadedPlugins()
        let all = plugins.flatMap(\.card.taskNames).sorted()
        var groups: [String: [String]] = [:]
        for plugin in plugins { groups.merge(plugin.card.groups) { a, _ in a } }
        var result: [String] = []
        func add(_ pattern: String, depth: Int) throws {
            if let members = groups[pattern], depth < 4 {
                for member in members { try add(member, depth: depth + 1) }
                return
            }
            let matches = all.filter { fnmatch(pattern, $0, 0) == 0 }
            guard !matches.isEmpty else {
                if pattern.contains(where: { "*?[".contains($0) }) {
                    throw HarnessError.invalidInput("--task: '\(pattern)' matches no task; `sadi-eval tasks` lists them")
                }
                throw HarnessError.unknownName(kind: "task", flag: "--task", given: pattern, valid: all + groups.keys.sorted())
            }
            for name in matches where !result.contains(name) { result.append(name) }
        }
        let parts = value.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !parts.isEmpty, !parts.contains(where: \.isEmpty) else {
            throw HarnessError.invalidInput("--task: '\(value)' names no task; write e.g. --task copa or --task 'xcopa_*'")
        }
        for part in parts { try add(part, depth: 0) }
        return result
    }

    /// The tasks `--task`'s value names (see `expand`), with every card read once.
    public func tasks(_ value: String) throws -> [any BenchmarkTask] {
        let plugins = try loadedPlugins()
        return try expand(value).map { name in
            guard let plugin = plugins.first(where: { $0.card.taskNames.contains(name) }) else {
                throw HarnessError.unknownName(kind: "task", flag: "--task", given: name, valid: try names())
            }
            return try plugin.variant(named: name)
        }
    }

    /// Where the cards are: $SADI_TASKS, ./tasks, or the tasks folder of the checkout the
    /// executable was built in (.build/<config>/sadi-eval → tasks/).
    public static func defaultCardsDirectory(executablePath: String = CommandLine.arguments[0]) -> String {
        if let env = ProcessInfo.processInfo.environment["SADI_TASKS"], !env.isEmpty { return env }
        let manager = FileManager.default
        if manager.fileExists(atPath: "tasks") { return "tasks" }
        var url = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = url.appendingPathComponent("tasks")
            if manager.fileExists(atPath: candidate.appendingPathComponent("copa.yaml").path) { return candidate.path }
            url.deleteLastPathComponent()
        }
        return "tasks"
    }
}
