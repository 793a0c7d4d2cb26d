import Engine

/// The random-mask ablation: SADI-HEAD's scaling on K units drawn at random (seeded), so
/// the pairs inform nothing but the site.
public struct SADIRandomMethod: MeanDifferenceMethod {
    public init() {}
    public var name: String { "sadi-random" }
    public var siteKind: String { "attention-heads" }
    public func defaultKs(shape: ModelShape) -> [Int] { [1, 2, 4, 6, 8, 10] }
    public var defaultStrengths: [Double] { stride(from: 5.0, through: 80, by: 5).map { $0 } }
    public var officialApplication: InterventionPlan.Application { .twoPass }

    func units(_ fit: MeanDifferenceFit, k: Int) throws -> [Unit] {
        try randomUnits(
            k: k, layerCount: fit.shape.layerCount, unitsPerLayer: fit.width / fit.unitSize,
            layers: fit.options.layers, seed: fit.options.seed, unitName: fit.scores.unitName)
    }

    public func edits(_ fit: MeanDifferenceFit, k: Int, strength: Double) throws -> [SiteEdit] {
        fit.scaling(try units(fit, k: k), strength: strength)
    }

    public func artifactUnits(_ fit: MeanDifferenceFit, k: Int) throws -> (units: [InterventionArtifact.SelectedUnit], meaning: String) {
        let base = fit.unitSize > 1 ? "\(fit.options.headScoring.rawValue) of D over the head" : "D"
        return (
            try fit.selectedUnits(try units(fit, k: k)),
            "\(base) (units drawn at random with seed \(fit.options.seed), not ranked by it)"
        )
    }
}
