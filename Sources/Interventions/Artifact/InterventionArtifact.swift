import Engine
import Harness

/// A fitted intervention as a file: what it edits (the plan's site edits, so loading needs
/// no refit) and everything needed to judge or reproduce it — the model it was fitted on
/// (file name and sha256), task, protocol, method, K, strength, positions policy,
/// application, fitting options, and the selected units with their scores and D values.
/// JSON, with a `format` field naming the layout's version.
public struct InterventionArtifact: Codable, Equatable, Sendable {
    /// The layout this build writes and reads.
    public static let currentFormat = "sadi-eval-intervention/1"

    /// The model an artifact belongs to.
    public struct Model: Codable, Equatable, Sendable {
        /// File name of the model (for messages; the sha256 identifies it).
        public let file: String
        public let sha256: String
        public let shape: ModelShape

        public init(file: String, sha256: String, shape: ModelShape) {
            self.file = file
            self.sha256 = sha256
            self.shape = shape
        }
    }

    /// A unit the intervention edits. `index` counts heads for attention heads (CAA's one
    /// "unit" is its layer, index 0).
    public struct SelectedUnit: Codable, Equatable, Sendable {
        public let layer: Int
        public let index: Int
        /// What the unit was ranked by (see `scoreMeaning`).
        public let score: Double
        /// D = mean(positive) − mean(negative) of each of the unit's values.
        public let differences: [Float]

        public init(layer: Int, index: Int, score: Double, differences: [Float]) {
            self.layer = layer
            self.index = index
            self.score = score
            self.differences = differences
        }
    }

    public let format: String
    public let method: String
    public let model: Model
    public let task: String
    public let scoring: ScoringProtocol
    public let siteKind: String
    public let k: Int
    /// s for SADI, the multiplier for CAA, α for ITI (see `InterventionMethod.strengthMeaning`).
    public let strength: Double
    /// SADI's δ = s − 1; absent for methods that have none.
    public let delta: Double?
    public let positions: PositionsPolicy
    public let application: InterventionPlan.Application
    public let fitting: FittingOptions
    public let pairCount: Int
    /// Held-out pairs the units were ranked on (ITI's probe accuracies), if any.
    public let validationPairCount: Int?
    /// What `SelectedUnit.score` is, e.g. "mean D over the head".
    public let scoreMeaning: String
    public let units: [SelectedUnit]
    public let edits: [SiteEdit]
    /// Free-form facts the command line records (how K and strength were chosen, …).
    public let notes: [String: String]

    public init(
        method: String, model: Model, task: String, scoring: ScoringProtocol, siteKind: String, k: Int,
        strength: Double, delta: Double?, plan: InterventionPlan, fitting: FittingOptions, pairCount: Int,
        validationPairCount: Int? = nil, scoreMeaning: String, units: [SelectedUnit], notes: [String: String] = [:]
    ) {
        format = Self.currentFormat
        self.method = method
        self.model = model
        self.task = task
        self.scoring = scoring
        self.siteKind = siteKind
        self.k = k
        self.strength = strength
        self.delta = delta
        positions = plan.positions
        application = plan.application
        edits = plan.edits
        self.fitting = fitting
        self.pairCount = pairCount
        self.validationPairCount = validationPairCount
        self.scoreMeaning = scoreMeaning
        self.units = units
        self.notes = notes
    }

    /// The plan to run, rebuilt from the stored edits (two-pass's overwritten sites follow
    /// from the edits and the model's layer count).
    public var plan: InterventionPlan {
        InterventionPlan(edits: edits, positions: positions, application: application, layerCount: model.shape.layerCount)
    }

    enum CodingKeys: String, CodingKey {
        case format, method, model, task
        case scoring = "protocol"
        case siteKind = "site"
        case k, strength, delta, positions, application, fitting
        case pairCount = "pairs"
        case validationPairCount = "validation_pairs"
        case scoreMeaning = "score_meaning"
        case units, edits, notes
    }
}
