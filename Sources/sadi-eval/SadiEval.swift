import ArgumentParser

@main
struct SadiEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sadi-eval",
        abstract: "Evaluate activation-steering interventions (SADI, CAA, ITI) on benchmarks with an in-process engine.",
        subcommands: [RunCommand.self, SweepCommand.self, TasksCommand.self, LintCardsCommand.self, TableCommand.self, GenerateCommand.self, InspectCommand.self, BenchCommand.self],
        defaultSubcommand: RunCommand.self)
}
