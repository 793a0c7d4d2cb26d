/// The checks every unit selection shares: K is positive and fits in the candidate layers,
/// which lie inside the model. Kept in one place so SADI and its random ablation refuse the
/// same inputs with the same sentences.
struct UnitBudget {
    let layers: ClosedRange<Int>
    let unitsPerLayer: Int

    var available: Int { layers.count * unitsPerLayer }

    init(
        k: Int, layerCount: Int, unitsPerLayer: Int, layers: ClosedRange<Int>?, unitName: String,
        kFlag: String, layersFlag: String
    ) throws {
        guard layerCount > 0, unitsPerLayer > 0 else {
            throw FittingError.invalidArgument("there are no \(unitName) to choose from (\(layerCount) layers × \(unitsPerLayer))")
        }
        let chosen = layers ?? 0...(layerCount - 1)
        guard chosen.lowerBound >= 0, chosen.upperBound < layerCount else {
            throw FittingError.layersOutOfRange(flag: layersFlag, layers: chosen, layerCount: layerCount)
        }
        guard k > 0 else { throw FittingError.nonPositiveK(flag: kFlag, k: k) }
        guard k <= chosen.count * unitsPerLayer else {
            throw FittingError.tooManyUnits(
                flag: kFlag, k: k, unitName: unitName, layers: chosen,
                layerCount: layerCount, unitsPerLayer: unitsPerLayer)
        }
        self.layers = chosen
        self.unitsPerLayer = unitsPerLayer
    }
}
