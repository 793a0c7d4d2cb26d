import ArgumentParser
import Engine

@main
struct SadiEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sadi-eval",
        abstract: "Evaluate activation-steering interventions (SADI, CAA, ITI) on benchmarks with an in-process engine.",
        subcommands: [
            RunCommand.self, SweepCommand.self, AnalyzeCommand.self, TasksCommand.self, LintCardsCommand.self, TableCommand.self,
            GenerateCommand.self, FitCommand.self, MergeCommand.self,
            InspectCommand.self, BenchCommand.self, ToxicityClassifierCommand.self, FluencyCommand.self,
        ],
        defaultSubcommand: RunCommand.self)

    static func main() {
        // Before anything else: OpenBLAS may have fallen back to slow generic kernels.
        BLASKernel.restartWithBetterCoreIfNeeded()
        main(nil)
    }
}
