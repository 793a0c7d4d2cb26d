import Foundation
import Harness
import TestSupport
import Testing

/// The three cards' scorers against values worked out by hand (MC1, MC2) and against
/// sacrebleu 2.4.3 and rouge-score 0.1.2 run as lm-eval runs them (Tests/Fixtures/
/// truthfulqa_gen.json, made by scripts/fixtures/truthfulqa_gen.py), including lm-eval's
/// preprocessing of the answers, read here through the task's own CSV reader.
@Suite("TruthfulQA metrics agree with lm-eval's")
struct TruthfulQAScoringTests {
    func scorers(_ task: String) throws -> [any Scorer] {
        try ScoringProtocol.harness.scorers(of: try RealTasks.task(task).card)
    }

    /// A log-likelihood sample with one choice per log-probability.
    func sample(_ id: String, _ logprobs: [Double], _ reference: Reference) -> Sample {
        let choices = logprobs.indices.map { Choice(context: "Q: ?\nA:", continuation: " answer \($0)", text: "answer \($0)") }
        let results = logprobs.map { ChoiceResult(logprob: $0, isGreedy: false, tokenCount: 2, greedyText: "") }
        return Sample(docID: id, request: .loglikelihood(choices: choices), reference: reference, response: .choices(results))
    }

    @Test("MC1 is acc (the first target ranked first); MC2 the probability share of the true targets, worked by hand")
    func multipleChoice() throws {
        let mc1 = try scorers("truthfulqa_mc1"), mc2 = try scorers("truthfulqa_mc2")
        #expect(mc1.map(\.name) == ["acc"] && mc2.map(\.name) == ["mc2"])
        let logprobs: [[Double]] = [[-1, -2, -3, -4], [-3, -1, -2], [-2000, -2001, -2003]]
        let mc1Scores = try mc1[0].scores(logprobs.enumerated().map { sample(String($0.offset), $0.element, .choice(index: 0)) })
        #expect(mc1Scores == [1, 0, 1])
        let trues: [[Int]] = [[0, 1], [0], [0, 1]]
        let mc2Scores = try mc2[0].scores(
            logprobs.indices.map { sample(String($0), logprobs[$0], .trueChoices(indices: trues[$0])) })
        // (e⁻¹ + e⁻²) / (e⁻¹ + e⁻² + e⁻³ + e⁻⁴) = 1 / (1 + e⁻²);  e⁻³ / (e⁻³ + e⁻¹ + e⁻²) = 1 / (1 + e² + e);
        // (1 + e⁻¹) / (1 + e⁻¹ + e⁻³) after taking out e⁻²⁰⁰⁰, whose exp alone underflows to 0.
        let expected = [1 / (1 + exp(-2.0)), 1 / (1 + exp(2.0) + exp(1.0)), (1 + exp(-1.0)) / (1 + exp(-1.0) + exp(-3.0))]
        #expect(expected.map { ($0 * 1e6).rounded() / 1e6 } == [0.880797, 0.090031, 0.964881])
        for (score, value) in zip(mc2Scores, expected) { #expect(abs(score - value) < 1e-12, "\(mc2Scores)") }
        #expect(abs(mc2[0].aggregate(mc2Scores).value - expected.reduce(0, +) / 3) < 1e-12)
    }

    @Test("mc2 refuses a generation, a reference naming no or a missing choice, and a true choice named twice")
    func mc2Refusals() throws {
        let mc2 = try scorers("truthfulqa_mc2")[0]
        for reference in [Reference.answers(["x"]), .trueChoices(indices: []), .trueChoices(indices: [3]), .trueChoices(indices: [0, 0])] {
            let error = try #require(throws: ScoringError.self) { try mc2.scores([sample("d7", [-1, -2], reference)]) }
            #expect(error.metric == "mc2" && error.docID == "d7")
        }
        let generation = Sample(
            docID: "g", request: .generateUntil(context: "Q:", generation: GenerationSettings(until: [], maxTokens: 1)),
            reference: .trueChoices(indices: [0]), response: .generation(Generation(text: "x", tokenCount: 1, stoppedBy: .maxTokens)))
        #expect(throws: ScoringError.self) { try mc2.scores([generation]) }
    }

    struct Fixture: Decodable {
        struct Case: Decodable {
            let generation, correctCell, incorrectCell: String
            let correct, incorrect: [String]
            let metrics: [String: Double]

            enum CodingKeys: String, CodingKey {
                case generation, correctCell = "correct_cell", incorrectCell = "incorrect_cell", correct, incorrect, metrics
            }
        }
        let cases: [Case]
    }

    @Test("gen: lm-eval's answer preprocessing and all twelve metrics of every fixture case, within 1e-6")
    func generation() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: TestPaths.repositoryRoot + "/Tests/Fixtures/truthfulqa_gen.json"))
        let cases = try JSONDecoder().decode(Fixture.self, from: data).cases
        #expect(cases.count >= 12)
        // The cells go through the task's own reader: one CSV row per case, questions in order.
        func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let rows = cases.enumerated().map { i, c in
            ["Adversarial", "Test", String(format: "Question %02d?", i), "Best", c.correctCell, c.incorrectCell, "https://example.org"]
                .map(quoted).joined(separator: ",")
        }
        let url = URL(fileURLWithPath: try TestPaths.scratchDirectory("truthfulqa-fixture") + "/TruthfulQA.csv")
        try Data(
            ("\u{FEFF}Type,Category,Question,Best Answer,Correct Answers,Incorrect Answers,Source\n" + rows.joined(separator: "\n") + "\n")
                .utf8
        )
        .write(to: url)
        let task = try RealTasks.task("truthfulqa_gen")
        let documents = try task.documents(file: "questions", at: url)
        #expect(documents.count == cases.count)
        let settings = GenerationSettings(until: ["\n\n"], maxTokens: 256)
        var samples: [Sample] = []
        for (document, c) in zip(documents, cases) {
            #expect(document.reference == .answerSets(correct: c.correct, incorrect: c.incorrect), "\(c.correctCell) / \(c.incorrectCell)")
            samples.append(
                Sample(
                    docID: document.id, request: .generateUntil(context: "Q:", generation: settings), reference: document.reference,
                    response: .generation(Generation(text: c.generation, tokenCount: 1, stoppedBy: .stopString))))
        }
        let scorers = try scorers("truthfulqa_gen")
        #expect(Set(scorers.map(\.name)) == Set(cases[0].metrics.keys) && scorers.count == 12)
        for scorer in scorers {
            let scores = try scorer.scores(samples)
            for (score, c) in zip(scores, cases) {
                #expect(
                    abs(score - c.metrics[scorer.name]!) <= 1e-6,
                    "\(scorer.name) of \(c.generation.debugDescription): \(score) vs \(c.metrics[scorer.name]!)")
            }
        }
        // The fixture has both outcomes of every acc and ties (diff 0, acc 0).
        for name in ["bleu_acc", "rouge1_acc", "rouge2_acc", "rougeL_acc"] {
            #expect(Set(cases.map { $0.metrics[name]! }) == [0, 1], "\(name)")
        }
        #expect(cases.contains { $0.metrics["bleu_diff"] == 0 && $0.metrics["bleu_acc"] == 0 })
    }

    @Test("the generation metrics refuse choices and references without both answer sets")
    func generationRefusals() throws {
        let bleu = try #require(try scorers("truthfulqa_gen").first { $0.name == "bleu_acc" })
        let settings = GenerationSettings(until: [], maxTokens: 1)
        let text = Response.generation(Generation(text: "No.", tokenCount: 1, stoppedBy: .maxTokens))
        for reference in [
            Reference.answers(["No."]), .answerSets(correct: ["No."], incorrect: []), .answerSets(correct: [], incorrect: ["Yes."]),
        ] {
            let sample = Sample(
                docID: "g1", request: .generateUntil(context: "Q:", generation: settings), reference: reference, response: text)
            let error = try #require(throws: ScoringError.self) { try bleu.scores([sample]) }
            #expect(error.docID == "g1" && error.metric == "bleu_acc")
        }
        #expect(throws: ScoringError.self) { try bleu.scores([sample("c", [-1, -2], .answerSets(correct: ["a"], incorrect: ["b"]))]) }
    }
}
