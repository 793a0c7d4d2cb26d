import Engine
import Foundation
import Harness
import Testing

@testable import Interventions

/// A model shape for synthetic activations (ModelShape has no public initialiser; it is Codable).
func syntheticShape(layers: Int, heads: Int, headDim: Int) throws -> ModelShape {
    let json =
        #"{"layerCount":\#(layers),"hiddenSize":\#(heads * headDim),"headCount":\#(heads),"headDim":\#(headDim),"intermediateSize":8,"vocabularySize":10}"#
    return try JSONDecoder().decode(ModelShape.self, from: Data(json.utf8))
}

/// Two layers × two heads of two values. Per pair and side, rows are laid out
/// [layer 0: h0d0 h0d1 h1d0 h1d1][layer 1: …]. Heads (0,0) and (1,1) are all zeros on both
/// sides (nothing to learn), head (1,0) separates the answers along θ = (0.6, 0.8), head
/// (0,1) along (1, 0), with one held-out positive on the wrong side.
enum SyntheticHeads {
    static func pair(l0h1: [Float], l1h0: [Float]) -> [Float] { [0, 0] + l0h1 + l1h0 + [0, 0] }

    static let trainPositive: [[Float]] = [
        pair(l0h1: [2, 0], l1h0: [3, 4]), pair(l0h1: [2, 0], l1h0: [1.8, 2.4]),
        pair(l0h1: [2, 0], l1h0: [3, 4]), pair(l0h1: [2, 0], l1h0: [1.8, 2.4]),
    ]
    static let trainNegative: [[Float]] = [
        pair(l0h1: [-2, 0], l1h0: [-1.8, -2.4]), pair(l0h1: [-2, 0], l1h0: [-3, -4]),
        pair(l0h1: [-2, 0], l1h0: [-1.8, -2.4]), pair(l0h1: [-2, 0], l1h0: [-3, -4]),
    ]
    static let heldPositive: [[Float]] = [
        pair(l0h1: [1, 0], l1h0: [4, 4]), pair(l0h1: [1, 0], l1h0: [4, 4]),
        pair(l0h1: [1, 0], l1h0: [4, 4]), pair(l0h1: [-1, 0], l1h0: [4, 4]),
    ]
    static let heldNegative: [[Float]] = (0..<4).map { _ in pair(l0h1: [-1, 0], l1h0: [-4, -4]) }

    static func fit(options: FittingOptions = FittingOptions(), threads: Int = 2) throws -> FittedITI {
        let training = try SiteActivations(
            pairs: 4, layers: 2, width: 4, unitSize: 2, unitName: "attention heads",
            positive: trainPositive.flatMap { $0 }, negative: trainNegative.flatMap { $0 })
        let validation = try SiteActivations(
            pairs: 4, layers: 2, width: 4, unitSize: 2, unitName: "attention heads",
            positive: heldPositive.flatMap { $0 }, negative: heldNegative.flatMap { $0 })
        return try FittedITI(
            options: options, shape: syntheticShape(layers: 2, heads: 2, headDim: 2),
            training: training, validation: validation, threads: threads)
    }
}

