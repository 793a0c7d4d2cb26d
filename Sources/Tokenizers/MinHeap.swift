/// A binary min-heap, the work queue of the BPE merge loops (smallest key = next merge).
struct MinHeap<Key: Comparable, Element> {
    private var keys: [Key] = []
    private var items: [Element] = []

    var isEmpty: Bool { items.isEmpty }

    mutating func removeAll() {
        keys.removeAll(keepingCapacity: true)
        items.removeAll(keepingCapacity: true)
    }

    mutating func push(_ key: Key, _ item: Element) {
        keys.append(key)
        items.append(item)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard keys[child] < keys[parent] else { break }
            keys.swapAt(child, parent)
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popMin() -> Element? {
        guard !items.isEmpty else { return nil }
        let top = items[0]
        let lastKey = keys.removeLast()
        let lastItem = items.removeLast()
        if !items.isEmpty {
            keys[0] = lastKey
            items[0] = lastItem
            var parent = 0
            let n = items.count
            while true {
                let l = 2 * parent + 1, r = l + 1
                var smallest = parent
                if l < n, keys[l] < keys[smallest] { smallest = l }
                if r < n, keys[r] < keys[smallest] { smallest = r }
                if smallest == parent { break }
                keys.swapAt(parent, smallest)
                items.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return top
    }
}
