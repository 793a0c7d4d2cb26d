import Harness
import Testing

/// TriviaQA's two exact matches against their reference code: lm-eval 0.4.13's
/// `exact_match_hf_evaluate` (ignore_case, ignore_punctuation) after its remove_whitespace
/// filter, and the official evaluation's `normalize_answer`. Every expected value below is
/// what that Python code gave (CPython 3.11, numpy 2.4), except where noted.
@Suite("Exact match: lm-eval's and TriviaQA's normalisations")
struct ExactMatchNormalisationTests {
    let lmEval = ExactMatchScorer(normalisation: .lmEval)
    let triviaQA = ExactMatchScorer(normalisation: .triviaqa, name: "exact_match_triviaqa")

    /// (prediction, answers, lm-eval's verdict, TriviaQA's verdict)
    static let matches: [(String, [String], Bool, Bool)] = [
        (" Paris.", ["the city", "paris"], true, true),
        ("The Beatles", ["Beatles"], false, true),  // articles
        (" the beatles", ["The Beatles"], true, true),
        ("O'Neill", ["ONeill"], true, false),  // punctuation inside a word: deleted vs a space
        ("O\u{2019}Neill", ["O'Neill"], false, true),  // a typographic apostrophe
        ("Ruby", ["Ruby "], false, true),  // lm-eval strips the generation, never the answer
        ("  Washington  ", ["Washington, D.C."], false, false),
        ("A Tale of Two Cities", ["Tale of Two Cities"], false, true),
        ("rock_and_roll", ["rock and roll"], false, true),  // the underscore
        ("\u{039F}\u{0394}\u{039F}\u{03A3}", ["\u{03BF}\u{03B4}\u{03BF}\u{03C2}"], true, true),  // final sigma
        ("1930\u{2019}s", ["1930's"], false, true),
        ("Paris\t", ["PARIS"], true, true),
        ("", ["x"], false, false),
        ("a", ["the"], false, true),  // both normalise to nothing
        ("Mr. Smith", ["Mr Smith"], true, true),
        ("S\u{E3}o Paulo", ["Sao Paulo"], false, false),
        ("New\u{A0}York", ["New York"], false, true),  // a no-break space is whitespace to split()
        ("Don't", ["Dont"], true, false),
        (" Anne", ["anne"], true, true),  // "an" only as a whole word
        ("\u{201C}Jaws\u{201D}", ["Jaws"], false, false),  // curly double quotes are kept by both
        ("Jaws!", ["\u{201C}Jaws\u{201D}"], false, false),
        ("U.S.A.", ["usa"], true, false),
        // lm-eval gives false: numpy lower-cases into arrays as wide as the input, cutting
        // "i̇stanbul" (9 code points from 8) to "i̇stanbu". Here Python's str.lower, untruncated.
        ("\u{0130}stanbul", ["i\u{0307}stanbul"], true, true),
    ]

