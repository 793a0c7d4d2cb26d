/// The methods `--method` names, with the site each acts on and its default search grid
/// (SADI's from the authors' released code).
public enum MethodKind: String, CaseIterable, Sendable, Codable {
    case baseline
    case sadiHidden = "sadi-hidden"
    case sadiHead = "sadi-head"
    case sadiNeuron = "sadi-neuron"
    case caa
    case sadiRandom = "sadi-random"
    case sadiFixed = "sadi-fixed"
    /// Inference-time intervention (Li et al. 2023): per-head probes pick K heads, each
    /// shifted by α·σ·θ along its mass-mean direction θ. Fitted by `FittedITI`.
    case iti

    public static var allNames: [String] { allCases.map(\.rawValue) }

    /// SADI and its two ablations: they scale (or, fixed, shift) selected units, which the
    /// authors' code does in two passes.
    public var isSADI: Bool { [.sadiHidden, .sadiHead, .sadiNeuron, .sadiRandom, .sadiFixed].contains(self) }

    /// The hook-site kind the method reads and edits (ablations default to SADI-HEAD's).
    public var siteKind: String? {
        switch self {
        case .baseline: return nil
        case .sadiHead, .sadiRandom, .sadiFixed, .iti: return "attention-heads"
        case .sadiNeuron: return "mlp-gate"
        case .sadiHidden: return "mlp-output"
        case .caa: return "residual"
        }
    }

    /// What K counts: units for SADI, the layer for CAA, heads for ITI.
    public var kMeaning: String {
        switch self {
        case .caa: return "layer"
        case .iti: return "heads"
        default: return "units"
        }
    }

    /// What the strength is: SADI multiplies selected activations by s (δ = s − 1); CAA
    /// adds multiplier × the mean difference; ITI adds α × σ along the unit direction θ.
    public var strengthMeaning: String {
        switch self {
        case .caa: return "multiplier"
        case .iti: return "α (shift = α·σ·θ)"
        default: return "s (δ = s − 1)"
        }
    }

    /// Default K values of the validation search.
    public func defaultKs(layerCount: Int) -> [Int] {
        switch self {
        case .baseline: return []
        case .sadiHead, .sadiRandom, .sadiFixed: return [1, 2, 4, 6, 8, 10]
        case .sadiNeuron: return [3, 5, 10, 30, 50, 100, 200, 300, 400, 500]
        case .sadiHidden: return [1, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20]
        case .caa: return Array(stride(from: 0, to: layerCount, by: max(1, layerCount / 10)))
        // The ITI paper's default is K = 48 heads; smaller K suit a 270-head model too.
        case .iti: return [4, 8, 16, 32, 48]
        }
    }

    /// Default strengths of the validation search.
    public var defaultStrengths: [Double] {
        switch self {
        case .baseline: return []
        case .sadiHead, .sadiHidden, .sadiRandom, .sadiFixed: return stride(from: 5.0, through: 80, by: 5).map { $0 }
        case .sadiNeuron: return [10, 20, 30, 50, 70, 90]
        case .caa: return [-4, -2, -1, 1, 2, 4, 8]
        // The ITI paper's default is α = 15, swept over 0–20 (α = 0 is the baseline).
        case .iti: return [1, 2, 5, 10, 15, 20]
        }
    }

    /// The positions policy the method uses unless told otherwise. ITI shifts from the last
    /// prompt token on, as its released code does: the last token of every generation step,
    /// and the answer tokens when it scores choices.
    public var defaultPolicy: PositionsPolicy { self == .caa || self == .iti ? .fromPromptLast : .promptLast }
}
