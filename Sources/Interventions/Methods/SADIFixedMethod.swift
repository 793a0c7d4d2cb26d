import Engine

/// The fixed-steering ablation: SADI-HEAD's units, but every input gets the same shift
/// δ·D instead of a scaling of its own activations.
public struct SADIFixedMethod: MeanDifferenceMethod {
    public init() {}
    public var name: String { "sadi-fixed" }
    public var siteKind: String { "attention-heads" }
    public func defaultKs(shape: ModelShape) -> [Int] { [1, 2, 4, 6, 8, 10] }
    public var defaultStrengths: [Double] { stride(from: 5.0, through: 80, by: 5).map { $0 } }
    public var officialApplication: InterventionPlan.Application { .twoPass }

    public func edits(_ fit: MeanDifferenceFit, k: Int, strength: Double) throws -> [SiteEdit] {
        let delta = Float(strength - 1)
        return fit.elementsByLayer(try fit.topUnits(k: k)).map { layer, indices in
            SiteEdit(
                site: HookSite(kind: fit.siteKind, layer: layer)!, indices: indices,
                operation: .add(indices.map { delta * fit.difference[layer * fit.width + $0] }))
        }
    }
}
