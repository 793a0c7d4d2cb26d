import Foundation
import TestSupport
import Testing

@testable import Engine

/// `LanguageModel.score`: the output projection folded tile by tile into per-row summaries,
/// against `forward`'s whole rows summarised by `LogitSummary`.
@Suite struct LogitScoringTests {
    /// Summaries of rows fed in pieces equal the summary of the whole row, ties included.
    @Test("a row folded in pieces and merged across threads summarises as the whole row")
    func partialSummaries() {
        var generator = SplitMix64(seed: 3)
        for width in [1, 5, 1024, 3000] {
            var row = (0..<width).map { _ in Float(Int(generator.next() % 2001) - 1000) / 50 }
            // Tied maxima in different pieces: the first must win.
            if width > 10 {
                row[width - 2] = 30
                row[width / 3] = 30
            }
            let whole = LogitSummary(row[...])
            for pieces in [1, 2, 7] {
                var merged = WeightMatrix.PartialSummary()
                row.withUnsafeBufferPointer { values in
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: LogitSummary.block) { scratch in
                        // Two "threads", each folding its pieces in order, then merged.
                        let half = width / 2
                        for (lo, hi) in [(0, half), (half, width)] where lo < hi {
                            var part = WeightMatrix.PartialSummary()
                            var start = lo
                            let step = max(1, (hi - lo) / pieces)
                            while start < hi {
                                let n = min(step, hi - start)
                                part.add(values.baseAddress! + start, count: n, first: start, scratch: scratch.baseAddress!)
                                start += n
                            }
                            merged.merge(part)
                        }
                    }
                }
                #expect(merged.maximum == whole.maximum, "width \(width), \(pieces) pieces")
                #expect(merged.argmax == whole.argmax, "width \(width), \(pieces) pieces")
                #expect(abs(log(merged.total) - whole.logNormalizer) < 1e-6, "width \(width), \(pieces) pieces")
            }
        }
    }

    /// score against forward: every requested row's summary and the chosen tokens' logits.
    static func compare(_ model: any LanguageModel, threads: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        var generator = SplitMix64(seed: 17)
        let vocabulary = model.shape.vocabularySize
        func tokens(_ n: Int) -> [Int32] { (0..<n).map { _ in Int32(generator.next() % UInt64(vocabulary)) } }
        let prompts = [tokens(9), tokens(15), tokens(4)]
        let selections: [LogitSelection] = [.all, .last, .indices([0, 2])]
        let wanted = zip(prompts, selections).map { prompt, selection in
            selection.resolve(count: prompt.count).map { _ in tokens(3) }
        }
        let inputs = zip(prompts, selections).map { SequenceInput(tokens: $0, logits: $1) }
        let scored = try model.score(inputs, editor: nil, tokens: wanted)
        let rows = try model.forward(inputs)
        #expect(scored.map(\.count) == rows.map(\.rows.count), sourceLocation: sourceLocation)
        for (s, (logits, scores)) in zip(rows, scored).enumerated() {
            for (i, score) in scores.enumerated() {
                let row = logits[i], summary = LogitSummary(row)
                #expect(score.summary.argmax == summary.argmax, "sequence \(s) row \(i)", sourceLocation: sourceLocation)
                #expect(abs(score.summary.maximum - summary.maximum) < 1e-4, "sequence \(s) row \(i)", sourceLocation: sourceLocation)
                #expect(
                    abs(score.summary.logNormalizer - summary.logNormalizer) < 1e-4, "sequence \(s) row \(i)",
                    sourceLocation: sourceLocation)
                for (k, token) in wanted[s][i].enumerated() {
                    let want = summary.logProbability(of: token, in: row)
                    #expect(
                        abs(score.logProbability(ofTokenAt: k) - want) < 1e-4, "sequence \(s) row \(i) token \(token)",
                        sourceLocation: sourceLocation)
                }
            }
        }
    }

    @Test("SmolLM2 (49,152-token vocabulary, many tiles a thread): score equals forward's rows", arguments: [1, 2])
    func smolLM2(threads: Int) throws {
        try Self.compare(LlamaModel(gguf: GGUFFile(path: TestPaths.smolLM2), threads: threads), threads: threads)
    }

    @Test("the tiny GPT-2 (the LayerNorm decoder): score equals forward's rows")
    func decoderModel() throws {
        try Self.compare(TinyDecoderArchitectureTests.model("gpt2"), threads: 2)
    }

    @Test("tokens that do not match the requested rows, or lie outside the vocabulary, are refused")
    func refusals() throws {
        let model = try LlamaModel(gguf: GGUFFile(path: TestPaths.tinyGGUF("F32")))
        let input = [SequenceInput(tokens: [1, 2, 3], logits: .all)]
        #expect(throws: EngineError.self) { try model.score(input, editor: nil, tokens: [[[1], [2]]]) }
        #expect(throws: EngineError.self) { try model.score(input, editor: nil, tokens: [[[1], [2], [3]], [[4]]]) }
        #expect(throws: EngineError.self) { try model.score(input, editor: nil, tokens: [[[1], [2], [1_000_000]]]) }
        let fine = try model.score(input, editor: nil, tokens: [[[1], [], [2, 3]]])
        #expect(fine[0].map(\.logits.count) == [1, 0, 2])
    }
}
