import Engine
import Foundation
import Testing

/// Log-softmax pieces that every scored continuation uses, against double precision.
@Suite("Logit summaries")
struct LogitSummaryTests {
    /// log Σ exp(x − max) and log softmax in double precision, term by term.
    static func reference(_ row: [Float]) -> (maximum: Float, logNormalizer: Double) {
        let m = row.max()!
        return (m, log(row.reduce(0.0) { $0 + Foundation.exp(Double($1 - m)) }))
    }

    @Test("normaliser and log-probabilities match double precision on vocabulary-sized rows", arguments: [1, 7, 1024, 49_152, 50_001])
    func matchesDouble(width: Int) {
        var generator = SplitMix64(seed: UInt64(width))
        let row = (0..<width).map { _ in Float(Double(generator.next() % 1_000_000) / 1_000_000 * 40 - 25) }
        let summary = LogitSummary(row[...])
        let expected = Self.reference(row)
        #expect(summary.maximum == expected.maximum)
        #expect(abs(summary.logNormalizer - expected.logNormalizer) < 1e-5)
        for token in [0, width / 2, width - 1] {
            let want = Double(row[token] - expected.maximum) - expected.logNormalizer
            #expect(abs(summary.logProbability(of: Int32(token), in: row[...]) - want) < 1e-5)
        }
        #expect(row[Int(summary.argmax)] == expected.maximum)
    }

    @Test("argmax takes the first of tied maxima, and slices keep their own indices")
    func argmaxTies() {
        let values: [Float] = [9, 1, 3, 3, 2, 3]
        #expect(LogitSummary(values[1...]).argmax == 1)
        #expect(LogitSummary([-1, -1, -1][...]).argmax == 0)
        // Two rows of one buffer, summarised in parallel, as the runner does.
        let buffer: [Float] = [0, 5, 1, 7, 2, 2]
        let rows = [buffer[0..<3], buffer[3..<6]]
        let summaries = LogitSummary.summarize(rows, threads: 2)
        #expect(summaries.map(\.argmax) == [1, 0])
        #expect(summaries[1].maximum == 7)
        #expect(abs(summaries[0].logProbability(of: 1, in: rows[0]) - -log(exp(-5.0) + 1 + exp(-4.0))) < 1e-6)
    }
}
