/// Whether units are ranked by their signed score (largest first, as the SADI authors'
/// released code does) or by its magnitude.
public enum UnitRanking: String, Codable, Sendable, CaseIterable {
    case signed
    case magnitude
}

/// The K best units over all candidate layers together, best first. Ties are broken by
/// (layer, index) ascending, so the choice never depends on sort stability or platform.
/// `layers` restricts the candidates; `kFlag`/`layersFlag` name the flags in errors.
public func selectTopUnits(
    _ scores: UnitScores, k: Int, ranking: UnitRanking,
    layers: ClosedRange<Int>? = nil,
    kFlag: String = "--k", layersFlag: String = "--layers"
) throws -> [Unit] {
    let budget = try UnitBudget(
        k: k, layerCount: scores.layers, unitsPerLayer: scores.unitsPerLayer,
        layers: layers, unitName: scores.unitName, kFlag: kFlag, layersFlag: layersFlag)
    var candidates: [(key: Float, unit: Unit)] = []
    candidates.reserveCapacity(budget.available)
    for layer in budget.layers {
        for index in 0..<scores.unitsPerLayer {
            let unit = Unit(layer: layer, index: index)
            let score = scores[unit]
            // A NaN would make the order depend on where it sits; refuse it instead.
            guard score.isFinite else { throw FittingError.nonFiniteScore(unit: unit, value: score) }
            candidates.append((ranking == .signed ? score : abs(score), unit))
        }
    }
    candidates.sort { a, b in a.key != b.key ? a.key > b.key : a.unit < b.unit }
    return candidates.prefix(k).map(\.unit)
}
