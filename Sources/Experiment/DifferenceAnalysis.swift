import Engine
import Foundation
import Harness
import Interventions

/// The three kinds of unit SADI steers, each with the method that ranks it.
public enum SteeredUnitKind: String, Sendable, CaseIterable {
    case heads, neurons, hidden

    /// The method whose fit this kind's map is: its site, its unit size, its ranking.
    public var method: any MeanDifferenceMethod {
        switch self {
        case .heads: return SADIHeadMethod()
        case .neurons: return SADINeuronMethod()
        case .hidden: return SADIHiddenMethod()
        }
    }

    /// Singular noun for tables and tooltips.
    public var unitName: String {
        switch self {
        case .heads: return "head"
        case .neurons: return "neuron"
        case .hidden: return "hidden dim"
        }
    }
}

/// One unit of a ranking: its place in SADI's selection order and the score it was ranked by.
public struct RankedUnit: Sendable, Equatable {
    public let rank: Int
    public let unit: SteeringUnit
    /// The unit's score: D itself for a neuron or hidden unit, the head score (by default the
    /// mean of D over the head's dimensions) for a head.
    public let score: Float
}

/// One kind's differences: the fit its method makes and the top units in selection order.
public struct UnitDifferences: Sendable {
    public let kind: SteeredUnitKind
    public let fit: MeanDifferenceFit
    public let ranked: [RankedUnit]

    /// What a unit is ranked by: its score, or its magnitude under `--ranking magnitude`.
    public func key(_ score: Float) -> Float { fit.options.ranking == .magnitude ? abs(score) : score }

    /// What the ranked quantity is, for titles and the summary, e.g. "mean of D over the
    /// head's 64 dims, signed".
    public var quantity: String {
        var base = "D"
        if fit.unitSize > 1 {
            let over = "over the head's \(fit.unitSize) dims"
            switch fit.options.headScoring {
            case .mean: base = "mean of D \(over)"
            case .l2: base = "L2 norm of D \(over)"
            case .meanAbs: base = "mean |D| \(over)"
            }
        }
        let unsigned = fit.unitSize > 1 && fit.options.headScoring != .mean
        switch fit.options.ranking {
        case .signed: return unsigned ? base : "signed \(base)"
        case .magnitude: return unsigned ? base : "|\(base)|"
        }
    }
}

/// What `analyze` found for one task: where the mean differences SADI ranks by are large.
public struct DifferenceAnalysis: Sendable {
    public let task: String
    public let pairs: Int
    public let scoring: ScoringProtocol
    public let numFewshot: Int
    /// The split the pairs came from and how their text was written.
    public var pairsSplit: String = "pairs"
    public var fitPrompt: FitPrompt = .scored
    /// What the card and protocol fit on by default; other choices mark the folder's name.
    public var defaultPairsSplit: String? = nil
    public var defaultFitPrompt: FitPrompt = .scored
    public let seconds: Double
    public let kinds: [UnitDifferences]

    public func differences(_ kind: SteeredUnitKind) -> UnitDifferences { kinds.first { $0.kind == kind }! }
}

/// What `analyze` fits on.
public struct AnalysisSettings: Sendable {
    /// Position, ranking, head score, layers and pair limit, as the methods read them.
    public var fitting: FittingOptions
    public var scoring: ScoringProtocol
    public var numFewshot: Int
    public var batchSize: Int
    /// Units listed per kind (every unit when the model has fewer).
    public var top: Int

    public init(
        fitting: FittingOptions = FittingOptions(), scoring: ScoringProtocol = .harness, numFewshot: Int = 0,
        batchSize: Int = 32, top: Int = 200
    ) {
        self.fitting = fitting
        self.scoring = scoring
        self.numFewshot = numFewshot
        self.batchSize = batchSize
        self.top = top
    }
}

extension Experiment {
    /// Fits each kind with its own method (`differences`, the call `fit` makes), so the maps
    /// hold exactly the scores SADI-HEAD, -NEURON and -HIDDEN rank by and each ranking is the
    /// method's `topUnits`. One pass per kind, not one pass reading the three sites: reading
    /// a site changes the engine's arithmetic a little (mlp-gate splits the fused SiLU·up,
    /// mlp-output stops sgemm accumulating into the residual), which moved D in its 6th digit
    /// in every later layer, enough to swap near-tied units.
    public func analyzeDifferences(_ settings: AnalysisSettings) throws -> DifferenceAnalysis {
        guard settings.top > 0 else { throw HarnessError.invalidInput("--top must be at least 1, got \(settings.top)") }
        let shape = model.loaded.network.shape
        let options = settings.fitting
        // The methods refuse a bad --layers before the slow part, as `run` does.
        for kind in SteeredUnitKind.allCases { try kind.method.checkKs([1], options: options, shape: shape) }
        let items = TaskItems(task: task, store: store, scoring: settings.scoring, numFewshot: settings.numFewshot)
        let pairs = try contrastivePairs(
            items, options: options, for: "analyze", otherwise: "analyze tasks whose pairs split is multiple-choice")
        var data = FittingData(
            model: model.loaded, pairs: pairs, validationPairs: { [] }, options: options, batchSize: settings.batchSize)
        let start = Date()
        let kinds = try SteeredUnitKind.allCases.map { kind in
            data.progress = reporter.progress("\(task.card.task) \(kind.method.name) pairs")
            let fit = try kind.method.differences(data)
            let candidates = (options.layers?.count ?? shape.layerCount) * fit.scores.unitsPerLayer
            let units = try fit.topUnits(k: min(settings.top, candidates))
            return UnitDifferences(
                kind: kind, fit: fit,
                ranked: units.enumerated().map { RankedUnit(rank: $0 + 1, unit: $1, score: fit.scores[$1]) })
        }
        var analysis = DifferenceAnalysis(
            task: task.card.task, pairs: pairs.count, scoring: settings.scoring, numFewshot: settings.numFewshot,
            seconds: Date().timeIntervalSince(start), kinds: kinds)
        analysis.pairsSplit = try pairsSplit(options).name
        analysis.fitPrompt = options.fitPrompt ?? settings.scoring.fitPrompt(of: task.card)
        analysis.defaultPairsSplit = task.card.splits(role: .pairs).first?.name
        analysis.defaultFitPrompt = settings.scoring.fitPrompt(of: task.card)
        return analysis
    }
}
