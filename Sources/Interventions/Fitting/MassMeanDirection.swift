/// ITI's mass-mean direction: mean(positive) − mean(negative), scaled to unit length.
public func massMeanDirection(positive: [[Float]], negative: [[Float]]) throws -> [Float] {
    guard !positive.isEmpty, !negative.isEmpty else {
        throw FittingError.invalidArgument(
            "a mass-mean direction needs positive and negative examples, got \(positive.count) and \(negative.count)")
    }
    let d = positive[0].count
    guard d > 0, (positive + negative).allSatisfy({ $0.count == d }) else {
        throw FittingError.shapeMismatch("every example of a mass-mean direction must have the same positive width")
    }
    var difference = [Double](repeating: 0, count: d)
    for row in positive { for j in 0..<d { difference[j] += Double(row[j]) / Double(positive.count) } }
    for row in negative { for j in 0..<d { difference[j] -= Double(row[j]) / Double(negative.count) } }
    let norm = difference.reduce(0) { $0 + $1 * $1 }.squareRoot()
    guard norm > 0, norm.isFinite else {
        throw FittingError.invalidArgument(
            "the positive and negative examples have the same mean, so there is no direction to shift along; check that the pairs differ at this site"
        )
    }
    return difference.map { Float($0 / norm) }
}

/// The population standard deviation (ddof 0, NumPy's default, as ITI computes it) of the
/// projections x·direction. `direction` is used as given: pass a unit vector.
public func projectionStd(features: [[Float]], direction: [Float]) throws -> Float {
    guard !features.isEmpty, features.allSatisfy({ $0.count == direction.count }) else {
        throw FittingError.shapeMismatch("projections need examples of the direction's width \(direction.count)")
    }
    let projections = features.map { row in zip(row, direction).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } }
    let mean = projections.reduce(0, +) / Double(projections.count)
    let variance = projections.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(projections.count)
    return Float(variance.squareRoot())
}
