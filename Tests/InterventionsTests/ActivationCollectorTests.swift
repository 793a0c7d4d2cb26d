import Engine
import Harness
import TestSupport
import Testing

@testable import Interventions

/// The collector runs each pair's prompt once and both answers from forks of its state;
/// what it reads must be what one pass over prompt + answer shows at the read position.
@Suite("Activation collection on the real model")
struct ActivationCollectorTests {
    static let model = try! ModelLoader.load(path: TestPaths.smolLM2)
    static let pairs = [
        ContrastivePair(
            context: "The man turned on the faucet. As a result,", positive: " water flowed from the spout.",
            negative: " the toilet filled with water."),
        ContrastivePair(context: "Question:\nWhich is right?\nAnswer:\n", positive: "A", negative: "B"),
        ContrastivePair(context: "I", positive: " ran", negative: " ran away"),
    ]

    /// Mean of a site's rows over `range` in one uncached pass over `tokens`.
    static func reference(_ tokens: [Int32], kind: String, range: Range<Int>) throws -> [Float] {
        let shape = model.network.shape
        let sites = Set((0..<shape.layerCount).map { HookSite(kind: kind, layer: $0)! })
        let recorder = ActivationRecorder(sites: sites) { range.contains($0.position) }
        _ = try model.network.forward([SequenceInput(tokens: tokens, logits: .none)], editor: recorder)
        let width = shape.width(of: sites.first!)
        var out = [Float](repeating: 0, count: shape.layerCount * width)
        for layer in 0..<shape.layerCount {
            for row in recorder.values[HookSite(kind: kind, layer: layer)!]! {
                for i in 0..<width { out[layer * width + i] += row[i] / Float(range.count) }
            }
        }
        return out
    }

    @Test("shared prompts give the activations of whole prompt + answer passes", arguments: ReadPosition.allCases)
    func matchesWholePasses(position: ReadPosition) throws {
        let collector = ActivationCollector(network: Self.model.network, tokenizer: Self.model.tokenizer, batchSize: 2)
        let kinds = ["attention-heads", "mlp-output"]
        let result = try collector.collect(Self.pairs, kinds: kinds, at: position)
        for (p, pair) in Self.pairs.enumerated() {
            for (answer, side) in [(pair.positive, result.positive), (pair.negative, result.negative)] {
                let e = try LoglikelihoodRequest(context: pair.context, continuation: answer, wholeWordSplit: pair.splitTrailingWhitespace)
                    .encode(with: Self.model.tokenizer)
                let tokens = e.context + e.continuation
                let range = position.range(in: (tokens, e.context.count))
                for kind in kinds {
                    let expected = try Self.reference(tokens, kind: kind, range: range)
                    let got = side[kind]![p]
                    let worst = zip(got, expected).map { abs($0 - $1) / max(1, abs($1)) }.max()!
                    // The shared prompt often has 16 rows or fewer, which run through the fused
                    // decoding kernels (FMA, their own summation order), the whole pass through
                    // sgemm: float32 rounding that 30 layers grow to 2.8e-4 at worst. A wrong
                    // position, fork or prefix differs by far more than 1e-3.
                    #expect(worst < 1e-3, "pair \(p) answer \(answer.debugDescription) \(kind): relative difference \(worst)")
                }
            }
        }
    }
}
