import Engine
import Foundation
import Harness
@testable import Interventions
import Testing
import TestSupport

@Suite("Applying interventions", .serialized)
struct ApplicationTests {
    static let model = try! ModelLoader.load(path: TestPaths.smolLM2)
    static var layers: Int { model.network.shape.layerCount }

    let requests = [
        LoglikelihoodRequest(context: "Question:\nThe man turned on the faucet. Based on the previous passage, choose the most reasonable effect.\nA:The toilet filled with water.\nB:Water flowed from the spout.\n\nAnswer:\n", continuation: " B", wholeWordSplit: false),
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

    @Test("two-pass overwrites every layer: units in a middle layer differ from live")
    func twoPassResetsLaterLayers() throws {
        let edits = [headEdit(layer: 10, heads: [0, 1, 2], delta: 9)]
        let live = try scores(InterventionPlan(edits: edits, positions: .promptLast, application: .live, layerCount: Self.layers))
        let twoPass = try scores(InterventionPlan(edits: edits, positions: .promptLast, application: .twoPass, layerCount: Self.layers))
        #expect(zip(live, twoPass).contains { abs($0 - $1) > 1e-4 })
    }

    @Test("an edit with δ = 0 changes nothing, whatever the policy")
    func zeroDelta() throws {
        let base = try scores(nil)
        for policy in PositionsPolicy.allCases {
            let plan = InterventionPlan(edits: [headEdit(layer: 3, heads: [1], delta: 0)], positions: policy, application: .live,
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
            editor.visit(ActivationView(site: .mlpGate(0), data: buffer.baseAddress!, width: 4, stride: 4,
                                        rows: [RowPosition(sequence: 0, position: 0, index: 0, count: 2),
                                               RowPosition(sequence: 0, position: 1, index: 1, count: 2)], heads: 1))
        }
        // Row 0 is not the last prompt token; row 1 is: elements 1 and 3 become 20 + 0.5·20, 40 + 0.5·40.
        #expect(data == [1, 2, 3, 4, 10, 30, 30, 60])
    }
}
