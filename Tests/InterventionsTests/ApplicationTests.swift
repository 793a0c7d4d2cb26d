import Engine
import Foundation
import Harness
import TestSupport
import Testing

@testable import Interventions

@Suite("Applying interventions", .serialized)
struct ApplicationTests {
    static let model = try! ModelLoader.load(path: TestPaths.smolLM2)
    static var layers: Int { model.network.shape.layerCount }

    let requests = [
        LoglikelihoodRequest(
            context:
                "Question:\nThe man turned on the faucet. Based on the previous passage, choose the most reasonable effect.\nA:The toilet filled with water.\nB:Water flowed from the spout.\n\nAnswer:\n",
            continuation: " B", wholeWordSplit: false),
        LoglikelihoodRequest(context: "My body cast a shadow over the grass because", continuation: " the sun was rising."),
        LoglikelihoodRequest(context: "My body cast a shadow over the grass because", continuation: " the grass was cut."),
    ]

    func scores(_ plan: InterventionPlan?) throws -> [Double] {
        try LoglikelihoodRunner(network: Self.model.network, tokenizer: Self.model.tokenizer, batchSize: 2)
            .run(requests, interventions: [plan]).results[0].map(\.logprob)
    }

    func headEdit(layer: Int, heads: [Int], delta: Float) -> SiteEdit {
        SiteEdit(site: .attentionHeads(layer), indices: heads.flatMap { h in (h * 64)..<((h + 1) * 64) }, operation: .scale(delta))
    }

