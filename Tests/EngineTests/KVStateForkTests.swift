import Testing

@testable import Engine

/// A fork holds only its own positions: a sweep forks one context hundreds of times per call.
@Suite struct KVStateForkTests {
    @Test("a fork of a long context stores only its own tokens, and a fork of a fork its parent's own ones too")
    func forkCapacity() {
        let root = KVState(layerCount: 3, width: 8, capacity: 4)
        root.reserve(500)
        root.advance(by: 500)
        let child = root.fork(reserving: 2)
        #expect(child.capacity == 2, "a fork of a 500-token context reserved \(child.capacity) positions")
        #expect(child.length == 500 && child.inherited == 500 && child.ownLength == 0)
        child.reserve(503)
        child.advance(by: 3)
        let grandchild = child.fork(reserving: 4)
        #expect(grandchild.capacity == 3 + 4)
        #expect(grandchild.length == 503 && grandchild.inherited == 500 && grandchild.ownLength == 3)
    }

    @Test("a state that outgrows its block keeps every layer's keys and values, in 2 MB pages or not")
    func growthKeepsPositions() {
        // 30 layers × 192 floats: the first block (2 positions) is small, the grown one (1,024
        // positions, 47 MB) is past KVState.hugePageBytes.
        let state = KVState(layerCount: 30, width: 192, capacity: 2)
        func value(_ layer: Int, _ position: Int, _ i: Int, _ isKey: Bool) -> Float {
            Float(layer * 100_000 + position * 1_000 + i) * (isKey ? 1 : -1)
        }
        func write(_ positions: Range<Int>) {
            state.reserve(positions.upperBound)
            for layer in 0..<30 {
                for position in positions {
                    let k = state.ownKeys(layer, at: position), v = state.ownValues(layer, at: position)
                    for i in 0..<192 {
                        k[i] = value(layer, position, i, true)
                        v[i] = value(layer, position, i, false)
                    }
                }
            }
            state.advance(by: positions.count)
        }
        write(0..<2)
        write(2..<1_024)
        #expect(state.capacity >= 1_024 && state.length == 1_024)
        var wrong = 0
        for layer in 0..<30 {
            let own = state.segments(layer, total: 1_024).own
            for position in 0..<1_024 {
                for i in stride(from: 0, to: 192, by: 37) {
                    if own.keys[position * 192 + i] != value(layer, position, i, true) { wrong += 1 }
                    if own.values[position * 192 + i] != value(layer, position, i, false) { wrong += 1 }
                }
            }
        }
        #expect(wrong == 0, "\(wrong) stored keys or values changed when the state grew")
    }
}