    @Test("a prediction matches when any alias matches, under each normalisation as its reference code decides")
    func verdicts() {
        for (prediction, answers, lmEvalVerdict, triviaQAVerdict) in Self.matches {
            #expect(lmEval.matches(prediction, answers: answers) == lmEvalVerdict, "lm-eval: \(prediction.debugDescription) vs \(answers)")
            #expect(
                triviaQA.matches(prediction, answers: answers) == triviaQAVerdict, "triviaqa: \(prediction.debugDescription) vs \(answers)")
        }
    }

    @Test("the normalised texts themselves: articles, punctuation, underscores, combining marks, Unicode spaces and numbers")
    func normalisedTexts() {
        // (text, lm-eval's normalisation (without the filter), TriviaQA's normalize_answer)
        let cases: [(String, String, String)] = [
            ("The Beatles", "the beatles", "beatles"),
            ("  A Tale of Two Cities ", "  a tale of two cities ", "tale of two cities"),
            ("rock_and_roll", "rockandroll", "rock and roll"),
            ("O\u{2019}Neill\u{B4}s `x`", "o\u{2019}neill\u{B4}s x", "o neill s x"),
            ("Anne and an ant", "anne and an ant", "anne and ant"),
            ("the\u{301} end", "the\u{301} end", "\u{301} end"),  // a combining mark is no word character
            ("th\u{E9} end", "th\u{E9} end", "th\u{E9} end"),
            ("New\u{A0}York", "new\u{A0}york", "new york"),
            (
                "\u{039F}\u{0394}\u{039F}\u{03A3} \u{03A3}\u{0391}\u{03A3}", "\u{03BF}\u{03B4}\u{03BF}\u{03C2} \u{03C3}\u{03B1}\u{03C2}",
                "\u{03BF}\u{03B4}\u{03BF}\u{03C2} \u{03C3}\u{03B1}\u{03C2}"
            ),
            ("a.the.an", "athean", ""),
            ("The_A_Team", "theateam", "team"),
            ("x\u{3000}y", "x\u{3000}y", "x y"),
            ("\u{BD} a \u{BD}", "\u{BD} a \u{BD}", "\u{BD} \u{BD}"),  // ½ has a numeric value: a word character
            ("caf\u{E9} the\u{2019}s", "caf\u{E9} the\u{2019}s", "caf\u{E9} s"),
            // Control characters are neither word characters nor (but U+001C–U+001F) spaces.
            ("x\u{0}the\u{1C}y", "x\u{0}the\u{1C}y", "x\u{0} y"),
            ("a\u{0}b", "a\u{0}b", "\u{0}b"),
            ("THE-END_a", "theenda", "end"),
            ("\u{7F}An\u{0B}apple", "\u{7F}an\u{0B}apple", "\u{7F} apple"),
        ]
        for (text, lmEvalText, triviaQAText) in cases {
            #expect(lmEval.normalise(text) == lmEvalText, "\(text.debugDescription)")
            #expect(triviaQA.normalise(text) == triviaQAText, "\(text.debugDescription)")
            #expect(ExactMatchScorer.triviaQANormalised(text) == triviaQAText)
        }
        // ASCII text takes a byte path: it agrees with the code-point path, which a word
        // with an accent forces.
        for text in cases.map(\.0) + Self.matches.map(\.0) {
            #expect(ExactMatchScorer.lmEvalNormalised(text + " \u{E9}") == ExactMatchScorer.lmEvalNormalised(text) + " \u{E9}")
            let words = ExactMatchScorer.triviaQANormalised(text)
            #expect(ExactMatchScorer.triviaQANormalised(text + " \u{E9}") == (words.isEmpty ? "\u{E9}" : words + " \u{E9}"))
        }
        // Only the prediction is filtered (lm-eval's remove_whitespace), by Python's strip.
        #expect(lmEval.filtered("\u{2003} Paris \n") == "Paris")
        #expect(triviaQA.filtered(" Paris ") == " Paris ")
    }

    @Test("Python's str.lower: full mappings and the final sigma")
    func pythonLower() {
        #expect(PythonText.lowercased("\u{0130}") == "i\u{0307}")
        #expect(PythonText.lowercased("\u{03A3}") == "\u{03C3}")  // alone: not final
        #expect(PythonText.lowercased("A\u{03A3}") == "a\u{03C2}")
        #expect(PythonText.lowercased("A\u{03A3}.") == "a\u{03C2}.")
        #expect(PythonText.lowercased("A\u{03A3}B") == "a\u{03C3}b")
        #expect(PythonText.lowercased("A\u{03A3}'B") == "a\u{03C3}'b")  // the apostrophe is case-ignorable
        #expect(PythonText.lowercased("\u{1E9E}") == "\u{DF}")
    }

    @Test("both are registered: exact_match with normalise triviaqa, and exact_match_triviaqa under its own name")
    func registered() throws {
        let registry = ScorerRegistry.standard
        let own = try registry.scorer(for: MetricSpec("exact_match_triviaqa"), outputType: .generateUntil)
        #expect(own.name == "exact_match_triviaqa" && (own as? ExactMatchScorer)?.normalisation == .triviaqa)
        let option = try registry.scorer(for: MetricSpec("exact_match", options: ["normalise": "triviaqa"]), outputType: .generateUntil)
        #expect(option.name == "exact_match" && (option as? ExactMatchScorer)?.normalisation == .triviaqa)
        #expect(
            registry.problem(with: MetricSpec("exact_match_triviaqa", options: ["normalise": "sadi"]), outputType: .generateUntil) != nil)
    }
}
