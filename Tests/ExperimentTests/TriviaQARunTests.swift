import Engine
import Experiment
import Foundation
import Harness
import Interventions
import TaskTriviaQA
import TestSupport
import Testing

/// TriviaQA with the real model: its contrastive pairs, a run killed and resumed, and runs
/// cut at other lengths (`--max-tokens`) kept apart from the card's.
@Suite("TriviaQA runs", .serialized)
struct TriviaQARunTests {
    let scratch: String

    init() throws { scratch = try TestPaths.scratchDirectory("triviaqa-run") }

    /// The plugin with the real card, its generation limit replaced when `maxTokens` is given
    /// in the card text itself (as an edited card would say it).
    static func task(cardMaxTokens: Int? = nil) throws -> TriviaQATask {
        let path = TestPaths.repositoryRoot + "/tasks/triviaqa.yaml"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        if let cardMaxTokens { text = text.replacingOccurrences(of: "max_tokens: 256", with: "max_tokens: \(cardMaxTokens)") }
        let card = try TaskCard.parse(yaml: text, file: path)
        try card.checkPlaceholders(available: TriviaQATask.fieldNames)
        return TriviaQATask(card: card)
    }

    func evaluation(_ task: any BenchmarkTask, output: String, limit: Int = 6) -> Evaluation {
        Evaluation(
            task: task, model: Fixtures.model, store: Fixtures.store(scratch),
            settings: EvaluationSettings(limit: limit, batchSize: 2, outputDirectory: scratch + "/" + output, logSamples: true))
    }

    func samples(_ path: String) throws -> [Sample] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { try JSONDecoder().decode(Sample.self, from: Data($0.utf8)) }
    }

    @Test("pairs: the question's prompt with its first alias against another question's first alias, 500 from the pairs split")
    func pairs() throws {
        let task = try Self.task()
        let items = TaskItems(task: task, store: Fixtures.store(scratch), scoring: .harness)
        let pairs = try items.pairs(role: .pairs)
        let documents = try task.documents(split: task.split(named: "pairs"), store: Fixtures.store(scratch))
        #expect(pairs.count == 500 && documents.count == 500)
        for (pair, document) in zip(pairs, documents) {
            guard case let .answerSets(correct, incorrect) = document.reference else {
                Issue.record("\(document.reference)")
                continue
            }
            #expect(pair.context == "Question: \(document.fields["question"]!)?\nAnswer:")
            #expect(pair.positive == " " + correct[0] && pair.negative == " " + incorrect[0] && pair.negativeContext == nil)
        }
    }

    @Test("killed after a batch and resumed: byte-identical metrics (both exact matches) and samples; decoding speed recorded")
    func killAndResume() throws {
        let task = try Self.task()
        let whole = evaluation(task, output: "whole")
        let full = try whole.run()
        #expect(full.metricOrder == ["exact_match", "exact_match_triviaqa"] && full.items == 6)
        #expect(full.configuration["max_tokens"] == "256")
        #expect((full.decodeTokensPerSecond ?? 0) > 0 && full.wallSeconds > 0)
        let logged = try samples(whole.samplesPath)
        let lmEval = ExactMatchScorer(normalisation: .lmEval), official = ExactMatchScorer(normalisation: .triviaqa)
        let texts = logged.map { $0.response.generatedText! }
        #expect(
            full.metrics["exact_match"]!.value
                == Double(logged.filter { lmEval.matches($0.response.generatedText!, answers: $0.reference.acceptedAnswers) }.count) / 6)
        #expect(
            full.metrics["exact_match_triviaqa"]!.value
                == Double(logged.filter { official.matches($0.response.generatedText!, answers: $0.reference.acceptedAnswers) }.count) / 6)
        #expect(texts.allSatisfy { !$0.contains("\n") && !$0.contains(".") && !$0.contains(",") }, "\(texts)")

        let resumedRun = evaluation(task, output: "resumed")
        var calls = 0
        #expect(throws: Interrupted.self) {
            try resumedRun.run { done, _ in
                calls += 1
                if done > 0 { throw Interrupted() }
            }
        }
        #expect(try samples(resumedRun.journalPath).count == 2, "the journal kept the first batch")
        let resumed = try resumedRun.run()
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try encoder.encode(resumed.metrics) == encoder.encode(full.metrics))
        #expect(try samples(resumedRun.samplesPath) == logged)
    }

    @Test("--max-tokens: generations cut at N, its own results file; a journal of another limit is never resumed")
    func maxTokens() throws {
        let cut = try Self.task().overridingMaxTokens(3)
        #expect(cut.card.overriddenMaxTokens == 3 && cut.card.generation?.maxTokens == 3)
        #expect(try Self.task().overridingMaxTokens(256).card.overriddenMaxTokens == nil, "the card's own limit is no override")
        let run = evaluation(cut, output: "cut", limit: 2)
        #expect(run.resultPath.hasSuffix("/triviaqa/baseline.first2.max-tokens3.json"))
        let result = try run.run()
        #expect(result.configuration["max_tokens"] == "3")
        for sample in try samples(run.samplesPath) {
            guard case let .generation(generation) = sample.response else {
                Issue.record("\(sample.response)")
                continue
            }
            #expect(generation.tokenCount <= 3)
        }
        // A card edited to another limit writes the same file names: its journal is refused.
        let edited = evaluation(try Self.task(cardMaxTokens: 5), output: "edited", limit: 4)
        #expect(throws: Interrupted.self) {
            try edited.run { done, _ in if done > 0 { throw Interrupted() } }
        }
        let error = try #require(throws: HarnessError.self) { try evaluation(try Self.task(), output: "edited", limit: 4).run() }
        #expect(error.description.contains("max_tokens differ"), "\(error)")
        // Nor is a finished results file of another limit reused (sweep --reuse-results).
        let settings = EvaluationSettings(limit: 2, batchSize: 2, outputDirectory: scratch + "/reuse")
        let baseline = MethodSettings(method: "baseline")
        let experiment = Experiment(task: try Self.task(), model: Fixtures.model, store: Fixtures.store(scratch))
        _ = try experiment.run(settings, method: baseline)
        #expect(experiment.finished(settings, method: baseline) != nil)
        let editedCard = Experiment(task: try Self.task(cardMaxTokens: 5), model: Fixtures.model, store: Fixtures.store(scratch))
        #expect(editedCard.finished(settings, method: baseline) == nil)
        // A multiple-choice task generates nothing: the flag is refused, naming it.
        let refusal = try #require(throws: HarnessError.self) { try Fixtures.copa().overridingMaxTokens(8) }
        #expect(refusal.description.contains("--max-tokens limits generated answers, but task copa is multiple_choice"))
        #expect(throws: HarnessError.self) { try Self.task().overridingMaxTokens(0) }
    }
}
