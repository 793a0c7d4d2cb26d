import Engine
import Harness

/// A steering method: its name, its default search grid, and how it is fitted from
/// contrastive pairs into something that gives a plan for any (K, strength). Methods are
/// small values found by name in a `MethodRegistry`; adding one is one file and one line
/// there (or, from a test or another package, `registry.registering(MyMethod())`).
public protocol InterventionMethod: Sendable {
    /// What `--method` calls it.
    var name: String { get }
    /// What K counts ("units", "layer", "heads").
    var kMeaning: String { get }
    /// What the strength is ("s (δ = s − 1)", "multiplier", …).
    var strengthMeaning: String { get }
    /// K values of the validation search.
    func defaultKs(shape: ModelShape) -> [Int]
    /// Strengths of the validation search.
    var defaultStrengths: [Double] { get }
    /// The tokens it edits unless told otherwise.
    var defaultPolicy: PositionsPolicy { get }
    /// The tokens it edits when the task generates text, unless told otherwise.
    var generationPolicy: PositionsPolicy { get }
    /// How `--protocol official` applies it unless `--application` says otherwise (SADI's
    /// released code scales in two passes; additive methods edit inside the pass).
    var officialApplication: InterventionPlan.Application { get }
    /// Refuses K values the model cannot hold before anything is fitted (fitting takes a
    /// while; a typo should not).
    func checkKs(_ ks: [Int], options: FittingOptions, shape: ModelShape) throws
    /// Fits the method on the pairs (and, if it needs them, the held-out pairs).
    func fit(_ data: FittingData) throws -> any FittedMethod
}

extension InterventionMethod {
    public var kMeaning: String { "units" }
    public var strengthMeaning: String { "s (δ = s − 1)" }
    public var defaultPolicy: PositionsPolicy { .promptLast }
    /// An edit of the last prompt token carries on to every generated token: each decoding
    /// step's input ends in the token just generated, so SADI's "last token" is that one (a
    /// hook on the last position does the same under Hugging Face `generate`).
    public var generationPolicy: PositionsPolicy { defaultPolicy == .promptLast ? .fromPromptLast : defaultPolicy }
    public var officialApplication: InterventionPlan.Application { .live }
}

/// A method fitted once, from which a plan for any (K, strength) is cheap to build, so the
/// validation grid search scores every cell without refitting.
public protocol FittedMethod: Sendable {
    /// Contrastive pairs it was fitted on.
    var pairCount: Int { get }
    /// What the results file records about the fit (site, pairs, ranking, …).
    var settings: [String: String] { get }
    func plan(k: Int, strength: Double) throws -> InterventionPlan
    /// The plan at (K, strength) with everything needed to judge or reproduce it.
    func artifact(
        k: Int, strength: Double, model: InterventionArtifact.Model, task: String,
        scoring: ScoringProtocol, notes: [String: String]
    ) throws -> InterventionArtifact
}

/// What a method is fitted on.
public struct FittingData {
    public let model: LoadedModel
    public let pairs: [ContrastivePair]
    /// Pairs from the validation split, read only by methods that rank on held-out pairs
    /// (ITI's probes); loaded on demand.
    public let validationPairs: () throws -> [ContrastivePair]
    public let options: FittingOptions
    public let batchSize: Int
    /// Hears (pairs read, pairs) while activations are collected; nil for silence.
    public var progress: ((Int, Int) -> Void)? = nil

    public init(
        model: LoadedModel, pairs: [ContrastivePair], validationPairs: @escaping () throws -> [ContrastivePair],
        options: FittingOptions, batchSize: Int
    ) {
        self.model = model
        self.pairs = pairs
        self.validationPairs = validationPairs
        self.options = options
        self.batchSize = batchSize
    }

    public var shape: ModelShape { model.network.shape }

    public var collector: ActivationCollector {
        ActivationCollector(network: model.network, tokenizer: model.tokenizer, batchSize: batchSize)
    }
}

/// How a method is fitted and applied, besides K and strength.
public struct FittingOptions: Sendable, Codable, Equatable {
    public var position: ReadPosition = .lastToken
    public var ranking: UnitRanking = .signed
    public var headScoring: HeadScoring = .mean
    public var layers: ClosedRange<Int>? = nil
    public var policy: PositionsPolicy? = nil
    public var application: InterventionPlan.Application = .live
    /// Overrides the method's site kind (e.g. sadi-random on mlp-gate).
    public var siteKind: String? = nil
    public var seed: UInt64 = 1234
    /// Fit on the first N contrastive pairs only (how much data does a method need?).
    public var pairLimit: Int? = nil
    /// The split the pairs come from (nil: the card's first `pairs` split).
    public var pairsSplit: String? = nil
    /// How the pairs' text is written (nil: the protocol's, `ScoringProtocol.fitPrompt`).
    public var fitPrompt: FitPrompt? = nil

    public init() {}
}
