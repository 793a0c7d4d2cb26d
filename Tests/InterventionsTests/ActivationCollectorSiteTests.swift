import Engine
import Harness
import TestSupport
import Testing

@testable import Interventions

/// A network that never offers the sites of some kinds (as an architecture without them
/// would), around the tiny BLOOM.
final class SiteHidingNetwork: LanguageModel, @unchecked Sendable {
    let base: any LanguageModel
    let hidden: Set<String>

    init(_ base: any LanguageModel, hiding kinds: Set<String>) {
        self.base = base
        hidden = kinds
    }

    var shape: ModelShape { base.shape }
    var contextLength: Int { base.contextLength }
    var threads: Int { base.threads }
    func makeState() -> KVState { base.makeState() }

    func forward(_ inputs: [SequenceInput], editor: ActivationEditor?) throws -> [Logits] {
        try base.forward(inputs, editor: editor.map { Filter(inner: $0, hidden: hidden) })
    }

    final class Filter: ActivationEditor {
        let inner: ActivationEditor
        let hidden: Set<String>
        init(inner: ActivationEditor, hidden: Set<String>) {
            self.inner = inner
            self.hidden = hidden
        }
        func wants(_ site: HookSite) -> Bool { !hidden.contains(site.kind) && inner.wants(site) }
        func visit(_ view: ActivationView) { inner.visit(view) }
    }
}

/// The collector stops, naming the site, when the network never offers a site it was asked
/// to collect, instead of returning zeros as activations.
@Suite("Activation collection at sites the network does not visit")
struct ActivationCollectorSiteTests {
    static let pairs = [
        ContrastivePair(context: "The sky is", positive: " blue", negative: " green"),
        ContrastivePair(context: "Fire is", positive: " hot", negative: " cold"),
    ]

    static func network() throws -> any LanguageModel {
        try HuggingFaceArchitectures.network(directory: SafeTensorsDirectory(path: TinyCheckpoint.directory("bloom")), threads: 1)
            .network
    }

    @Test("a site kind the network never offers is an error naming the site")
    func missingSite() throws {
        let network = SiteHidingNetwork(try Self.network(), hiding: ["mlp-gate"])
        let collector = ActivationCollector(network: network, tokenizer: ByteTestTokenizer(), batchSize: 2)
        let error = #expect(throws: InterventionError.self) {
            try collector.collect(Self.pairs, kinds: ["residual", "mlp-gate"], at: .lastToken)
        }
        let message = error.map { "\($0)" } ?? "no error"
        #expect(message.contains("mlp-gate(0)") && message.contains("never offered"), "\(message)")
        // The sites it does offer are collected, and are not zeros.
        let result = try collector.collect(Self.pairs, kinds: ["residual", "attention-heads"], at: .lastToken)
        #expect(result.positive["residual"]!.allSatisfy { $0.contains { $0 != 0 } })
        #expect(result.negative["attention-heads"]!.count == Self.pairs.count)
    }

    @Test("a site offered at another width than the shape says is an error naming the site")
    func wrongWidth() throws {
        let recorder = PositionRecorder(sites: [.residual(0)], layers: 1, widths: ["residual": 64], ranges: [[0..<1]])
        var values = [Float](repeating: 1, count: 32)
        values.withUnsafeMutableBufferPointer {
            recorder.visit(
                ActivationView(
                    site: .residual(0), data: $0.baseAddress!, width: 32, stride: 32,
                    rows: [RowPosition(sequence: 0, position: 0, index: 0, count: 1)], heads: 1))
        }
        let error = #expect(throws: InterventionError.self) {
            try ActivationCollector.checkVisits(of: [.residual(0)], widths: ["residual": 64], recorders: [recorder])
        }
        let message = error.map { "\($0)" } ?? "no error"
        #expect(message.contains("residual(0)") && message.contains("32"), "\(message)")
    }
}
