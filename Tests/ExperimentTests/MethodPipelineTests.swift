import Engine
import Experiment
import Foundation
import Harness
import Interventions
import TestSupport
import Testing

/// A method that exists only in this test target: it adds strength × D of layer K's
/// residual at the last prompt token only (CAA's vector with SADI's position). Registering
/// it is all it takes to fit, choose and score it.
struct PromptLastShiftMethod: MeanDifferenceMethod {
    var name: String { "prompt-last-shift" }
    var siteKind: String { "residual" }
    var kMeaning: String { "layer" }
    func defaultKs(shape: ModelShape) -> [Int] { [10, 20] }
    var defaultStrengths: [Double] { [1, 4] }
    func checkKs(_ ks: [Int], options: FittingOptions, shape: ModelShape) throws {}
    func edits(_ fit: MeanDifferenceFit, k: Int, strength: Double) throws -> [SiteEdit] {
        [SiteEdit(site: .residual(k), indices: Array(0..<fit.width), operation: .add(fit.layer(k).map { Float(strength) * $0 }))]
    }
    func delta(strength: Double) -> Double? { nil }
}

@Suite("Experiment: fit, choose, score", .serialized)
struct MethodPipelineTests {
    let scratch: String

    init() throws { scratch = try TestPaths.scratchDirectory("experiment") }

    func experiment(methods: MethodRegistry = .standard, validation: Int = 12) throws -> Experiment {
        Experiment(
            task: try Fixtures.copa(validation: validation), model: Fixtures.model, store: Fixtures.store(scratch),
            methods: methods)
    }

    func settings(limit: Int = 12) -> EvaluationSettings {
        EvaluationSettings(limit: limit, batchSize: 6, outputDirectory: scratch + "/results", logSamples: true)
    }

    func samples(_ run: Evaluation) throws -> [Sample] {
        try String(contentsOfFile: run.samplesPath, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { try JSONDecoder().decode(Sample.self, from: Data($0.utf8)) }
    }

    func options(pairs: Int) -> FittingOptions {
        var options = FittingOptions()
        options.pairLimit = pairs
        return options
    }

    @Test("a method written only in a test target registers, is chosen on validation and scored with the paired baseline")
    func methodFromATestTarget() throws {
        let registry = MethodRegistry.standard.registering(PromptLastShiftMethod())
        #expect(registry.names.last == "prompt-last-shift")
        #expect(throws: HarnessError.self) { try MethodRegistry.standard.method(named: "prompt-last-shift") }
        let (result, run) = try experiment(methods: registry)
            .run(settings(), method: MethodSettings(method: "prompt-last-shift", fitting: options(pairs: 16)))
        #expect(result.method == "prompt-last-shift" && result.items == 12)
        #expect(result.configuration["site"] == "residual" && result.configuration["pairs"] == "16")
        // Scoring choices edits the last prompt token only (generation carries it on).
        #expect(result.configuration["policy"] == "prompt-last")
        #expect(result.validationGrid?.count == 4 && result.comparisons?["acc"]?.n == 12)
        #expect(FileManager.default.fileExists(atPath: run.resultPath))
    }

    @Test("without --k and --strength the run takes the best cell of the validation grid it records")
    func choosesTheArgmaxOfItsGrid() throws {
        let method = MethodSettings(method: "sadi-head", fitting: options(pairs: 24), ks: [1, 4], strengths: [5, 40])
        let (result, _) = try experiment().run(settings(limit: 4), method: method)
        let grid = try #require(result.validationGrid)
        #expect(grid.count == 4)
        #expect(Set(grid.map(\.score)).count > 1, "a grid whose cells all tie cannot show the choice: \(grid)")
        // The best score; ties to the smaller K, then the smaller strength.
        let best = grid.sorted { ($0.score, -$0.k, -$0.strength) > ($1.score, -$1.k, -$1.strength) }[0]
        #expect(
            result.configuration["k"] == String(best.k) && result.configuration["strength"] == String(best.strength),
            "chose K=\(result.configuration["k"] ?? "?") s=\(result.configuration["strength"] ?? "?") from \(grid)")
        #expect(result.configuration["validation_score"] == String(best.score))
        #expect(grid.allSatisfy { $0.score <= best.score })
    }

    @Test("the baseline scored alongside a method equals a baseline run on its own, item by item")
    func baselineAlongsideEqualsAlone() throws {
        let method = MethodSettings(method: "sadi-head", fitting: options(pairs: 16), k: 4, strength: 20)
        let (steered, steeredRun) = try experiment().run(settings(), method: method)
        let (alone, aloneRun) = try experiment().run(settings(), method: MethodSettings(method: "baseline"))
        let paired = try samples(steeredRun), plain = try samples(aloneRun)
        #expect(paired.map(\.docID) == plain.map(\.docID))
        for (a, b) in zip(paired, plain) {
            let sideBySide = try #require(a.baseline).choiceResults.map(\.logprob), own = b.response.choiceResults.map(\.logprob)
            for (x, y) in zip(sideBySide, own) { #expect(abs(x - y) < 1e-4, "document \(a.docID): \(x) vs \(y)") }
        }
        #expect(abs(steered.comparisons!["acc"]!.baselineAccuracy - alone.metrics["acc"]!.value) < 1e-12)
        // The method changed something, so the paired columns compare two different things.
        #expect(paired.contains { $0.response != $0.baseline })
    }

    @Test(
        "every method: a configuration scored among several equals it scored alone", arguments: MethodRegistry.standard.methods.map(\.name))
    func sweepCellEqualsStandalone(method name: String) throws {
        let experiment = try experiment()
        let method = try #require(try experiment.methods.method(named: name))
        let items = TaskItems(task: experiment.task, store: experiment.store, scoring: .harness)
        var options = self.options(pairs: 12)
        options.application = .live
        let fitted = try experiment.fit(method, options: options, items: items, batchSize: 8)
        let shape = Fixtures.model.loaded.network.shape
        let ks = Array(method.defaultKs(shape: shape).prefix(2)), strengths = Array(method.defaultStrengths.suffix(2))
        let plans = try ks.flatMap { k in try strengths.map { try fitted.plan(k: k, strength: $0) } }
        let instances = Array(try items.instances(role: .validation).instances.prefix(5))
        let loop = EvaluationLoop(model: Fixtures.model.loaded, batchSize: 5)
        var together: [[Response]] = []
        try loop.run(instances, interventions: plans + [nil]) { _, responses in together = responses }
        for (p, plan) in (plans + [nil]).enumerated() {
            var alone: [Response] = []
            try loop.run(instances, interventions: [plan]) { _, responses in alone = responses[0] }
            for i in instances.indices {
                let a = together[p][i].choiceResults, b = alone[i].choiceResults
                #expect(a.map(\.greedyText) == b.map(\.greedyText))
                for (x, y) in zip(a, b) {
                    #expect(abs(x.logprob - y.logprob) < 1e-3, "\(name) configuration \(p) item \(i): \(x.logprob) vs \(y.logprob)")
                }
            }
        }
        // The configurations differ from each other, so a routing mix-up cannot go unseen.
        #expect(Set(together.map { $0.map(\.choiceResults).map { $0.map(\.logprob) } }).count > 2, "\(name)")
    }
}
