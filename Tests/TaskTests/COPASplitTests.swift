import Engine
import Harness
import TaskCOPA
import Testing

/// The split is generic over items, so these run on the ids 1...500, which are dev's items
/// in file order (the parser tests check that); the pinned ids are therefore dev's.
@Suite("COPA seeded split")
struct COPASplitTests {
    private let devIDs = Array(1...500)

    @Test("SplitMix64 matches the reference C code (seed 1234567)")
    func splitMixReference() {
        var generator = SplitMix64(seed: 1_234_567)
        let values = (0..<5).map { _ in generator.next() }
        #expect(
            values == [
                6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
                4_593_380_528_125_082_431, 16_408_922_859_458_223_821,
            ])
    }

    @Test("the permutation is a permutation, pinned for a small case")
    func permutation() {
        #expect(SeededSubset.permutation(count: 10, seed: 0) == [6, 3, 2, 9, 8, 1, 4, 7, 0, 5])
        #expect(SeededSubset.permutation(count: 500, seed: 1234).sorted() == Array(0..<500))
        #expect(SeededSubset.permutation(count: 0, seed: 1) == [])
        #expect(SeededSubset.permutation(count: 1, seed: 1) == [0])
    }

    @Test("the card's dev split: 400 pairs + 100 validation, disjoint, covering dev, in file order")
    func cardSplit() throws {
        let card = try TaskCard.load(name: "copa", directory: COPATestData.tasksDirectory)
        let pairs = try SeededSubset.items(of: try #require(card.splits(role: .pairs).first), from: devIDs)
        let validation = try SeededSubset.items(of: try #require(card.splits(role: .validation).first), from: devIDs)
        #expect(pairs.count == 400)
        #expect(validation.count == 100)
        #expect(Set(pairs).isDisjoint(with: validation))
        #expect(Set(pairs).union(validation) == Set(devIDs))
        #expect(pairs == pairs.sorted() && validation == validation.sorted())
        // Pinned: seed 1234 must keep giving these items (an independent Python port agrees).
        #expect(validation.prefix(10) == [10, 16, 17, 18, 19, 21, 25, 28, 31, 39])
        #expect(try SeededSubset.items(of: try #require(card.splits(role: .test).first), from: Array(501...1000)).count == 500)
    }

    @Test("deterministic for a seed, different for another")
    func determinism() throws {
        func pick(seed: UInt64, start: Int, count: Int) throws -> [Int] {
            try SeededSubset.select(devIDs, subset: TaskCard.Subset(seed: seed, start: start, count: count))
        }
        #expect(try pick(seed: 1234, start: 400, count: 100) == pick(seed: 1234, start: 400, count: 100))
        #expect(try pick(seed: 1234, start: 400, count: 100) != pick(seed: 1235, start: 400, count: 100))
        // Smaller counts take a prefix of the same shuffle, so a smaller pairs split stays
        // out of the validation range.
        #expect(Set(try pick(seed: 1234, start: 0, count: 50)).isSubset(of: try pick(seed: 1234, start: 0, count: 400)))
    }

    @Test("a subset beyond the file is an error naming the split")
    func outOfRange() {
        let error = #expect(throws: TaskCardError.self) {
            try SeededSubset.select(devIDs, subset: TaskCard.Subset(seed: 1, start: 400, count: 200), split: "validation")
        }
        #expect(error?.field == "splits[validation].subset")
        #expect(error.map { "\($0)" }?.contains("takes 200 items from shuffled position 400 but its file has 500") == true)
        #expect(throws: TaskCardError.self) {
            try SeededSubset.select(devIDs, subset: TaskCard.Subset(seed: 1, start: 10, count: Int.max))
        }
    }
}