    @Test("live and two-pass agree when every unit is in the last layer (policy prompt-last)")
    func liveEqualsTwoPassLastLayer() throws {
        let edits = [headEdit(layer: Self.layers - 1, heads: [2, 5], delta: 4)]
        let live = InterventionPlan(edits: edits, positions: .promptLast, application: .live, layerCount: Self.layers)
        let twoPass = InterventionPlan(edits: edits, positions: .promptLast, application: .twoPass, layerCount: Self.layers)
        let a = try scores(live), b = try scores(twoPass), base = try scores(nil)
        for i in a.indices { #expect(abs(a[i] - b[i]) < 1e-4, "request \(i): live \(a[i]) two-pass \(b[i])") }
        #expect(zip(a, base).contains { abs($0 - $1) > 1e-3 }, "the edit must change something")
    }

    @Test(
        "two-pass: every layer's heads at the last prompt token are the clean ones, the selected ones scaled from clean; live lets later layers move"
    )
    func twoPassResetsLaterLayers() throws {
        let edits = [headEdit(layer: 10, heads: [0, 1, 2], delta: 9)]
        let livePlan = InterventionPlan(edits: edits, positions: .promptLast, application: .live, layerCount: Self.layers)
        let twoPassPlan = InterventionPlan(edits: edits, positions: .promptLast, application: .twoPass, layerCount: Self.layers)
        #expect(zip(try scores(livePlan), try scores(twoPassPlan)).contains { abs($0 - $1) > 1e-4 })

        let network = Self.model.network
        let tokens = Self.model.tokenizer.encode("My body cast a shadow over the grass because")
        let sites = Set((0..<Self.layers).map { HookSite.attentionHeads($0) })
        let last = tokens.count - 1
        let clean = ActivationRecorder(sites: sites) { $0.position == last }
        _ = try network.forward([SequenceInput(tokens: tokens, state: network.makeState(), logits: .none)], editor: clean)
        let cleanValues = Dictionary(uniqueKeysWithValues: sites.map { ($0, clean.values[$0]![0]) })

        // The last prompt token again, after the clean prefix, with each plan's editor followed by a recorder.
        func lastTokenHeads(_ editor: ActivationEditor) throws -> [HookSite: [Float]] {
            let state = network.makeState()
            _ = try network.forward([SequenceInput(tokens: Array(tokens.dropLast()), state: state, logits: .none)])
            let recorder = ActivationRecorder(sites: sites)
            _ = try network.forward(
                [SequenceInput(tokens: [tokens[last]], state: state, logits: .last)],
                editor: EditThenRecord(editor: editor, recorder: recorder))
            return recorder.values.mapValues { $0[0] }
        }
        let twoPass = try lastTokenHeads(try #require(twoPassPlan.secondPassEditor(clean: [cleanValues])))
        let scaled = Set(edits[0].indices)
        for layer in 0..<Self.layers {
            let site = HookSite.attentionHeads(layer), want = cleanValues[site]!, got = twoPass[site]!
            for i in want.indices {
                let expected = layer == 10 && scaled.contains(i) ? want[i] * 10 : want[i]
                #expect(abs(got[i] - expected) <= 1e-5 * (1 + abs(expected)), "layer \(layer) element \(i): \(got[i]) vs \(expected)")
            }
        }
        // Live scales layer 10 in the pass and lets the change flow on: layer 11's heads move.
        let live = try lastTokenHeads(try #require(livePlan.editor(for: [SequenceSpan(promptLength: tokens.count, firstPosition: last)])))
        #expect(zip(live[.attentionHeads(11)]!, cleanValues[.attentionHeads(11)]!).contains { abs($0 - $1) > 1e-3 })
        #expect(zip(live[.attentionHeads(9)]!, cleanValues[.attentionHeads(9)]!).allSatisfy { abs($0 - $1) <= 1e-5 * (1 + abs($1)) })
    }

    @Test("an edit with δ = 0 changes nothing, whatever the policy")
    func zeroDelta() throws {
        let base = try scores(nil)
        for policy in PositionsPolicy.allCases {
            let plan = InterventionPlan(
                edits: [headEdit(layer: 3, heads: [1], delta: 0)], positions: policy, application: .live,
                layerCount: Self.layers)
            let edited = try scores(plan)
            for i in base.indices { #expect(abs(edited[i] - base[i]) < 1e-5) }
        }
    }

    @Test("positions policies select the documented tokens")
    func policies() {
        // prompt of 5 tokens: positions 0...4 are prompt, 5... answer.
        let pick = { (p: PositionsPolicy) in (0..<8).filter { p.includes(position: $0, promptLength: 5) } }
        #expect(pick(.all) == Array(0..<8))
        #expect(pick(.promptLast) == [4])
        #expect(pick(.fromPromptLast) == [4, 5, 6, 7])
        #expect(pick(.generated) == [5, 6, 7])
    }

    @Test("the live editor scales only the masked elements of the selected rows")
    func liveEditorArithmetic() {
        var data: [Float] = [1, 2, 3, 4, 10, 20, 30, 40]  // two rows of width 4
        let edits: [HookSite: [SiteEdit]] = [.mlpGate(0): [SiteEdit(site: .mlpGate(0), indices: [1, 3], operation: .scale(0.5))]]
        let editor = LiveEditor(edits: edits, policy: .promptLast, spans: [SequenceSpan(promptLength: 2, firstPosition: 0)])
        data.withUnsafeMutableBufferPointer { buffer in
            editor.visit(
                ActivationView(
                    site: .mlpGate(0), data: buffer.baseAddress!, width: 4, stride: 4,
                    rows: [
                        RowPosition(sequence: 0, position: 0, index: 0, count: 2),
                        RowPosition(sequence: 0, position: 1, index: 1, count: 2),
                    ], heads: 1))
        }
        // Row 0 is not the last prompt token; row 1 is: elements 1 and 3 become 20 + 0.5·20, 40 + 0.5·40.
        #expect(data == [1, 2, 3, 4, 10, 30, 30, 60])
    }
}

/// Applies an editor, then records what it left.
final class EditThenRecord: ActivationEditor {
    let editor: ActivationEditor
    let recorder: ActivationRecorder

    init(editor: ActivationEditor, recorder: ActivationRecorder) {
        self.editor = editor
        self.recorder = recorder
    }

    func wants(_ site: HookSite) -> Bool { editor.wants(site) || recorder.wants(site) }

    func visit(_ view: ActivationView) {
        if editor.wants(view.site) { editor.visit(view) }
        if recorder.wants(view.site) { recorder.visit(view) }
    }
}
