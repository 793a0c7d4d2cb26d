import Engine

/// SADI-HIDDEN: scales the K hidden units of the MLP output that differ most.
public struct SADIHiddenMethod: MeanDifferenceMethod {
    public init() {}
    public var name: String { "sadi-hidden" }
    public var siteKind: String { "mlp-output" }
    public func defaultKs(shape: ModelShape) -> [Int] { [1, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20] }
    public var defaultStrengths: [Double] { stride(from: 5.0, through: 80, by: 5).map { $0 } }
    public var officialApplication: InterventionPlan.Application { .twoPass }

    public func edits(_ fit: MeanDifferenceFit, k: Int, strength: Double) throws -> [SiteEdit] {
        fit.scaling(try fit.topUnits(k: k), strength: strength)
    }
}
