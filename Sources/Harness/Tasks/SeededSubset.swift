import Engine

/// Seeded subsets of a file's items, as a task card's `subset: {seed, start, count}` asks:
/// shuffle the positions 0..<n with SplitMix64(seed) and Fisher-Yates, keep the shuffled
/// positions start..<start+count, and return those items in file order. Subsets of one file
/// with one seed and disjoint ranges are therefore disjoint, and a given seed gives the
/// same items on every machine.
public enum SeededSubset {
    /// The shuffled order of 0..<count. Fisher-Yates from the top, j = next() % (i + 1):
    /// written out rather than `shuffle(using:)`, whose algorithm the standard library does
    /// not promise to keep. The modulo bias is below count / 2^64, far under any effect.
    public static func permutation(count: Int, seed: UInt64) -> [Int] {
        var order = Array(0..<count)
        var generator = SplitMix64(seed: seed)
        var i = count - 1
        while i > 0 {
            let j = Int(generator.next() % UInt64(i + 1))
            order.swapAt(i, j)
            i -= 1
        }
        return order
    }

    /// The items of `subset`, in file order.
    public static func select<Item>(_ items: [Item], subset: TaskCard.Subset, split: String = "subset") throws -> [Item] {
        // Compared without forming start + count, which a hand-made Subset could overflow.
        guard subset.start >= 0, subset.count >= 0, subset.start <= items.count,
            subset.count <= items.count - subset.start
        else {
            throw TaskCardError(
                file: "", line: nil, field: "splits[\(split)].subset",
                problem: "takes \(subset.count) items from shuffled position \(subset.start) but its file has \(items.count)",
                fix: "lower `start`/`count`")
        }
        let chosen = permutation(count: items.count, seed: subset.seed)[subset.range].sorted()
        return chosen.map { items[$0] }
    }

    /// The items a card's split holds: all of its file's items, or its seeded subset.
    public static func items<Item>(of split: TaskCard.Split, from fileItems: [Item]) throws -> [Item] {
        guard let subset = split.subset else { return fileItems }
        return try select(fileItems, subset: subset, split: split.name)
    }
}
