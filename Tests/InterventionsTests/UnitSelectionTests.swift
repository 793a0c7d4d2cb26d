import Engine
import Interventions
import Testing

@Suite struct UnitSelectionTests {
    /// One layer, two heads of two dims, D = [1, −3 | 2, 2]:
    ///   head 0: mean (1 − 3)/2 = −1, L2 √(1 + 9) = √10 ≈ 3.1623, mean-abs (1 + 3)/2 = 2
    ///   head 1: mean (2 + 2)/2 =  2, L2 √(4 + 4) = √8  ≈ 2.8284, mean-abs 2
    @Test func headScoringByHand() throws {
        let d: [Float] = [1, -3, 2, 2]
        let mean = try unitScores(difference: d, layers: 1, width: 4, unitSize: 2, scoring: .mean)
        #expect(mean.values == [-1, 2] && mean.unitsPerLayer == 2)
        let l2 = try unitScores(difference: d, layers: 1, width: 4, unitSize: 2, scoring: .l2)
        #expect(abs(l2.values[0] - 3.1622777) < 1e-6 && abs(l2.values[1] - 2.8284271) < 1e-6)
        let meanAbs = try unitScores(difference: d, layers: 1, width: 4, unitSize: 2, scoring: .meanAbs)
        #expect(meanAbs.values == [2, 2])

        // Signed mean: head 1 (2 > −1). Magnitude of the mean: head 1 (2 > 1).
        #expect(try selectTopUnits(mean, k: 1, ranking: .signed) == [Unit(layer: 0, index: 1)])
        #expect(try selectTopUnits(mean, k: 1, ranking: .magnitude) == [Unit(layer: 0, index: 1)])
        // L2 prefers head 0 (3.16 > 2.83); mean-abs ties at 2 and the lower index wins.
        #expect(try selectTopUnits(l2, k: 1, ranking: .signed) == [Unit(layer: 0, index: 0)])
        #expect(try selectTopUnits(meanAbs, k: 1, ranking: .signed) == [Unit(layer: 0, index: 0)])
    }

    @Test func unitsOfOneValueKeepTheirSign() throws {
        let scores = try unitScores(difference: [1, -3], layers: 1, width: 2, unitSize: 1, scoring: .l2)
        #expect(scores.values == [1, -3])
    }

