import Engine

/// K distinct units drawn uniformly from the candidate layers with SplitMix64(seed): the
/// `sadi-random` ablation, same K as SADI but no information from the pairs. A partial
/// Fisher-Yates over the candidates, written out (j = next() % remaining, as SeededSubset
/// does) so a seed names the same units on every platform and Swift version. Returned
/// sorted by (layer, index).
public func randomUnits(
    k: Int, layerCount: Int, unitsPerLayer: Int, layers: ClosedRange<Int>? = nil,
    seed: UInt64, unitName: String = "units",
    kFlag: String = "--k", layersFlag: String = "--layers"
) throws -> [Unit] {
    let budget = try UnitBudget(
        k: k, layerCount: layerCount, unitsPerLayer: unitsPerLayer,
        layers: layers, unitName: unitName, kFlag: kFlag, layersFlag: layersFlag)
    var pool = Array(0..<budget.available)
    var generator = SplitMix64(seed: seed)
    for i in 0..<k {
        let j = i + Int(generator.next() % UInt64(pool.count - i))
        pool.swapAt(i, j)
    }
    let first = budget.layers.lowerBound
    return pool.prefix(k)
        .map { Unit(layer: first + $0 / unitsPerLayer, index: $0 % unitsPerLayer) }
        .sorted()
}
