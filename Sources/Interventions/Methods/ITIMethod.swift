import Engine
import Harness

/// ITI (Li et al. 2023, inference-time intervention): per-head logistic probes pick the K
/// heads that best separate right from wrong answers on held-out pairs; each is shifted by
/// α·σ·θ along its mass-mean direction θ, from the last prompt token on (as its released
/// code does: the last token of every generation step, and the answer tokens when scoring).
public struct ITIMethod: InterventionMethod {
    /// The probes' L2 penalty (scikit-learn's 1/C; ITI uses C = 1).
    public let l2: Float

    public init(l2: Float = 1) { self.l2 = l2 }

    public var name: String { "iti" }
    public var kMeaning: String { "heads" }
    public var strengthMeaning: String { "α (shift = α·σ·θ)" }
    /// The paper's default is K = 48 heads; smaller K suit a 270-head model too.
    public func defaultKs(shape: ModelShape) -> [Int] { [4, 8, 16, 32, 48] }
    /// The paper's default is α = 15, swept over 0–20 (α = 0 is the baseline).
    public var defaultStrengths: [Double] { [1, 2, 5, 10, 15, 20] }
    public var defaultPolicy: PositionsPolicy { .fromPromptLast }

    public func checkKs(_ ks: [Int], options: FittingOptions, shape: ModelShape) throws {
        for k in ks {
            _ = try UnitBudget(
                k: k, layerCount: shape.layerCount, unitsPerLayer: shape.headCount, layers: options.layers,
                unitName: "attention heads", kFlag: "--k", layersFlag: "--layers")
        }
    }

    /// Head activations of the pairs train the probes and give the directions; those of the
    /// validation split's pairs give each probe's held-out accuracy, which ranks the heads.
    public func fit(_ data: FittingData) throws -> any FittedMethod {
        guard !data.pairs.isEmpty else {
            throw InterventionError.invalid(
                "iti needs contrastive pairs to fit its probes, and the pairs split gave none; check the task card's pairs split")
        }
        let heldOut = try data.validationPairs()
        guard !heldOut.isEmpty else {
            throw InterventionError.invalid(
                "iti ranks heads by probe accuracy on the validation split, which gave no pairs; add a validation split to the task card")
        }
        let collector = data.collector
        let training = try collector.collect(data.pairs, kinds: [FittedITI.siteKind], at: data.options.position)
        let validation = try collector.collect(heldOut, kinds: [FittedITI.siteKind], at: data.options.position)
        return try FittedITI(options: data.options, shape: data.shape, collected: training, validationCollected: validation, l2: l2)
    }
}

extension FittedITI {
    public var settings: [String: String] {
        ["site": Self.siteKind, "pairs": String(pairCount), "validation_pairs": String(validationPairCount)]
    }

    /// The selected heads with their held-out probe accuracy and D; the edits carry each
    /// head's shift α·σ·θ.
    public func artifact(
        k: Int, strength: Double, model: InterventionArtifact.Model, task: String,
        scoring: ScoringProtocol, notes: [String: String]
    ) throws -> InterventionArtifact {
        let units = try selectedHeads(k: k).map {
            InterventionArtifact.SelectedUnit(
                layer: $0.unit.layer, index: $0.unit.index, score: $0.validationAccuracy,
                differences: $0.difference)
        }
        return InterventionArtifact(
            method: "iti", model: model, task: task, scoring: scoring, siteKind: Self.siteKind, k: k,
            strength: strength, delta: nil, plan: try plan(k: k, strength: strength), fitting: options,
            pairCount: pairCount, validationPairCount: validationPairCount,
            scoreMeaning: "probe accuracy on the validation pairs (logistic probe, L2 \(l2))",
            units: units, notes: notes)
    }
}
