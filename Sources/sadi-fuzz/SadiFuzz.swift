import ArgumentParser
import Engine
import Foundation

/// `sadi-fuzz TARGET`: a seeded mutation loop over one of the parsers users feed files to
/// (the GGUF reader, the task-card loader, the COPA XML parser), for a fixed budget. Inputs
/// that show new behaviour join the corpus; the input being run is kept at
/// `<corpus>/current.<ext>`, so when a crash ends the process it is there to reproduce.
@main
struct SadiFuzz: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sadi-fuzz", abstract: "Fuzz the GGUF reader, the task-card loader or the COPA XML parser with seeded mutations.")

    @Argument(help: "gguf, card or copa-xml.") var target: String
    @Option(help: "Seconds to run.") var seconds: Double = 60
    @Option(help: "Seed of the mutations.") var seed: UInt64 = 1
    @Option(help: "Folder for the corpus (default: .build/fuzz/<target>).") var corpus: String?
    @Option(help: "Folder holding reference/ and datasets/ (default: ../shared).") var shared: String = "../shared"
    @Option(help: "Folder of task cards.") var tasks: String = "tasks"

    func run() throws {
        let targets = FuzzTarget.all(shared: shared, tasks: tasks)
        guard let fuzzed = targets.first(where: { $0.name == target }) else {
            throw ValidationError("unknown target '\(target)'; use one of \(targets.map(\.name).joined(separator: ", "))")
        }
        let folder = corpus ?? ".build/fuzz/\(fuzzed.name)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var inputs: [[UInt8]] = try fuzzed.seeds.map { Array(try Data(contentsOf: URL(fileURLWithPath: $0))) }
        // Inputs kept from earlier runs continue the search.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder).sorted()) ?? [] where name.hasPrefix("input-") {
            if let data = FileManager.default.contents(atPath: folder + "/" + name) { inputs.append(Array(data)) }
        }
        guard !inputs.isEmpty else { throw ValidationError("no seeds for \(fuzzed.name): check --shared and --tasks") }
        let current = folder + "/current." + fuzzed.fileExtension
        var seen = Set<String>()
        for input in inputs {
            try Data(input).write(to: URL(fileURLWithPath: current))
            seen.insert(fuzzed.run(current))
        }
        var mutator = Mutator(seed: seed)
        var executions = 0
        let start = Date()
        while Date().timeIntervalSince(start) < seconds {
            let base = inputs[mutator.below(inputs.count)]
            let input = mutator.mutate(base, other: inputs[mutator.below(inputs.count)])
            try Data(input).write(to: URL(fileURLWithPath: current))
            let outcome = fuzzed.run(current)
            executions += 1
            // New behaviour joins the corpus, up to a bound that keeps each step cheap.
            if seen.insert(outcome).inserted && inputs.count < 1000 {
                inputs.append(input)
                try Data(input).write(
                    to: URL(fileURLWithPath: folder + String(format: "/input-%06d.", inputs.count) + fuzzed.fileExtension))
            }
        }
        try? FileManager.default.removeItem(atPath: current)
        let elapsed = Date().timeIntervalSince(start)
        print(
            String(
                format: "%@: %d executions in %.0f s (%.0f/s), no crash; corpus %d inputs (%d seeds), %d distinct outcomes", fuzzed.name,
                executions, elapsed, Double(executions) / max(elapsed, 1e-9), inputs.count, fuzzed.seeds.count, seen.count))
    }
}
