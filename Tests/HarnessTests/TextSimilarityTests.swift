import Foundation
import Harness
import TestSupport
import Testing

/// BLEU and ROUGE-L against the values sacrebleu 2.4.3 and rouge-score 0.1.2 give for the
/// same sentence pairs (Tests/Fixtures/bleu_rouge.json, made by scripts/fixtures/bleu_rouge.py
/// with lm-evaluation-harness's TruthfulQA settings).
@Suite("BLEU and ROUGE-L as the Python libraries compute them")
struct TextSimilarityTests {
    struct Case: Decodable {
        let prediction, reference: String
        let bleu, rougeL, rougeLsum: Double
    }

    static let cases: [Case] = {
        struct File: Decodable { let cases: [Case] }
        let data = try! Data(contentsOf: URL(fileURLWithPath: TestPaths.repositoryRoot + "/Tests/Fixtures/bleu_rouge.json"))
        return try! JSONDecoder().decode(File.self, from: data).cases
    }()

    @Test("every fixture pair within 1e-6: sentence BLEU, rougeL and lm-eval's rougeLsum")
    func fixtures() {
        #expect(Self.cases.count >= 30)
        for c in Self.cases {
            let bleu = SentenceBLEU.score(prediction: c.prediction, reference: c.reference)
            #expect(abs(bleu - c.bleu) <= 1e-6, "BLEU \(c.prediction.debugDescription): \(bleu) vs \(c.bleu)")
            let rouge = RougeL.sentence(prediction: c.prediction, reference: c.reference)
            #expect(abs(rouge - c.rougeL) <= 1e-6, "rougeL \(c.prediction.debugDescription): \(rouge) vs \(c.rougeL)")
            let summary = RougeL.summary(prediction: c.prediction, reference: c.reference)
            #expect(abs(summary - c.rougeLsum) <= 1e-6, "rougeLsum \(c.prediction.debugDescription): \(summary) vs \(c.rougeLsum)")
        }
    }

    @Test("the intl tokenizer splits punctuation from non-digits and symbols out, keeping 3.14 and 1,000 whole")
    func intlTokenizer() {
        // As sacrebleu does: "5.00!" stays whole (a digit before the "!", nothing after it).
        #expect(SentenceBLEU.tokens("It's 3.14, or $5.00!") == ["It", "'", "s", "3.14", ",", "or", "$", "5.00!"])
        #expect(SentenceBLEU.tokens("1,000 people... ") == ["1,000", "people", ".", ".", "."])
        #expect(RougeL.tokens("Don't STOP-me now, 2day!") == ["don", "t", "stop", "me", "now", "2day"])
    }
}
