import Engine
import Experiment
import Foundation
import Harness
import Interventions
import TestSupport
import Testing

@Suite("generate_until runs", .serialized)
struct GenerationRunTests {
    let scratch: String

    init() throws { scratch = try TestPaths.scratchDirectory("generation-run") }

    func evaluation(_ task: TinyQATask, output: String, batchSize: Int = 2, method: String = "baseline") -> Evaluation {
        Evaluation(
            task: task, model: Fixtures.model, store: Fixtures.store(scratch, mirror: "file://" + scratch + "/mirror"),
            settings: EvaluationSettings(
                method: method, batchSize: batchSize, outputDirectory: scratch + "/" + output,
                logSamples: true))
    }

    /// The samples log of a finished run (or, with `journal`, an unfinished run's journal).
    func samples(_ evaluation: Evaluation, journal: Bool = false) throws -> [Sample] {
        let path = journal ? evaluation.journalPath : evaluation.samplesPath
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
        return try lines.map { try JSONDecoder().decode(Sample.self, from: Data($0.utf8)) }
    }

    /// Runs `evaluation`, stopping it after its first batch as a kill would, adds a line cut
    /// short, then runs it again to the end.
    func interruptedThenResumed(_ evaluation: Evaluation, intervention: InterventionPlan? = nil) throws -> RunResult {
        var calls = 0
        #expect(throws: Interrupted.self) {
            try evaluation.run(intervention: intervention) { done, _ in
                calls += 1
                if done > 0 { throw Interrupted() }
            }
        }
        #expect(calls == 2)
        #expect(try samples(evaluation, journal: true).count == 2, "the journal kept the first batch")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: evaluation.journalPath))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"doc_id":"q2","request":{"type":"generate_until""#.utf8))
        try handle.close()
        return try evaluation.run(intervention: intervention)
    }

    func bytes(_ metrics: [String: MetricValue]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(metrics)
    }

    @Test("greedy exact match with the real model, killed after a batch and resumed: byte-identical metrics and samples")
    func killAndResume() throws {
        let task = try TinyQATask.make(scratch: scratch)
        let whole = evaluation(task, output: "whole")
        let full = try whole.run()
        #expect(full.items == TinyQATask.questions.count && full.metricOrder == ["exact_match"])
        let texts = try samples(whole).map { $0.response.generatedText ?? "?" }
        // SmolLM2-135M answers some of these; the metric is the share it gets right.
        #expect(texts.allSatisfy { !$0.contains("\n") && !$0.contains(".") }, "stop strings cut the text: \(texts)")
        let right = try samples(whole).filter { sample in
            ExactMatchScorer(normalisation: .lmEval).matches(sample.response.generatedText!, answers: sample.reference.acceptedAnswers)
        }.count
        #expect(full.metrics["exact_match"]!.value == Double(right) / Double(TinyQATask.questions.count))

        let resumed = try interruptedThenResumed(evaluation(task, output: "resumed"))
        #expect(try bytes(resumed.metrics) == bytes(full.metrics))
        #expect(try samples(evaluation(task, output: "resumed")) == samples(whole))
    }

    @Test(
        "an intervention edits generated tokens: with policy `generated` the first token is the baseline's, later ones change; resumes identically"
    )
    func interventionOnGeneratedTokens() throws {
        let task = try TinyQATask.make(scratch: scratch)
        let layers = Fixtures.model.loaded.network.shape.layerCount
        let edit = SiteEdit(site: .attentionHeads(layers / 2), indices: Array(0..<(9 * 64)), operation: .scale(3))
        let plan = InterventionPlan(edits: [edit], positions: .generated, application: .live, layerCount: layers)
        let whole = evaluation(task, output: "whole", method: "scaled")
        let full = try whole.run(intervention: plan)
        #expect(full.comparisons?["exact_match"] != nil, "the baseline is generated alongside for the paired comparison")
        let samples = try samples(whole)
        let tokenizer = Fixtures.model.loaded.tokenizer
        var changed = 0
        for sample in samples {
            let steered = try #require(sample.response.generatedText), plain = try #require(sample.baseline?.generatedText)
            // The prompt is not edited, so the first token (predicted from the prompt) agrees.
            #expect(tokenizer.encode(steered).first == tokenizer.encode(plain).first, "\(steered) vs \(plain)")
            if steered != plain { changed += 1 }
        }
        #expect(changed > 0, "editing every generated token must change some answer")

        // The baseline generated alongside equals a baseline run on its own.
        let alone = evaluation(task, output: "alone")
        _ = try alone.run()
        #expect(try self.samples(alone).map(\.response) == samples.map { $0.baseline! })

        let resumed = try interruptedThenResumed(evaluation(task, output: "resumed", method: "scaled"), intervention: plan)
        #expect(try bytes(resumed.metrics) == bytes(full.metrics))
        #expect(resumed.comparisons == full.comparisons)
    }

    @Test("an intervention that overflows the activations stops generation with an error, never a token picked from NaN")
    func overflowingGeneration() throws {
        let task = try TinyQATask.make(scratch: scratch)
        let layers = Fixtures.model.loaded.network.shape.layerCount
        let edit = SiteEdit(site: .attentionHeads(layers / 2), indices: Array(0..<(9 * 64)), operation: .scale(1e38))
        let plan = InterventionPlan(edits: [edit], positions: .generated, application: .live, layerCount: layers)
        let error = try #require(throws: HarnessError.self) {
            try evaluation(task, output: "overflow", method: "scaled").run(intervention: plan)
        }
        #expect(error.description.contains("not finite under scaled"), "\(error)")
        #expect(error.description.contains("the edits overflow the activations"), "\(error)")
    }

    /// A fitted method whose plan scales the middle layer's heads by the strength.
    struct ScaledHeads: FittedMethod {
        let layers: Int
        var pairCount: Int { 0 }
        var settings: [String: String] { [:] }
        func plan(k: Int, strength: Double) throws -> InterventionPlan {
            let edit = SiteEdit(site: .attentionHeads(layers / 2), indices: Array(0..<(k * 64)), operation: .scale(Float(strength)))
            return InterventionPlan(edits: [edit], positions: .generated, application: .live, layerCount: layers)
        }
        func artifact(
            k: Int, strength: Double, model: InterventionArtifact.Model, task: String, scoring: ScoringProtocol,
            notes: [String: String]
        ) throws -> InterventionArtifact { throw HarnessError.invalidInput("not saved") }
    }

    @Test("in a validation grid, a generation that overflows fails its cell only; the best cell is chosen among the others")
    func overflowingGridCell() throws {
        let task = try TinyQATask.make(scratch: scratch)
        let items = TaskItems(task: task, store: Fixtures.store(scratch, mirror: "file://" + scratch + "/mirror"), scoring: .harness)
        let instances = try items.instances(role: .test).instances
        let method = ScaledHeads(layers: Fixtures.model.loaded.network.shape.layerCount)
        let grid = try GridSearch(model: Fixtures.model, batchSize: 4)
            .run(method, ks: [9], strengths: [0, 1e38], instances: instances, scorer: ExactMatchScorer(normalisation: .lmEval))
        #expect(grid.score(k: 9, strength: 0)?.isFinite == true)
        #expect(grid.score(k: 9, strength: 1e38)?.isNaN == true, "the overflowing cell is marked failed")
        #expect(grid.best.strength == 0)
    }

    @Test("batch size does not change greedy texts; seeded sampling repeats per document whatever the batch")
    func batchIndependence() throws {
        let greedy = try TinyQATask.make(scratch: scratch)
        let one = evaluation(greedy, output: "b1", batchSize: 1), many = evaluation(greedy, output: "b5", batchSize: 5)
        _ = try one.run()
        _ = try many.run()
        #expect(try samples(one).map(\.response) == samples(many).map(\.response))

        let sampled = try TinyQATask.make(
            scratch: scratch, generation: #"{until: ["\n"], max_tokens: 10, temperature: 1.0, top_p: 0.95, seed: 7}"#)
        let a = evaluation(sampled, output: "s1", batchSize: 1), b = evaluation(sampled, output: "s4", batchSize: 4)
        _ = try a.run()
        _ = try b.run()
        let first = try samples(a), second = try samples(b)
        #expect(first.map(\.response) == second.map(\.response))
        // Each document has its own seed (mixed from its id), recorded in the request.
        let seeds = first.compactMap { sample -> UInt64? in
            if case let .generateUntil(_, generation) = sample.request { return generation.sampling?.seed }
            return nil
        }
        #expect(Set(seeds).count == TinyQATask.questions.count)
        // Sampling at temperature 1 differs from greedy somewhere.
        let greedyTexts = try samples(one).map(\.response)
        #expect(first.map(\.response) != greedyTexts)
    }

    @Test("stop strings straddling tokens cut the text before them; max_tokens and EOS stop generation")
    func stopping() throws {
        var stream = TextStream(stopStrings: ["\nQ"])
        #expect(stream.append(Array("Paris\n".utf8)) == "Paris\n")
        #expect(!stream.stopped)
        #expect(stream.append(Array("Question".utf8)) == "")
        #expect(stream.stopped && stream.text == "Paris")
        // A character split across tokens comes out whole.
        var utf8 = TextStream(stopStrings: [])
        let e = Array("é".utf8)
        #expect(utf8.append([e[0]]) == "" && utf8.append([e[1]]) == "é")

        let task = try TinyQATask.make(scratch: scratch, generation: "{until: [], max_tokens: 3}")
        let run = evaluation(task, output: "max")
        _ = try run.run()
        for sample in try samples(run) {
            guard case let .generation(generation) = sample.response else {
                Issue.record("not a generation")
                continue
            }
            #expect(generation.tokenCount <= 3)
            #expect(generation.stoppedBy == .maxTokens || generation.stoppedBy == .endOfSequence)
        }
    }

    @Test("a method on a task with accepted answers only is refused before anything runs, naming the task and the way out")
    func methodWithoutPairs() throws {
        let splits = """
              - {name: pairs, role: pairs, file: test, subset: {seed: 1, start: 0, count: 3}}
              - {name: validation, role: validation, file: test, subset: {seed: 1, start: 3, count: 2}}
              - {name: test, role: test, file: test, subset: {seed: 1, start: 5, count: 2}}
            """
        let task = try TinyQATask.make(scratch: scratch, splits: splits)
        let experiment = Experiment(
            task: task, model: Fixtures.model, store: Fixtures.store(scratch, mirror: "file://" + scratch + "/mirror"))
        let error = #expect(throws: HarnessError.self) {
            try experiment.run(
                EvaluationSettings(outputDirectory: scratch + "/none"), method: MethodSettings(method: "sadi-head", k: 1, strength: 2))
        }
        #expect(
            error?.description.contains("the pairs split of task tiny_qa gives no contrastive pairs") == true,
            "\(String(describing: error))")
        #expect(error?.description.contains("run it with --method baseline") == true)
    }
}
