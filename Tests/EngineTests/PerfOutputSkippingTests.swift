import Foundation
import TestSupport
import Testing

@testable import Engine

/// The last layer runs its projections only for rows whose logits are wanted unless an
/// editor reads that layer; the requested logits and the KV states must not change.
@Suite("last-layer output skipping", .serialized)
struct PerfOutputSkippingTests {
    static let model: LlamaModel = try! LlamaModel(gguf: GGUFFile(path: TestPaths.smolLM2))

    /// Reads the last layer's residual, which forces the full pass.
    final class LastLayerReader: ActivationEditor {
        let site: HookSite
        init(layer: Int) { site = .residual(layer) }
        func wants(_ site: HookSite) -> Bool { site == self.site }
        func visit(_ view: ActivationView) {}
    }

    static func tokens(_ count: Int, seed: UInt64) -> [Int32] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in Int32(generator.next() % 49152) }
    }

    @Test("requested logits equal the full pass's, for last, indices (unordered, repeated) and all")
    func sameLogits() throws {
        let full = LastLayerReader(layer: Self.model.shape.layerCount - 1)
        let selections: [LogitSelection] = [.last, .indices([5, 1, 5, 30]), .none, .all, .indices([0])]
        let inputs = selections.enumerated().map { i, selection in
            SequenceInput(tokens: Self.tokens(31 + i, seed: UInt64(i)), logits: selection)
        }
        let skipped = try Self.model.forward(inputs)
        let reference = try Self.model.forward(inputs, editor: full)
        for (a, b) in zip(skipped, reference) {
            #expect(a.rows == b.rows)
            #expect(maxAbsDifference(a.values, b.values) < 1e-4)
        }
    }

    @Test("a state filled by a skipped pass continues like one filled by the full pass")
    func statesUnchanged() throws {
        let full = LastLayerReader(layer: Self.model.shape.layerCount - 1)
        let prompt = Self.tokens(40, seed: 9)
        let skippedState = Self.model.makeState(), fullState = Self.model.makeState()
        _ = try Self.model.forward([SequenceInput(tokens: prompt, state: skippedState)])
        _ = try Self.model.forward([SequenceInput(tokens: prompt, state: fullState)], editor: full)
        let next = Self.tokens(3, seed: 10)
        let a = try Self.model.forward([SequenceInput(tokens: next, state: skippedState, logits: .all)])[0]
        let b = try Self.model.forward([SequenceInput(tokens: next, state: fullState, logits: .all)], editor: full)[0]
        #expect(maxAbsDifference(a.values, b.values) < 1e-4)
    }
}
