import ArgumentParser
import Foundation
import Harness
import Interventions
import TaskRegistry

struct TableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "table",
        abstract:
            "Regenerate the leaderboard of a results folder (DIR/LEADERBOARD.md, .csv, .json) and print it, or with --task print one task's methods side by side."
    )

    @Argument(help: "Folder of results files.") var directory: String = "results"
    @Option(help: "Compare the methods on this task: K and strength used, score, Δ to the baseline with its interval, wall time.")
    var task: String?
    @Flag(
        name: .customLong("include-partial"),
        help: "Also show baselines scored with --limit (marked †); printed only, the files keep full runs.")
    var includePartial = false
    @Option(name: .customLong("tasks-dir"), help: "Folder of task cards (default: $SADI_TASKS, ./tasks, or the checkout's tasks/).")
    var tasksDir: String?

    func run() throws {
        // Damaged files are left out of every table, but never silently.
        for problem in ResultsFolder.damaged(directory: directory) {
            FileHandle.standardError.write(Data("warning: \(problem); it is left out of the tables (rerun it, or move it away)\n".utf8))
        }
        if let task {
            let results = try ResultsFolder.collect(directory: directory).map(\.result)
            guard results.contains(where: { $0.task == task }) else {
                throw ValidationError("no results for task '\(task)' under \(directory); run `sadi-eval --task \(task) --method …` first")
            }
            print(MethodComparisonTable.markdown(results, task: task, methodOrder: MethodRegistry.standard.names), terminator: "")
        } else {
            let registry = TaskRegistry(cardsDirectory: tasksDir ?? TaskRegistry.defaultCardsDirectory())
            if includePartial {
                let catalog = LeaderboardCatalog(cards: try registry.loadedPlugins().map(\.card))
                let board = Leaderboard(
                    files: try ResultsFolder.collect(directory: directory), catalog: catalog, methodOrder: MethodRegistry.standard.names,
                    includePartial: true)
                print(board.markdown(), terminator: "")
                FileHandle.standardError.write(Data("(printed only: \(directory)/LEADERBOARD.* keep full runs)\n".utf8))
                return
            }
            let board = try ResultTable.writeLeaderboard(outputDirectory: directory, registry: registry)
            print(board.markdown(), terminator: "")
        }
    }
}
