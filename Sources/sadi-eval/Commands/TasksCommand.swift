import ArgumentParser
import Harness
import TaskRegistry

struct TasksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks", abstract: "List the tasks (variants included), their splits, prompts and metrics.")

    @Option(name: .customLong("tasks-dir"), help: "Folder of task cards.") var tasksDir: String?

    func run() throws {
        let registry = TaskRegistry(cardsDirectory: tasksDir ?? TaskRegistry.defaultCardsDirectory())
        print("| task | output type | splits (role) | prompts | metrics | official |")
        print("|---|---|---|---|---|---|")
        for plugin in try registry.loadedPlugins() {
            for name in plugin.card.taskNames {
                let card = try plugin.card.resolved(variant: name)
                let splits = card.splits.map { "\($0.name) (\($0.role.rawValue))" }.joined(separator: ", ")
                let official = card.official.map { "\($0.prompt): \($0.metrics.map(\.name).joined(separator: ", "))" } ?? "—"
                print(
                    "| \(name) | \(card.outputType.rawValue) | \(splits) | \(card.prompts.map(\.name).joined(separator: ", ")) | \(card.metrics.map(\.name).joined(separator: ", ")) | \(official) |"
                )
            }
        }
        let groups = try registry.loadedPlugins().flatMap { $0.card.groups.sorted { $0.key < $1.key } }
        if !groups.isEmpty {
            print("")
            print("| group | tasks |")
            print("|---|---|")
            for (name, members) in groups { print("| \(name) | \(members.joined(separator: ", ")) |") }
        }
    }
}