@Suite struct ITITests {
    @Test func separableHeadGetsAccuracyOneAndRanksFirst() throws {
        let iti = try SyntheticHeads.fit()
        let accuracy = Dictionary(uniqueKeysWithValues: iti.heads.map { ($0.unit, $0.validationAccuracy) })
        #expect(accuracy[SteeringUnit(layer: 1, index: 0)] == 1)
        #expect(accuracy[SteeringUnit(layer: 0, index: 1)] == 0.875)  // 3 of 4 positives, 4 of 4 negatives
        // Heads with nothing to learn: w = b = 0, logit 0 counts as false, so half are right.
        #expect(accuracy[SteeringUnit(layer: 0, index: 0)] == 0.5)
        #expect(accuracy[SteeringUnit(layer: 1, index: 1)] == 0.5)
        #expect(iti.heads.first { $0.unit == SteeringUnit(layer: 1, index: 0) }?.trainAccuracy == 1)
        // Ties at 0.5 go to (layer, head) ascending.
        #expect(
            try iti.selectedHeads(k: 4).map(\.unit)
                == [
                    SteeringUnit(layer: 1, index: 0), SteeringUnit(layer: 0, index: 1), SteeringUnit(layer: 0, index: 0),
                    SteeringUnit(layer: 1, index: 1),
                ])
    }

    @Test func shiftIsAlphaSigmaThetaByHand() throws {
        let iti = try SyntheticHeads.fit()
        let head = iti.heads.first { $0.unit == SteeringUnit(layer: 1, index: 0) }!
        // D = (2.4, 3.2) − (−2.4, −3.2) = (4.8, 6.4), ‖D‖ = 8, θ = (0.6, 0.8); projections
        // 5, 3, 5, 3, −3, −5, −3, −5 have mean 0 and variance 17, so σ = √17.
        #expect(abs(head.direction[0] - 0.6) < 1e-6 && abs(head.direction[1] - 0.8) < 1e-6)
        #expect(abs(head.difference[0] - 4.8) < 1e-5 && abs(head.difference[1] - 6.4) < 1e-5)
        #expect(abs(head.std - Float(17.0.squareRoot())) < 1e-5)

        let plan = try iti.plan(k: 2, strength: 2)
        #expect(plan.positions == .fromPromptLast)
        #expect(plan.application == .live)
        #expect(plan.edits.map(\.site) == [.attentionHeads(0), .attentionHeads(1)])
        // Layer 0: head 1 (elements 2, 3), θ = (1, 0), σ = 2 → shift 2·2·(1, 0).
        #expect(plan.edits[0].indices == [2, 3])
        guard case let .add(low) = plan.edits[0].operation, case let .add(high) = plan.edits[1].operation else {
            Issue.record("ITI edits add a shift")
            return
        }
        #expect(zip(low, [4, 0] as [Float]).allSatisfy { abs($0 - $1) < 1e-5 })
        // Layer 1: head 0 (elements 0, 1), shift 2·√17·(0.6, 0.8).
        #expect(plan.edits[1].indices == [0, 1])
        let s = 2 * 17.0.squareRoot()
        #expect(zip(high, [Float(s * 0.6), Float(s * 0.8)]).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test func headsWithoutADirectionShiftNothing() throws {
        let iti = try SyntheticHeads.fit()
        let plan = try iti.plan(k: 4, strength: 15)
        guard case let .add(values) = plan.edits[0].operation else {
            Issue.record("an add")
            return
        }
        // Layer 0 holds heads 0 (zero D: zero shift) and 1.
        #expect(plan.edits[0].indices == [0, 1, 2, 3])
        #expect(values[0] == 0 && values[1] == 0)
    }

    @Test func layersRestrictTheCandidatesAndKIsChecked() throws {
        var options = FittingOptions()
        options.layers = 0...0
        options.policy = .all
        let iti = try SyntheticHeads.fit(options: options)
        #expect(try iti.selectedHeads(k: 1).map(\.unit) == [SteeringUnit(layer: 0, index: 1)])
        #expect(try iti.plan(k: 1, strength: 1).positions == .all)
        #expect(throws: FittingError.self) { try iti.plan(k: 3, strength: 1) }
        #expect(throws: FittingError.self) { try iti.plan(k: 0, strength: 1) }
        #expect(throws: InterventionError.self) { try iti.plan(k: 1, strength: .nan) }
    }

    @Test func resultDoesNotDependOnThreads() throws {
        #expect(try SyntheticHeads.fit(threads: 1).heads == SyntheticHeads.fit(threads: 2).heads)
    }

    @Test func refusesOtherSitesAndShapes() throws {
        var options = FittingOptions()
        options.siteKind = "mlp-gate"
        #expect(throws: InterventionError.self) { try SyntheticHeads.fit(options: options) }
        let activations = try SiteActivations(pairs: 1, layers: 1, width: 4, unitSize: 2, positive: [1, 2, 3, 4], negative: [0, 0, 0, 0])
        #expect(throws: FittingError.self) {
            try FittedITI(
                options: FittingOptions(), shape: syntheticShape(layers: 2, heads: 2, headDim: 2),
                training: activations, validation: activations)
        }
    }

    @Test func registryFindsITIWithItsDefaults() throws {
        let iti = try #require(try MethodRegistry.standard.method(named: "iti"))
        #expect(iti is ITIMethod && FittedITI.siteKind == "attention-heads")
        #expect(iti.defaultPolicy == .fromPromptLast && iti.officialApplication == .live)
        #expect(iti.defaultKs(shape: try syntheticShape(layers: 30, heads: 9, headDim: 64)) == [4, 8, 16, 32, 48])
        #expect(iti.defaultStrengths == [1, 2, 5, 10, 15, 20])
        #expect(iti.kMeaning == "heads")
        #expect(
            MethodRegistry.standard.names == [
                "baseline", "sadi-hidden", "sadi-head", "sadi-neuron", "caa", "sadi-random", "sadi-fixed", "iti",
            ])
        #expect(try MethodRegistry.standard.method(named: "baseline") == nil)
    }
}
