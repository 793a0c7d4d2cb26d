import Engine
import Harness

/// A method fitted from the mean difference D = mean(positive) − mean(negative) of one site
/// kind's activations over the pairs: SADI, its two ablations and CAA. A method of this
/// family states its site and how (K, strength) become edits; fitting is shared.
public protocol MeanDifferenceMethod: InterventionMethod {
    /// The hook-site kind it reads and edits (`--site` overrides it).
    var siteKind: String { get }
    /// The edits of the plan at (K, strength).
    func edits(_ fit: MeanDifferenceFit, k: Int, strength: Double) throws -> [SiteEdit]
    /// The units of the plan at K, with what their score means, for the artifact.
    func artifactUnits(_ fit: MeanDifferenceFit, k: Int) throws -> (units: [InterventionArtifact.SelectedUnit], meaning: String)
    /// SADI's δ = strength − 1 for the artifact (nil where there is none).
    func delta(strength: Double) -> Double?
}

extension MeanDifferenceMethod {
    public func checkKs(_ ks: [Int], options: FittingOptions, shape: ModelShape) throws {
        let kind = try MeanDifferenceFit.site(options.siteKind ?? siteKind)
        let (unitSize, name) = MeanDifferenceFit.unit(of: kind, shape: shape)
        for k in ks {
            _ = try UnitBudget(
                k: k, layerCount: shape.layerCount, unitsPerLayer: shape.width(of: HookSite(kind: kind, layer: 0)!) / unitSize,
                layers: options.layers, unitName: name, kFlag: "--k", layersFlag: "--layers")
        }
    }

    public func fit(_ data: FittingData) throws -> any FittedMethod {
        FittedMeanDifference(method: self, fit: try differences(data))
    }

    /// D and the unit scores on the pairs: what `fit` plans from, and what `analyze` maps,
    /// so its maps are the very numbers the method ranks by.
    public func differences(_ data: FittingData) throws -> MeanDifferenceFit {
        let kind = try MeanDifferenceFit.site(data.options.siteKind ?? siteKind)
        let collected = try data.collector.collect(data.pairs, kinds: [kind], at: data.options.position, progress: data.progress)
        return try MeanDifferenceFit(siteKind: kind, options: data.options, shape: data.shape, collected: collected)
    }

    public func delta(strength: Double) -> Double? { strength - 1 }

    /// The top-K units by D (SADI's selection), with their D values.
    public func artifactUnits(_ fit: MeanDifferenceFit, k: Int) throws -> (units: [InterventionArtifact.SelectedUnit], meaning: String) {
        let base = fit.unitSize > 1 ? "\(fit.options.headScoring.rawValue) of D over the head" : "D"
        return (try fit.selectedUnits(try fit.topUnits(k: k)), "\(base), ranked \(fit.options.ranking.rawValue)")
    }
}

/// A mean-difference method with its fit: plans for any (K, strength).
public struct FittedMeanDifference<Method: MeanDifferenceMethod>: FittedMethod {
    public let method: Method
    public let fit: MeanDifferenceFit

    public var pairCount: Int { fit.pairCount }

    public var settings: [String: String] {
        [
            "site": fit.siteKind, "pairs": String(fit.pairCount), "ranking": fit.options.ranking.rawValue,
            "head_score": fit.options.headScoring.rawValue,
        ]
    }

    public func plan(k: Int, strength: Double) throws -> InterventionPlan {
        guard strength.isFinite else { throw InterventionError.invalid("--strength must be a finite number, got \(strength)") }
        return InterventionPlan(
            edits: try method.edits(fit, k: k, strength: strength),
            positions: fit.options.policy ?? method.defaultPolicy,
            application: fit.options.application, layerCount: fit.shape.layerCount)
    }

    public func artifact(
        k: Int, strength: Double, model: InterventionArtifact.Model, task: String,
        scoring: ScoringProtocol, notes: [String: String]
    ) throws -> InterventionArtifact {
        let (units, meaning) = try method.artifactUnits(fit, k: k)
        return InterventionArtifact(
            method: method.name, model: model, task: task, scoring: scoring, siteKind: fit.siteKind,
            k: k, strength: strength, delta: method.delta(strength: strength),
            plan: try plan(k: k, strength: strength), fitting: fit.options, pairCount: fit.pairCount,
            scoreMeaning: meaning, units: units, notes: notes)
    }
}
