import Interventions

/// How a method is fitted, chosen and kept, for `run`.
public struct MethodSettings: Sendable {
    /// A name in the method registry, or `baseline`.
    public var method: String
    public var fitting: FittingOptions
    /// Nil: the method's default under the protocol (`officialApplication` under official).
    public var application: InterventionPlan.Application?
    /// Given together, they skip the validation search.
    public var k: Int?
    public var strength: Double?
    /// The validation grid (nil: the method's defaults).
    public var ks: [Int]?
    public var strengths: [Double]?
    /// Apply a saved intervention instead of fitting.
    public var interventionFile: String?
    /// Save the fitted intervention at the chosen (K, strength).
    public var saveIntervention: String?
    /// Also write the chosen intervention as a llama.cpp control vector (CAA).
    public var controlVectorPath: String?
    /// Whether the validation search refuses settings whose continuations collapse, and
    /// its thresholds.
    public var fluencyGuardMode: FluencyGuard.Mode
    public var fluencyGuard: FluencyGuard

    public init(
        method: String, fitting: FittingOptions = FittingOptions(), application: InterventionPlan.Application? = nil,
        k: Int? = nil, strength: Double? = nil, ks: [Int]? = nil, strengths: [Double]? = nil,
        interventionFile: String? = nil, saveIntervention: String? = nil, controlVectorPath: String? = nil,
        fluencyGuardMode: FluencyGuard.Mode = .auto, fluencyGuard: FluencyGuard = .standard
    ) {
        self.method = method
        self.fitting = fitting
        self.application = application
        self.k = k
        self.strength = strength
        self.ks = ks
        self.strengths = strengths
        self.interventionFile = interventionFile
        self.saveIntervention = saveIntervention
        self.controlVectorPath = controlVectorPath
        self.fluencyGuardMode = fluencyGuardMode
        self.fluencyGuard = fluencyGuard
    }
}
