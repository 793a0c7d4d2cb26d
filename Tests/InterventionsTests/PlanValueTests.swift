import Engine
import Harness
import Testing

@testable import Interventions

/// The edits each mean-difference method plans, against values worked out by hand from one
/// pair: D = positive − negative.
@Suite struct PlanValueTests {
    // Two layers; residual width = hidden size 4; attention heads 2 × headDim 2 (width 4).
    func shape() throws -> ModelShape { try syntheticShape(layers: 2, heads: 2, headDim: 2) }

    func fit(_ kind: String, positive: [Float], negative: [Float], options: FittingOptions = FittingOptions()) throws
        -> MeanDifferenceFit
    {
        let collected = ActivationCollector.Result(layers: 2, widths: [kind: 4], positive: [kind: [positive]], negative: [kind: [negative]])
        return try MeanDifferenceFit(siteKind: kind, options: options, shape: shape(), collected: collected)
    }

    @Test("CAA adds strength × D of layer K to the whole residual, from the last prompt token on")
    func caa() throws {
        // D of layer 0 = (1, 2, −2, 3); of layer 1 = (−1, 0, −1, 8).
        let fit = try fit("residual", positive: [1, 2, 3, 4, 0, 1, 0, 8], negative: [0, 0, 5, 1, 1, 1, 1, 0])
        let fitted = FittedMeanDifference(method: CAAMethod(), fit: fit)
        let plan = try fitted.plan(k: 1, strength: 2)
        #expect(plan.edits == [SiteEdit(site: .residual(1), indices: [0, 1, 2, 3], operation: .add([-2, 0, -2, 16]))])
        #expect(plan.positions == .fromPromptLast)
        #expect(
            try fitted.plan(k: 0, strength: -1).edits
                == [SiteEdit(site: .residual(0), indices: [0, 1, 2, 3], operation: .add([-1, -2, 2, -3]))])
        // The llama.cpp control vector carries the same direction, scaled the same way.
        #expect(try fitted.controlVector(k: 1, strength: 2) == [1: [-2, 0, -2, 16]])
        #expect(throws: InterventionError.self) { try fitted.plan(k: 2, strength: 1) }
    }

    @Test("sadi-fixed adds δ·D on the top-K heads; sadi-head scales them by δ = s − 1")
    func sadiFixedAndHead() throws {
        // Heads by mean D: layer 0 head 0: (1+2)/2 = 1.5; head 1: (−2+3)/2 = 0.5; layer 1 head 0:
        // (−1+0)/2 = −0.5; head 1: (−1+8)/2 = 3.5. Top 2: layer 1 head 1, then layer 0 head 0.
        let fit = try fit("attention-heads", positive: [1, 2, 3, 4, 0, 1, 0, 8], negative: [0, 0, 5, 1, 1, 1, 1, 0])
        let fixed = try FittedMeanDifference(method: SADIFixedMethod(), fit: fit).plan(k: 2, strength: 3)
        #expect(
            fixed.edits == [
                SiteEdit(site: .attentionHeads(0), indices: [0, 1], operation: .add([2, 4])),
                SiteEdit(site: .attentionHeads(1), indices: [2, 3], operation: .add([-2, 16])),
            ])
        let head = try FittedMeanDifference(method: SADIHeadMethod(), fit: fit).plan(k: 1, strength: 3)
        #expect(head.edits == [SiteEdit(site: .attentionHeads(1), indices: [2, 3], operation: .scale(2))])
        #expect(head.positions == .promptLast)
    }
}
