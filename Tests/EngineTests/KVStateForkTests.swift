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
}
