import Engine
import Harness

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

    public init() {}
}

/// A method fitted on contrastive pairs: the mean differences it ranks units by, from which
/// a plan for any (K, strength) is cheap to build, so a grid search fits once.
public struct FittedIntervention: Sendable {
    public let method: MethodKind
    public let options: FittingOptions
    public let shape: ModelShape
    public let siteKind: String
    /// D over [layer × width] of the site.
    public let difference: [Float]
    public let width: Int
    public let unitSize: Int
    public let scores: UnitScores
    public let pairCount: Int

    public init(method: MethodKind, options: FittingOptions, shape: ModelShape, collected: ActivationCollector.Result) throws {
        guard method != .baseline, let kind = options.siteKind ?? method.siteKind else {
            throw InterventionError.invalid("the baseline has nothing to fit")
        }
        guard method != .iti else {
            throw InterventionError.invalid("iti is fitted with its probes by MethodPipeline.fitITI, not from mean differences")
        }
        guard let width = collected.widths[kind], let positive = collected.positive[kind], let negative = collected.negative[kind] else {
            throw InterventionError.invalid("activations of site kind \(kind) were not collected")
        }
        self.method = method
        self.options = options
        self.shape = shape
        siteKind = kind
        self.width = width
        let (unitSize, unitName) = Self.unit(of: kind, shape: shape)
        self.unitSize = unitSize
        let activations = try SiteActivations(pairs: positive.count, layers: collected.layers, width: width, unitSize: unitSize,
                                              unitName: unitName, positive: positive.flatMap { $0 }, negative: negative.flatMap { $0 })
        difference = meanDifference(activations)
        scores = try unitScores(difference: difference, layers: collected.layers, width: width, unitSize: unitSize,
                                scoring: options.headScoring, unitName: unitName)
        pairCount = positive.count
    }

    /// Refuses K values the model cannot hold before anything is fitted (fitting takes a
    /// while; a typo should not).
    public static func checkKs(_ ks: [Int], method: MethodKind, options: FittingOptions, shape: ModelShape) throws {
        guard let kind = options.siteKind ?? method.siteKind, let site = HookSite(kind: kind, layer: 0) else {
            throw InterventionError.invalid("--site: '\(options.siteKind ?? "")' is not one of attention-heads, attention-output, mlp-gate, mlp-activation, mlp-output, residual")
        }
        let (unitSize, name) = unit(of: kind, shape: shape)
        for k in ks {
            if method == .caa {
                try checkCAALayer(k, shape: shape)
                continue
            }
            _ = try UnitBudget(k: k, layerCount: shape.layerCount, unitsPerLayer: shape.width(of: site) / unitSize,
                               layers: options.layers, unitName: name, kFlag: "--k", layersFlag: "--layers")
        }
    }

    /// Values per unit at a site kind (a head's dimensions, or one), and the units' name in messages.
    static func unit(of kind: String, shape: ModelShape) -> (size: Int, name: String) {
        switch kind {
        case "attention-heads": return (shape.headDim, "attention heads")
        case "mlp-gate", "mlp-activation": return (1, "FFN neurons")
        default: return (1, "hidden units")
        }
    }

    /// CAA's K is the layer its vector is added at.
    static func checkCAALayer(_ k: Int, shape: ModelShape) throws {
        guard (0..<shape.layerCount).contains(k) else {
            throw InterventionError.invalid("--k names the CAA layer and must be 0...\(shape.layerCount - 1), got \(k)")
        }
    }

    /// The units a SADI-family plan with this K edits.
    public func units(k: Int) throws -> [Unit] {
        switch method {
        case .sadiRandom:
            return try randomUnits(k: k, layerCount: shape.layerCount, unitsPerLayer: width / unitSize,
                                   layers: options.layers, seed: options.seed, unitName: scores.unitName)
        default:
            return try selectTopUnits(scores, k: k, ranking: options.ranking, layers: options.layers)
        }
    }

    /// The plan for (K, strength): SADI scales the selected elements by δ = strength − 1;
    /// sadi-fixed adds δ·D on them; CAA adds strength × D of layer K to the residual.
    public func plan(k: Int, strength: Double) throws -> InterventionPlan {
        guard strength.isFinite else { throw InterventionError.invalid("--strength must be a finite number, got \(strength)") }
        let policy = options.policy ?? method.defaultPolicy
        let edits: [SiteEdit]
        switch method {
        case .baseline, .iti:  // iti never gets here: init refuses it
            edits = []
        case .caa:
            try Self.checkCAALayer(k, shape: shape)
            let vector = difference[(k * width)..<((k + 1) * width)].map { Float(strength) * $0 }
            edits = [SiteEdit(site: HookSite(kind: siteKind, layer: k)!, indices: Array(0..<width), operation: .add(vector))]
        case .sadiHead, .sadiNeuron, .sadiHidden, .sadiRandom, .sadiFixed:
            let delta = Float(strength - 1)
            var byLayer: [Int: [Int]] = [:]
            for unit in try units(k: k) {
                byLayer[unit.layer, default: []] += Array((unit.index * unitSize)..<((unit.index + 1) * unitSize))
            }
            edits = byLayer.keys.sorted().map { layer in
                let indices = byLayer[layer]!.sorted()
                let site = HookSite(kind: siteKind, layer: layer)!
                if method == .sadiFixed {
                    return SiteEdit(site: site, indices: indices, operation: .add(indices.map { delta * difference[layer * width + $0] }))
                }
                return SiteEdit(site: site, indices: indices, operation: .scale(delta))
            }
        }
        return InterventionPlan(edits: edits, positions: policy, application: options.application, layerCount: shape.layerCount)
    }
}
