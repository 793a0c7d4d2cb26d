import Engine

/// CAA (Rimsky et al. 2024): adds multiplier × D of one layer's residual stream, from the
/// last prompt token on. K is the layer.
public struct CAAMethod: MeanDifferenceMethod {
    public init() {}
    public var name: String { "caa" }
    public var siteKind: String { "residual" }
    public var kMeaning: String { "layer" }
    public var strengthMeaning: String { "multiplier" }
    public func defaultKs(shape: ModelShape) -> [Int] {
        Array(stride(from: 0, to: shape.layerCount, by: max(1, shape.layerCount / 10)))
    }
    public var defaultStrengths: [Double] { [-4, -2, -1, 1, 2, 4, 8] }
    public var defaultPolicy: PositionsPolicy { .fromPromptLast }

    public func checkKs(_ ks: [Int], options: FittingOptions, shape: ModelShape) throws {
        for k in ks { try Self.checkLayer(k, layerCount: shape.layerCount) }
    }

    static func checkLayer(_ k: Int, layerCount: Int) throws {
        guard (0..<layerCount).contains(k) else {
            throw InterventionError.invalid("--k names the CAA layer and must be 0...\(layerCount - 1), got \(k)")
        }
    }

    /// The vector added at layer K: strength × D of that layer.
    public func vector(_ fit: MeanDifferenceFit, k: Int, strength: Double) throws -> [Float] {
        try Self.checkLayer(k, layerCount: fit.shape.layerCount)
        return fit.layer(k).map { Float(strength) * $0 }
    }

    public func edits(_ fit: MeanDifferenceFit, k: Int, strength: Double) throws -> [SiteEdit] {
        [
            SiteEdit(
                site: HookSite(kind: fit.siteKind, layer: k)!, indices: Array(0..<fit.width),
                operation: .add(try vector(fit, k: k, strength: strength)))
        ]
    }

    /// CAA's one "unit" is its layer: the layer's whole D, scored by its L2 norm.
    public func artifactUnits(_ fit: MeanDifferenceFit, k: Int) throws -> (units: [InterventionArtifact.SelectedUnit], meaning: String) {
        try Self.checkLayer(k, layerCount: fit.shape.layerCount)
        let d = fit.layer(k)
        let norm = d.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        return ([.init(layer: k, index: 0, score: norm, differences: d)], "L2 norm of the layer's mean difference D (CAA: K is the layer)")
    }

    public func delta(strength: Double) -> Double? { nil }
}

/// A fit that can be written as a llama.cpp control vector (one residual direction per layer).
public protocol ControlVectorSource {
    func controlVector(k: Int, strength: Double) throws -> [Int: [Float]]
}

extension FittedMeanDifference: ControlVectorSource where Method == CAAMethod {
    public func controlVector(k: Int, strength: Double) throws -> [Int: [Float]] {
        [k: try method.vector(fit, k: k, strength: strength)]
    }
}
