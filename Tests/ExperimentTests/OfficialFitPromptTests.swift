import Engine
import Experiment
import Foundation
import Harness
import Interventions
import TestSupport
import Testing

/// `--protocol official` fits SADI's masks on the text the authors' code reads
/// (`f'{q.strip()} {ref.strip()}'`, the last token), not on the prompt it scores: checked
/// against head differences computed here from the engine's activations, with the text
/// written out by hand.
@Suite("Official fit prompt: SADI's stripped pair texts", .serialized)
struct OfficialFitPromptTests {
    let scratch: String
    static let pairCount = 6

    init() throws { scratch = try TestPaths.scratchDirectory("official-fit") }

    /// D per head (layer-major): the mean over pairs of the mean over the head's dimensions
    /// of right − wrong, each read at the last token of its text.
    func headDifferences(_ texts: [(right: String, wrong: String)]) throws -> [Float] {
        let model = Fixtures.model.loaded, shape = model.network.shape
        let sites = Set((0..<shape.layerCount).map { HookSite.attentionHeads($0) })
        func lastToken(_ text: String) throws -> [HookSite: [Float]] {
            let tokens = model.tokenizer.encode(text)
            let recorder = ActivationRecorder(sites: sites) { $0.position == tokens.count - 1 }
            _ = try model.network.forward(
                [SequenceInput(tokens: tokens, state: model.network.makeState(), logits: .none)], editor: recorder)
            return recorder.values.mapValues { $0[0] }
        }
        var sums = [Double](repeating: 0, count: shape.layerCount * shape.headCount)
        for (right, wrong) in texts {
            let a = try lastToken(right), b = try lastToken(wrong)
            for layer in 0..<shape.layerCount {
                let site = HookSite.attentionHeads(layer)
                for head in 0..<shape.headCount {
                    let range = head * shape.headDim..<(head + 1) * shape.headDim
                    let mean = range.reduce(0.0) { $0 + Double(a[site]![$1] - b[site]![$1]) } / Double(shape.headDim)
                    sums[layer * shape.headCount + head] += mean
                }
            }
        }
        return sums.map { Float($0 / Double(texts.count)) }
    }

    @Test("SADI-HEAD under official ranks heads by D of the stripped texts, and the stripping is what it fits on")
    func strippedTexts() throws {
        let task = try Fixtures.copa()
        let store = Fixtures.store(scratch)
        let documents = Array(try task.documents(split: try task.split(role: .pairs), store: store).prefix(Self.pairCount))
        // SADI's COPA prompt, as its load_copa writes it; its trailing newline is what strip() removes.
        func question(_ d: Document) -> String {
            let f = d.fields
            return
                "Question:\n\(f["premise"]!) Based on the previous passage, choose the most reasonable \(f["question"]!).\nA:\(f["choice1"]!)\nB:\(f["choice2"]!)\n\nAnswer:\n"
        }
        func answers(_ d: Document) -> (right: String, wrong: String) {
            guard case .choice(let gold) = d.reference else { fatalError("COPA documents have a gold choice") }
            return gold == 0 ? ("A", "B") : ("B", "A")
        }
        let stripped = documents.map { d in
            let q = String(question(d).dropLast())
            return (right: q + " " + answers(d).right, wrong: q + " " + answers(d).wrong)
        }
        let scored = documents.map { d in (right: question(d) + " " + answers(d).right, wrong: question(d) + " " + answers(d).wrong) }
        #expect(stripped[0].right.hasSuffix("\n\nAnswer: A") || stripped[0].right.hasSuffix("\n\nAnswer: B"))

        var options = FittingOptions()
        options.pairLimit = Self.pairCount
        let experiment = Experiment(task: task, model: Fixtures.model, store: store)
        func fit(_ scoring: ScoringProtocol, _ prompt: FitPrompt? = nil) throws -> MeanDifferenceFit {
            var options = options
            options.fitPrompt = prompt
            let fitted = try experiment.fit(
                SADIHeadMethod(), options: options, items: TaskItems(task: task, store: store, scoring: scoring), batchSize: 4)
            return try #require(fitted as? FittedMeanDifference<SADIHeadMethod>).fit
        }
        let official = try fit(.official)
        #expect(official.pairCount == Self.pairCount)
        let byHand = try headDifferences(stripped)
        let largest = byHand.map(abs).max()!
        for (i, (got, want)) in zip(official.scores.values, byHand).enumerated() {
            #expect(abs(got - want) <= 1e-4 * largest, "head \(i): fitted \(got), by hand \(want)")
        }
        // The ranking SADI-HEAD selects from: the largest signed D first.
        let ranked = byHand.indices.sorted { byHand[$0] > byHand[$1] }.prefix(5)
            .map { Unit(layer: $0 / official.scores.unitsPerLayer, index: $0 % official.scores.unitsPerLayer) }
        #expect(try official.topUnits(k: 5) == Array(ranked))

        // The texts as scored (the newline kept) give other differences: --fit-prompt scored fits on them.
        let asScored = try headDifferences(scored)
        #expect(zip(asScored, byHand).contains { abs($0 - $1) > 0.05 * largest }, "the stripping changes D")
        let scoredFit = try fit(.official, .scored)
        for (got, want) in zip(scoredFit.scores.values, asScored) { #expect(abs(got - want) <= 1e-4 * largest) }
    }

    @Test("a pair whose right text is longer than 700 tokens is skipped under the stripped fit prompt, kept when scored")
    func longPairsSkipped() throws {
        let short = ContrastivePair(
            context: "Question:\nIs it?\n\nAnswer:\n", positive: " A", negative: " B", splitTrailingWhitespace: false)
        #expect(short.stripped.context == "Question:\nIs it?\n\nAnswer:" && short.stripped.positive == " A")
        #expect(ContrastivePair(context: "\u{1F}\u{A0} x \t", positive: "\nB ", negative: " C").stripped.context == "x")
        let tokenizer = Fixtures.model.loaded.tokenizer
        func words(_ count: Int) -> ContrastivePair {
            ContrastivePair(
                context: String(repeating: "word ", count: count) + "\n", positive: " A", negative: " B", splitTrailingWhitespace: false)
        }
        // "word" + " word" × 699 + " A": 701 tokens; one word fewer is exactly the limit, and kept.
        let long = words(700), atLimit = words(699)
        #expect(try long.stripped.positiveTokenCount(tokenizer) == FitPrompt.tokenLimit + 1)
        #expect(try atLimit.stripped.positiveTokenCount(tokenizer) == FitPrompt.tokenLimit)
        #expect(try ContrastivePair.fitting([atLimit], prompt: .stripped, tokenizer: tokenizer).pairs.count == 1)
        #expect(try short.stripped.positiveTokenCount(tokenizer) == tokenizer.encode("Question:\nIs it?\n\nAnswer: A").count)
        let stripped = try ContrastivePair.fitting([short, long, short], prompt: .stripped, tokenizer: tokenizer)
        #expect(stripped.pairs == [short.stripped, short.stripped] && stripped.skipped == 1)
        let scored = try ContrastivePair.fitting([short, long, short], prompt: .scored, tokenizer: tokenizer)
        #expect(scored.pairs == [short, long, short] && scored.skipped == 0)
    }
}
