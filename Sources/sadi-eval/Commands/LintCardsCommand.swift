import ArgumentParser
import Foundation
import Harness
import TaskRegistry

/// Checks every card in a folder without running anything: it loads (fields, sha256 format,
/// disjoint splits), belongs to a registered task plugin whose fields its templates use, and
/// has no placeholder sha256 left; and every registered plugin has a card. One line per card
/// (and per plugin without one); exits non-zero when any fails. `swift package lint-cards`
/// builds sadi-eval and runs this on the package's tasks/.
struct LintCardsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint-cards",
        abstract: "Check every task card (*.yaml) against the registered task plugins; exit non-zero if any fails.")

    @Option(name: .customLong("tasks-dir"), help: "Folder of task cards (default: $SADI_TASKS, ./tasks, or the checkout's tasks/).")
    var tasksDir: String?

    func run() throws {
        let directory = tasksDir ?? TaskRegistry.defaultCardsDirectory()
        let report = CardLint.check(directory: directory, plugins: TaskRegistry(cardsDirectory: directory).plugins)
        for line in report.lines { print(line) }
        if report.failures > 0 {
            Terminal.status("lint-cards: \(report.failures) of \(report.checked) checked in \(directory) failed")
            throw ExitCode.failure
        }
    }
}

/// The checks of `lint-cards`, apart from printing.
enum CardLint {
    struct Report {
        var lines: [String] = []
        var failures = 0
        var checked = 0
    }

    static func check(directory: String, plugins: [any BenchmarkTask.Type]) -> Report {
        var report = Report()
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            report.lines.append(
                "FAIL \(directory): cannot list the folder (\(error.localizedDescription)); pass the folder of task cards with --tasks-dir")
            report.failures = 1
            report.checked = 1
            return report
        }
        let cards = entries.filter { $0.hasSuffix(".yaml") }.sorted()
        var byName: [String: [any BenchmarkTask.Type]] = [:]
        for plugin in plugins { byName[plugin.name, default: []].append(plugin) }

        for file in cards {
            let name = String(file.dropLast(".yaml".count))
            let problems = problems(card: name, directory: directory, plugins: byName[name] ?? [])
            report.checked += 1
            if problems.isEmpty {
                report.lines.append("OK   \(file)")
            } else {
                report.failures += 1
                report.lines.append("FAIL \(file): " + problems.joined(separator: " "))
            }
        }
        let cardNames = Set(cards.map { String($0.dropLast(".yaml".count)) })
        for name in byName.keys.sorted() where !cardNames.contains(name) {
            let types = byName[name]!.map { String(reflecting: $0) }.joined(separator: ", ")
            report.checked += 1
            report.failures += 1
            report.lines.append(
                "FAIL \(name).yaml: missing: task plugin \(types) is registered but \(directory) has no \(name).yaml; add its card (tasks/copa.yaml documents every field)."
            )
        }
        return report
    }

    /// What is wrong with card `name` (empty when nothing is).
    static func problems(card name: String, directory: String, plugins: [any BenchmarkTask.Type]) -> [String] {
        let card: TaskCard
        do {
            card = try TaskCard.load(name: name, directory: directory)
        } catch {
            return ["\(error)"]
        }
        guard let plugin = plugins.first else {
            return [
                "no registered task plugin is named `\(name)`; add one with `swift package --allow-writing-to-package-directory new-task \(name)` (or fix the card's name)."
            ]
        }
        var problems: [String] = []
        if plugins.count > 1 {
            problems.append(
                "\(plugins.count) registered task plugins are named `\(name)` (\(plugins.map { String(reflecting: $0) }.joined(separator: ", "))); rename all but one."
            )
        }
        do { try card.checkPlaceholders(available: plugin.fieldNames) } catch { problems.append("\(error)") }
        problems += card.placeholderProblems().map(\.description)
        return problems
    }
}