    /// Scores, 2 layers × 3 units:  L0 [0.5, −2, 1]   L1 [1, 0.1, −0.5]
    ///   signed, largest first: 1 (L0.2) = 1 (L1.0) → (layer, index) order; then 0.5 (L0.0)
    ///   magnitude: 2 (L0.1), then the tie of 1s in (layer, index) order
    ///   signed in layer 1 only: 1 (L1.0), 0.1 (L1.1)
    @Test func topUnitsByHand() throws {
        let scores = try UnitScores(layers: 2, unitsPerLayer: 3, values: [0.5, -2, 1, 1, 0.1, -0.5])
        #expect(
            try selectTopUnits(scores, k: 3, ranking: .signed)
                == [Unit(layer: 0, index: 2), Unit(layer: 1, index: 0), Unit(layer: 0, index: 0)])
        #expect(
            try selectTopUnits(scores, k: 2, ranking: .magnitude)
                == [Unit(layer: 0, index: 1), Unit(layer: 0, index: 2)])
        #expect(
            try selectTopUnits(scores, k: 2, ranking: .signed, layers: 1...1)
                == [Unit(layer: 1, index: 0), Unit(layer: 1, index: 1)])
        #expect(try selectTopUnits(scores, k: 6, ranking: .signed).count == 6)
    }

    @Test func fromActivations() throws {
        // D = L0 [1.5, 0], L1 [2, 4] (see MeanDifferenceTests): top 2 signed = L1.1, L1.0.
        let scores = try unitScores(smallPairs)
        #expect(try selectTopUnits(scores, k: 2, ranking: .signed) == [Unit(layer: 1, index: 1), Unit(layer: 1, index: 0)])
    }

    @Test func tooManyHeadsNamesTheFlag() throws {
        let scores = try UnitScores(
            layers: 30, unitsPerLayer: 9, values: [Float](repeating: 0, count: 270),
            unitName: "attention heads")
        do {
            _ = try selectTopUnits(scores, k: 5000, ranking: .signed)
            Issue.record("K = 5000 was accepted")
        } catch let error as FittingError {
            #expect(error.description == "--k 5000 is larger than the 270 attention heads the model has (30 layers × 9); choose K ≤ 270.")
        }
        do {
            _ = try selectTopUnits(scores, k: 100, ranking: .signed, layers: 10...19)
            Issue.record("K = 100 in 10 layers was accepted")
        } catch let error as FittingError {
            #expect(error.description.hasPrefix("--k 100 is larger than the 90 attention heads in layers 10 to 19 (10 layers × 9)"))
        }
    }

    @Test func otherErrors() throws {
        let scores = try UnitScores(layers: 2, unitsPerLayer: 2, values: [1, .nan, 0, 0])
        #expect(throws: FittingError.nonPositiveK(flag: "--k", k: 0)) { try selectTopUnits(scores, k: 0, ranking: .signed) }
        #expect(throws: FittingError.layersOutOfRange(flag: "--layers", layers: 1...2, layerCount: 2)) {
            try selectTopUnits(scores, k: 1, ranking: .signed, layers: 1...2)
        }
        do {
            _ = try selectTopUnits(scores, k: 1, ranking: .signed)
            Issue.record("a NaN score was ranked")
        } catch let FittingError.nonFiniteScore(unit, value) {
            #expect(unit == Unit(layer: 0, index: 1) && value.isNaN)
        }
        #expect(throws: FittingError.self) { try UnitScores(layers: 2, unitsPerLayer: 2, values: [1]) }
    }

    /// Expected units from a Python re-implementation of SplitMix64 and the same partial
    /// Fisher-Yates (j = i + next() % (available − i)):
    ///   k 4, 3 layers × 5, layers 1...2, seed 42 → L1.2, L1.3, L1.4, L2.0
    ///   k 3, 2 layers × 4, all layers, seed 7   → L0.2, L1.0, L1.3
    @Test func randomUnitsMatchTheReference() throws {
        #expect(
            try randomUnits(k: 4, layerCount: 3, unitsPerLayer: 5, layers: 1...2, seed: 42)
                == [Unit(layer: 1, index: 2), Unit(layer: 1, index: 3), Unit(layer: 1, index: 4), Unit(layer: 2, index: 0)])
        #expect(
            try randomUnits(k: 3, layerCount: 2, unitsPerLayer: 4, seed: 7)
                == [Unit(layer: 0, index: 2), Unit(layer: 1, index: 0), Unit(layer: 1, index: 3)])
    }

    @Test func randomUnitsAreDistinctSeededAndBounded() throws {
        let a = try randomUnits(k: 50, layerCount: 30, unitsPerLayer: 9, seed: 1)
        #expect(a == (try randomUnits(k: 50, layerCount: 30, unitsPerLayer: 9, seed: 1)))
        #expect(a != (try randomUnits(k: 50, layerCount: 30, unitsPerLayer: 9, seed: 2)))
        #expect(Set(a).count == 50 && a == a.sorted())
        #expect(a.allSatisfy { (0..<30).contains($0.layer) && (0..<9).contains($0.index) })
        let all = try randomUnits(k: 6, layerCount: 2, unitsPerLayer: 3, seed: 5)
        #expect(all == (0..<2).flatMap { l in (0..<3).map { Unit(layer: l, index: $0) } })
        #expect(throws: FittingError.self) {
            try randomUnits(k: 271, layerCount: 30, unitsPerLayer: 9, seed: 1, unitName: "attention heads")
        }
    }

    /// 2 layers × 2 heads × 3 dims; heads L0.1 and L1.0 chosen:
    ///   L0: head 0 [0 0 0], head 1 [1 1 1];  L1: head 0 [1 1 1], head 1 [0 0 0]
    @Test func maskByHand() throws {
        let units = [Unit(layer: 0, index: 1), Unit(layer: 1, index: 0)]
        let m = try mask(units: units, layers: 2, unitsPerLayer: 2, unitSize: 3)
        #expect(m == [0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0])
        #expect(try mask(units: [Unit(layer: 1, index: 1)], like: smallPairs) == [0, 0, 0, 1])
        // D ⊙ M with D = [1.5, 0, 2, 4] (smallPairs) and M = [0, 0, 0, 1] → [0, 0, 0, 4].
        #expect(try maskedDifference(meanDifference(smallPairs), mask: [0, 0, 0, 1]) == [0, 0, 0, 4])
        #expect(throws: FittingError.self) { try mask(units: [Unit(layer: 2, index: 0)], layers: 2, unitsPerLayer: 2) }
        #expect(throws: FittingError.self) { try maskedDifference([1, 2], mask: [1]) }
    }
}
