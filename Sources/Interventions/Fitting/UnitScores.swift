/// How a head (a unit of several values) is scored from D over its dimensions.
public enum HeadScoring: String, Codable, Sendable, CaseIterable {
    /// Mean of D over the head's dimensions: the SADI authors' released code.
    case mean
    /// Euclidean norm of D over the head's dimensions (never negative).
    case l2
    /// Mean of |D| over the head's dimensions (never negative).
    case meanAbs = "mean-abs"
}

/// One score per unit, laid out [layer × unitsPerLayer].
public struct UnitScores: Sendable, Equatable {
    public let layers: Int
    public let unitsPerLayer: Int
    public let values: [Float]
    /// Plural noun for messages, e.g. "attention heads".
    public let unitName: String

    public init(layers: Int, unitsPerLayer: Int, values: [Float], unitName: String = "units") throws {
        guard layers > 0, unitsPerLayer > 0, values.count == layers * unitsPerLayer else {
            throw FittingError.shapeMismatch("\(values.count) scores do not fill \(layers) layers × \(unitsPerLayer) units")
        }
        self.layers = layers
        self.unitsPerLayer = unitsPerLayer
        self.values = values
        self.unitName = unitName
    }

    public subscript(unit: Unit) -> Float { values[unit.layer * unitsPerLayer + unit.index] }
}

/// Scores the units of a [layer × width] difference. With units of one value the score is
/// D itself whatever `scoring` says (so signed ranking stays signed); heads are scored by
/// `scoring` over their `unitSize` consecutive values.
public func unitScores(
    difference: [Float], layers: Int, width: Int, unitSize: Int = 1,
    scoring: HeadScoring = .mean, unitName: String = "units"
) throws -> UnitScores {
    guard unitSize > 0, width % unitSize == 0, difference.count == layers * width else {
        throw FittingError.shapeMismatch(
            "a difference of \(difference.count) values does not fill \(layers) layers × \(width) in units of \(unitSize)")
    }
    guard unitSize > 1 else {
        return try UnitScores(layers: layers, unitsPerLayer: width, values: difference, unitName: unitName)
    }
    let units = difference.count / unitSize
    var scores = [Float](repeating: 0, count: units)
    for unit in 0..<units {
        let values = difference[(unit * unitSize)..<((unit + 1) * unitSize)]
        let score: Double
        switch scoring {
        case .mean: score = values.reduce(0.0) { $0 + Double($1) } / Double(unitSize)
        case .l2: score = values.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        case .meanAbs: score = values.reduce(0.0) { $0 + abs(Double($1)) } / Double(unitSize)
        }
        scores[unit] = Float(score)
    }
    return try UnitScores(layers: layers, unitsPerLayer: width / unitSize, values: scores, unitName: unitName)
}

/// Scores of every unit of `activations` from their mean difference.
public func unitScores(_ activations: SiteActivations, scoring: HeadScoring = .mean) throws -> UnitScores {
    try unitScores(
        difference: meanDifference(activations), layers: activations.layers, width: activations.width,
        unitSize: activations.unitSize, scoring: scoring, unitName: activations.unitName)
}
