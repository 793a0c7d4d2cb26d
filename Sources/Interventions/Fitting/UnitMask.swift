/// The binary mask M over a [layer × width] site: 1 on every value of a chosen unit (all
/// `unitSize` dimensions of a head), 0 elsewhere. Floats, because the editors multiply by it.
public func mask(units: [Unit], layers: Int, unitsPerLayer: Int, unitSize: Int = 1) throws -> [Float] {
    guard layers > 0, unitsPerLayer > 0, unitSize > 0 else {
        throw FittingError.invalidArgument(
            "a mask needs at least one layer, unit and value per unit (got \(layers) × \(unitsPerLayer) × \(unitSize))")
    }
    let width = unitsPerLayer * unitSize
    var result = [Float](repeating: 0, count: layers * width)
    for unit in units {
        guard (0..<layers).contains(unit.layer), (0..<unitsPerLayer).contains(unit.index) else {
            throw FittingError.invalidArgument(
                "unit \(unit.index) of layer \(unit.layer) is outside \(layers) layers × \(unitsPerLayer) units; the units were chosen for another model or site"
            )
        }
        let start = unit.layer * width + unit.index * unitSize
        for i in start..<(start + unitSize) { result[i] = 1 }
    }
    return result
}

/// The mask for a site shaped like `activations`.
public func mask(units: [Unit], like activations: SiteActivations) throws -> [Float] {
    try mask(
        units: units, layers: activations.layers, unitsPerLayer: activations.unitsPerLayer,
        unitSize: activations.unitSize)
}

/// D ⊙ M: the fixed shift `sadi-fixed` adds (A + δ·(D ⊙ M)), zero outside the chosen units.
public func maskedDifference(_ difference: [Float], mask: [Float]) throws -> [Float] {
    guard difference.count == mask.count else {
        throw FittingError.shapeMismatch(
            "the difference has \(difference.count) values but the mask \(mask.count); build both for the same site")
    }
    return zip(difference, mask).map { $0 * $1 }
}
