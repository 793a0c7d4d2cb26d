import Engine
import Experiment
import Foundation
import Harness
import Interventions
import TaskTriviaQA
import TestSupport
import Testing

/// Methods scored on the test split in the same batches (one prompt pass for all) must
/// write what each writes alone, and resume after a kill like one run does.
@Suite("methods scored together", .serialized)
struct ScoredTogetherTests {
    let scratch: String

    init() throws { scratch = try TestPaths.scratchDirectory("scored-together") }

    static let methods = [
        MethodSettings(method: "sadi-head", fitting: pairs(16), k: 2, strength: 6),
        MethodSettings(method: "baseline"),
        MethodSettings(method: "caa", fitting: pairs(16), k: 15, strength: 2),
        MethodSettings(method: "iti", fitting: pairs(16), k: 8, strength: 10),
    ]

    static func pairs(_ count: Int) -> FittingOptions {
        var options = FittingOptions()
        options.pairLimit = count
        return options
    }

    func settings(_ folder: String) -> EvaluationSettings {
        EvaluationSettings(limit: 6, batchSize: 4, outputDirectory: scratch + "/" + folder, logSamples: true)
    }

    func experiment() throws -> Experiment {
        Experiment(task: try TriviaQARunTests.task(cardMaxTokens: 24), model: Fixtures.model, store: Fixtures.store(scratch))
    }

    func samples(_ run: Evaluation) throws -> [Sample] {
        try String(contentsOfFile: run.samplesPath, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { try JSONDecoder().decode(Sample.self, from: Data($0.utf8)) }
    }

    func bytes(_ metrics: [String: MetricValue]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(metrics)
    }

    @Test("TriviaQA: sadi-head, caa, iti and the baseline scored together write each one's results and samples as alone")
    func togetherEqualsAlone() throws {
        let experiment = try experiment()
        let alone = try Self.methods.map { try experiment.run(settings("alone"), method: $0) }
        let together = try experiment.runTogether(settings("together"), methods: Self.methods.map { ($0, nil, nil) })
        #expect(together.count == 4)
        for ((a, aloneRun), (b, togetherRun)) in zip(alone, together) {
            #expect(a.method == b.method && a.items == 6 && b.items == 6)
            #expect(try bytes(a.metrics) == bytes(b.metrics), "\(a.method)")
            #expect(a.comparisons == b.comparisons, "\(a.method)")
            #expect(try samples(aloneRun) == samples(togetherRun), "\(a.method)")
            #expect(b.configuration["scored_with"]?.split(separator: ",").count == 3, "\(b.configuration)")
            #expect(a.configuration["scored_with"] == nil)
        }
        // The methods do edit: some answer differs from the baseline's.
        let steered = try together.filter { $0.result.method != "baseline" }.flatMap { try samples($0.evaluation) }
        #expect(steered.contains { $0.response != $0.baseline })
    }

    @Test(
        "killed after a batch and resumed, one method's journal begun alone before: every method's metrics and samples byte-identical to an uninterrupted run"
    )
    func killAndResume() throws {
        let experiment = try experiment()
        let whole = try experiment.runTogether(settings("whole"), methods: Self.methods.map { ($0, nil, nil) })
        let runs = try Self.methods.map { try experiment.ready(settings("resumed"), method: $0) }
        // sadi-head alone, killed after its first batch: its journal is ahead of the others'.
        #expect(throws: Interrupted.self) {
            try runs[0].evaluation.run(intervention: runs[0].plan) { done, _ in if done > 0 { throw Interrupted() } }
        }
        var calls = 0
        #expect(throws: Interrupted.self) {
            try Evaluation.runTogether(runs.map { ($0.evaluation, $0.plan) }) { done, _ in
                calls += 1
                if done > 0 { throw Interrupted() }
            }
        }
        #expect(calls == 2)
        let resumed = try experiment.runTogether(settings("resumed"), methods: Self.methods.map { ($0, nil, nil) })
        for (a, b) in zip(whole, resumed) {
            #expect(try bytes(a.result.metrics) == bytes(b.result.metrics), "\(a.result.method)")
            #expect(a.result.comparisons == b.result.comparisons)
            #expect(try samples(a.evaluation) == samples(b.evaluation), "\(a.result.method)")
        }
    }

    @Test("runs of other documents are refused together, naming both methods")
    func differentDocumentsRefused() throws {
        let experiment = try experiment()
        let task = experiment.task
        var short = settings("refused")
        short.limit = 3
        let a = Evaluation(task: task, model: Fixtures.model, store: Fixtures.store(scratch), settings: settings("refused"))
        var other = short
        other.method = "second"
        let b = Evaluation(task: task, model: Fixtures.model, store: Fixtures.store(scratch), settings: other)
        let error = try #require(throws: HarnessError.self) { try Evaluation.runTogether([(a, nil), (b, nil)]) }
        #expect(error.description.contains("second") && error.description.contains("baseline"), "\(error)")
    }
}
