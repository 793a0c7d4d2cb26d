import Engine

/// SADI-HEAD: scales the K attention heads whose outputs differ most between the right and
/// the wrong answers by s, at the last prompt token: A' = A + (s − 1)·A ⊙ M.
public struct SADIHeadMethod: MeanDifferenceMethod {
    public init() {}
    public var name: String { "sadi-head" }
    public var siteKind: String { "attention-heads" }
    /// The grids of the authors' released code.
    public func defaultKs(shape: ModelShape) -> [Int] { [1, 2, 4, 6, 8, 10] }
    public var defaultStrengths: [Double] { stride(from: 5.0, through: 80, by: 5).map { $0 } }
    public var officialApplication: InterventionPlan.Application { .twoPass }

    public func edits(_ fit: MeanDifferenceFit, k: Int, strength: Double) throws -> [SiteEdit] {
        fit.scaling(try fit.topUnits(k: k), strength: strength)
    }
}
