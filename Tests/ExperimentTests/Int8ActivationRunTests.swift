import Engine
import Experiment
import Foundation
import Harness
import TestSupport
import Testing

/// A run with 8-bit activations is filed apart from the float run of the same settings: its
/// results, journal and request say `activations: int8`, it never resumes or stands in for a
/// float run, and float runs record exactly what they did before the option existed.
@Suite("Experiment: 8-bit activations", .serialized)
struct Int8ActivationRunTests {
    static let int8Model: ModelUnderTest = {
        try! ModelUnderTest(
            loaded: ModelLoader.load(path: TestPaths.smolLM2, activations: .int8), sha256: Fixtures.model.sha256)
    }()

    let scratch: String

    init() throws { scratch = try TestPaths.scratchDirectory("int8-runs") }

    func experiment(_ model: ModelUnderTest) throws -> Experiment {
        Experiment(task: try Fixtures.copa(), model: model, store: Fixtures.store(scratch))
    }

    func settings() -> EvaluationSettings {
        EvaluationSettings(limit: 6, batchSize: 1, outputDirectory: scratch + "/results", logSamples: true)
    }

    func samples(_ run: Evaluation) throws -> (header: String, samples: [Sample]) {
        let lines = try String(contentsOfFile: run.samplesPath, encoding: .utf8).split(separator: "\n")
        return (String(lines[0]), try lines.dropFirst().map { try JSONDecoder().decode(Sample.self, from: Data($0.utf8)) })
    }

    @Test("results, journal and request of an int8 run say so; a float run's do not and are not taken for it")
    func filedApart() throws {
        let baseline = MethodSettings(method: "baseline")
        #expect(Self.int8Model.activations == .int8 && Fixtures.model.activations == .float32)
        let float = try experiment(Fixtures.model), int8 = try experiment(Self.int8Model)
        let (floatResult, floatRun) = try float.run(settings(), method: baseline)
        #expect(floatResult.configuration["activations"] == nil)
        #expect(try samples(floatRun).header.contains("activations") == false)
        // The float run's results file is not a finished int8 run.
        #expect(int8.finished(settings(), method: baseline) == nil)

        let (int8Result, int8Run) = try int8.run(settings(), method: baseline)
        #expect(int8Result.configuration["activations"] == "int8")
        #expect(int8Run.resultPath != floatRun.resultPath && int8Run.resultPath.hasSuffix(".int8.json"))
        #expect(int8Run.journalPath != floatRun.journalPath && int8Run.checkpointPath != floatRun.checkpointPath)
        #expect(try samples(int8Run).header.contains(#""activations":"int8""#))
        #expect(int8Result.configuration["request"] != nil && int8Result.configuration["request"] != floatResult.configuration["request"])
        #expect(int8.request(baseline, evaluation: settings())["activations"] == "int8")
        #expect(float.request(baseline, evaluation: settings())["activations"] == nil)
        #expect(int8.finished(settings(), method: baseline)?.path == int8Run.resultPath)
        #expect(float.finished(settings(), method: baseline)?.path == floatRun.resultPath)

        // Per-document log-likelihoods: short COPA requests run as few-row products.
        let a = try samples(floatRun).samples, b = try samples(int8Run).samples
        #expect(a.map(\.docID) == b.map(\.docID))
        var worst = 0.0
        for (x, y) in zip(a, b) {
            for (p, q) in zip(x.response.choiceResults, y.response.choiceResults) { worst = max(worst, abs(p.logprob - q.logprob)) }
        }
        print("8-bit activations: max |Δ log-likelihood| over \(a.count) COPA documents' choices = \(worst)")
        #expect(worst > 0 && worst < 1.5)
    }
}
