import Engine

/// SADI-NEURON: scales the K FFN neurons (SiLU of the gate) whose values differ most.
public struct SADINeuronMethod: MeanDifferenceMethod {
    public init() {}
    public var name: String { "sadi-neuron" }
    public var siteKind: String { "mlp-gate" }
    public func defaultKs(shape: ModelShape) -> [Int] { [3, 5, 10, 30, 50, 100, 200, 300, 400, 500] }
    public var defaultStrengths: [Double] { [10, 20, 30, 50, 70, 90] }
    public var officialApplication: InterventionPlan.Application { .twoPass }

    public func edits(_ fit: MeanDifferenceFit, k: Int, strength: Double) throws -> [SiteEdit] {
        fit.scaling(try fit.topUnits(k: k), strength: strength)
    }
}
