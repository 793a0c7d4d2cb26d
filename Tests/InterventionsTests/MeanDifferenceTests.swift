import Engine
import Interventions
import Testing

/// Two pairs, two layers, width 2, laid out [pair][layer][width].
///   positive: pair 0 = L0 [1, 2], L1 [3, 4];  pair 1 = L0 [3, 0], L1 [5, 8]
///   negative: pair 0 = L0 [0, 0], L1 [1, 1];  pair 1 = L0 [1, 2], L1 [3, 3]
///   pos − neg: pair 0 = L0 [1, 2], L1 [2, 3]; pair 1 = L0 [2, −2], L1 [2, 5]
///   D = mean   =        L0 [1.5, 0], L1 [2, 4]
let smallPairs: SiteActivations = try! SiteActivations(
    positive: [[[1, 2], [3, 4]], [[3, 0], [5, 8]]],
    negative: [[[0, 0], [1, 1]], [[1, 2], [3, 3]]])

@Suite struct MeanDifferenceTests {
    @Test func layout() throws {
        #expect(smallPairs.pairs == 2 && smallPairs.layers == 2 && smallPairs.width == 2)
        #expect(smallPairs.unitSize == 1 && smallPairs.unitsPerLayer == 2 && smallPairs.unitCount == 4)
        #expect(smallPairs.positive == [1, 2, 3, 4, 3, 0, 5, 8])
    }

    @Test func meanDifferenceByHand() {
        #expect(meanDifference(smallPairs) == [1.5, 0, 2, 4])
    }

    @Test func layerSlice() throws {
        let slice = try smallPairs.layerSlice(1)
        #expect(slice.layers == 1 && slice.pairs == 2)
        #expect(slice.positive == [3, 4, 5, 8] && slice.negative == [1, 1, 3, 3])
        #expect(meanDifference(slice) == [2, 4])
        #expect(throws: FittingError.self) { try smallPairs.layerSlice(2) }
    }

    @Test func caaIsTheOneLayerDifference() throws {
        #expect(try caaVector(smallPairs, layer: 0) == [1.5, 0])
        #expect(try caaVector(smallPairs, layer: 1) == [2, 4])
        #expect(caaVectors(smallPairs) == [[1.5, 0], [2, 4]])
    }

    /// Float would lose the 0.01 difference riding on 10⁴; the Double sum keeps it:
    /// (10000.01 − 10000) is 0.0097656 in Float (its spacing there is 2⁻⁷ ≈ 0.0078), and the
    /// mean over 1000 identical pairs must be exactly that value, not drift.
    @Test func largeActivationsDoNotDrift() throws {
        let pairs = 1000
        let activations = try SiteActivations(
            pairs: pairs, layers: 1, width: 1,
            positive: [Float](repeating: 10000.01, count: pairs),
            negative: [Float](repeating: 10000, count: pairs))
        #expect(meanDifference(activations) == [Float(10000.01) - 10000])
    }

    @Test func shapeErrors() {
        #expect(throws: FittingError.self) {
            try SiteActivations(pairs: 2, layers: 1, width: 2, positive: [1, 2, 3], negative: [1, 2, 3, 4])
        }
        #expect(throws: FittingError.self) {
            try SiteActivations(
                pairs: 1, layers: 1, width: 6, unitSize: 4, positive: [Float](repeating: 0, count: 6),
                negative: [Float](repeating: 0, count: 6))
        }
        #expect(throws: FittingError.self) { try SiteActivations(positive: [], negative: []) }
        #expect(throws: FittingError.self) {
            try SiteActivations(positive: [[[1, 2]], [[1]]], negative: [[[1, 2]], [[1, 2]]])
        }
    }
}
