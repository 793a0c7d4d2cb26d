import Engine
import Harness

/// The mean difference D of one site kind over contrastive pairs, and the unit scores it
/// ranks by: what every mean-difference method plans from.
public struct MeanDifferenceFit: Sendable {
    public let siteKind: String
    public let options: FittingOptions
    public let shape: ModelShape
    /// D over [layer × width] of the site.
    public let difference: [Float]
    public let width: Int
    public let unitSize: Int
    public let scores: UnitScores
    public let pairCount: Int

    public init(siteKind: String, options: FittingOptions, shape: ModelShape, collected: ActivationCollector.Result) throws {
        guard let width = collected.widths[siteKind], let positive = collected.positive[siteKind],
            let negative = collected.negative[siteKind]
        else {
            throw InterventionError.invalid("activations of site kind \(siteKind) were not collected")
        }
        self.siteKind = siteKind
        self.options = options
        self.shape = shape
        self.width = width
        let (unitSize, unitName) = Self.unit(of: siteKind, shape: shape)
        self.unitSize = unitSize
        let activations = try SiteActivations(
            pairs: positive.count, layers: collected.layers, width: width, unitSize: unitSize,
            unitName: unitName, positive: positive.flatMap { $0 }, negative: negative.flatMap { $0 })
        difference = meanDifference(activations)
        scores = try unitScores(
            difference: difference, layers: collected.layers, width: width, unitSize: unitSize,
            scoring: options.headScoring, unitName: unitName)
        pairCount = positive.count
    }

    /// A site kind `--site` may name.
    static func site(_ kind: String) throws -> String {
        guard HookSite(kind: kind, layer: 0) != nil else {
            throw InterventionError.invalid(
                "--site: '\(kind)' is not one of attention-heads, attention-output, mlp-gate, mlp-activation, mlp-output, residual")
        }
        return kind
    }

    /// Values per unit at a site kind (a head's dimensions, or one), and the units' name in messages.
    static func unit(of kind: String, shape: ModelShape) -> (size: Int, name: String) {
        switch kind {
        case "attention-heads": return (shape.headDim, "attention heads")
        case "mlp-gate", "mlp-activation": return (1, "FFN neurons")
        default: return (1, "hidden units")
        }
    }

    /// D of one layer (CAA's vector before scaling).
    public func layer(_ layer: Int) -> [Float] { Array(difference[(layer * width)..<((layer + 1) * width)]) }

    /// The K units of highest score (SADI's selection).
    public func topUnits(k: Int) throws -> [Unit] {
        try selectTopUnits(scores, k: k, ranking: options.ranking, layers: options.layers)
    }

    /// Element indices of units, grouped into one list per layer (sorted).
    public func elementsByLayer(_ units: [Unit]) -> [(layer: Int, indices: [Int])] {
        var byLayer: [Int: [Int]] = [:]
        for unit in units {
            byLayer[unit.layer, default: []] += Array((unit.index * unitSize)..<((unit.index + 1) * unitSize))
        }
        return byLayer.keys.sorted().map { ($0, byLayer[$0]!.sorted()) }
    }

    /// SADI's edit: A' = A + δ·A at the units' elements (δ = strength − 1).
    public func scaling(_ units: [Unit], strength: Double) -> [SiteEdit] {
        elementsByLayer(units).map { layer, indices in
            SiteEdit(site: HookSite(kind: siteKind, layer: layer)!, indices: indices, operation: .scale(Float(strength - 1)))
        }
    }

    /// The artifact's view of units: their scores and D values.
    func selectedUnits(_ units: [Unit]) throws -> [InterventionArtifact.SelectedUnit] {
        units.map { unit in
            let start = unit.layer * width + unit.index * unitSize
            return InterventionArtifact.SelectedUnit(
                layer: unit.layer, index: unit.index, score: Double(scores[unit]),
                differences: Array(difference[start..<(start + unitSize)]))
        }
    }
}
