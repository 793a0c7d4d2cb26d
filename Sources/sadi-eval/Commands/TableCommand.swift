import ArgumentParser
import Harness
import Interventions

struct TableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "table",
        abstract:
            "Render results files as Markdown: the leaderboard (rows model × method, columns tasks), or with --task one task's methods side by side."
    )

    @Argument(help: "Folder of results files.") var directory: String = "results"
    @Option(help: "Compare the methods on this task: K and strength used, score, Δ to the baseline with its interval, wall time.")
    var task: String?

    func run() throws {
        let results = try Leaderboard.collect(directory: directory)
        if let task {
            guard results.contains(where: { $0.task == task }) else {
                throw ValidationError("no results for task '\(task)' under \(directory); run `sadi-eval --task \(task) --method …` first")
            }
            print(MethodComparisonTable.markdown(results, task: task, methodOrder: MethodRegistry.standard.names), terminator: "")
        } else {
            print(Leaderboard.markdown(results), terminator: "")
        }
    }
}
