import Foundation
import Harness
import Testing

@Suite("Metrics")
struct MetricsTests {
    func sample(_ logprobs: [Double], gold: Int, choices: [String], greedy: [String]? = nil, id: String = "d") -> Sample {
        let request = Request.loglikelihood(choices: choices.map { Choice(context: "c", continuation: " " + $0, text: $0) })
        let results = logprobs.enumerated().map { i, logprob in
            ChoiceResult(logprob: logprob, isGreedy: false, tokenCount: 1, greedyText: greedy?[i] ?? "")
        }
        return Sample(docID: id, request: request, reference: .choice(index: gold), response: .choices(results))
    }

    func generated(_ text: String, answers: [String]) -> Sample {
        Sample(
            docID: "g", request: .generateUntil(context: "Q:", generation: GenerationSettings(until: ["\n"], maxTokens: 8)),
            reference: .answers(answers), response: .generation(Generation(text: text, tokenCount: 2, stoppedBy: .stopString)))
    }

    @Test("acc takes the highest sum, acc_norm divides by characters, acc_bytes by UTF-8 bytes")
    func normalisations() throws {
        // -6 over 2 characters is -3/char; -8 over 8 characters is -1/char.
        let s = sample([-6, -8], gold: 1, choices: ["ab", "abcdefgh"])
        #expect(try AccuracyScorer(.none).scores([s]) == [0])
        #expect(try AccuracyScorer(.characters).scores([s]) == [1])
        // "éé" is 2 characters but 4 bytes: -6/4 = -1.5 beats -8/3 ≈ -2.67 per byte.
        let t = sample([-6, -8], gold: 0, choices: ["éé", "abc"])
        #expect(try AccuracyScorer(.characters).scores([t]) == [0])
        #expect(try AccuracyScorer(.bytes).scores([t]) == [1])
        // Ties go to the first choice, as numpy's argmax.
        #expect(AccuracyScorer.prediction([-1, -1], lengths: [1, 1]) == 0)
        #expect(try AccuracyScorer(.none).scores([sample([-1, -1], gold: 0, choices: ["a", "b"])]) == [1])
    }

    @Test("SADI's exact-match normalisation, mark by mark, as its released code strips them")
    func sadiNormalisation() {
        // The authors' list: '.</s>', '.\n', '.', ';', '!', ',', '?', '\n', '</s>', '<pad>', then lower-case.
        let cases: [(String, String)] = [
            (" A", "a"), ("B.", "b"), ("A.</s>", "a"), ("b.\n", "b"), ("A;", "a"), ("A!", "a"), ("A,", "a"), ("A?", "a"),
            ("A\n", "a"), ("A</s>", "a"), ("<pad>A", "a"), ("  Yes, it is!  ", "yes it is"), ("e.g. A", "eg a"),
            ("A:", "a:"), ("(A)", "(a)"), ("A-B", "a-b"), ("", ""),
        ]
        for (text, expected) in cases {
            #expect(ExactMatchScorer.sadiNormalised(text) == expected, "\(text.debugDescription)")
        }
    }

    @Test("exact match: the gold choice's greedy text under SADI's normalisation; generations against any alias")
    func exactMatch() throws {
        let sadi = ExactMatchScorer(normalisation: .sadi)
        // The gold choice (B) was decoded greedily as " B." → "b" == "b"; choice A's text does not matter.
        #expect(try sadi.scores([sample([-1, -2], gold: 1, choices: ["A", "B"], greedy: [" A", " B."])]) == [1])
        #expect(try sadi.scores([sample([-1, -2], gold: 1, choices: ["A", "B"], greedy: [" B", " A"])]) == [0])
        let plain = ExactMatchScorer(normalisation: .none)
        #expect(try plain.scores([generated("Paris", answers: ["paris", "Paris"])]) == [1])
        #expect(try plain.scores([generated(" Paris", answers: ["Paris"])]) == [0])
        let lmEval = ExactMatchScorer(normalisation: .lmEval)
        #expect(try lmEval.scores([generated(" Paris.", answers: ["the city", "paris"])]) == [1])
        // A generation scored by a choice metric is an error naming the document, never a 0.
        #expect(throws: ScoringError.self) { try AccuracyScorer(.none).scores([generated("x", answers: ["x"])]) }
        #expect(throws: ScoringError.self) { try sadi.scores([generated("x", answers: [])]) }
    }

    @Test("the registry builds scorers from card metrics and refuses unknown names, options and output types")
    func registry() throws {
        let registry = ScorerRegistry.standard
        #expect(try registry.scorer(for: MetricSpec("acc_norm"), outputType: .multipleChoice).name == "acc_norm")
        #expect(registry.problem(with: MetricSpec("acc"), outputType: .generateUntil) != nil)
        #expect(registry.problem(with: MetricSpec("bleu"), outputType: .generateUntil)?.problem.contains("no scorer provides") == true)
        #expect(registry.problem(with: MetricSpec("exact_match", options: ["normalise": "loose"]), outputType: .generateUntil) != nil)
        #expect(registry.problem(with: MetricSpec("exact_match", options: ["case": "x"]), outputType: .generateUntil) != nil)
        let sadi = try registry.scorer(for: MetricSpec("exact_match", options: ["normalise": "sadi"]), outputType: .multipleChoice)
        #expect(try sadi.scores([sample([0, 0], gold: 0, choices: ["A", "B"], greedy: [" a.", ""])]) == [1])
        // A metric from outside the standard set registers without editing the registry's file.
        struct LengthScorer: Scorer {
            var name: String { "length" }
            func scores(_ samples: [Sample]) throws -> [Double] { samples.map { Double($0.response.generatedText?.count ?? 0) } }
        }
        let extended = registry.registering(.init(name: "length", outputTypes: [.generateUntil]) { _ in LengthScorer() })
        #expect(try extended.scorer(for: MetricSpec("length"), outputType: .generateUntil).scores([generated("abc", answers: [])]) == [3])
    }

    @Test("mean with the sample standard error lm-eval reports")
    func standardError() {
        let m = MetricValue(scores: [1, 0, 1, 1])
        #expect(m.value == 0.75 && m.count == 4)
        // sqrt(var/n) with var = sum((x - 0.75)^2)/(n-1) = 0.25
        #expect(abs(m.stderr - 0.25) < 1e-12)
        #expect(MetricValue(scores: [1]).stderr.isNaN)
    }
}
