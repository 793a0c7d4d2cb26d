import Foundation

/// The keys and values one sequence has computed so far, per layer, so later tokens can
/// attend to them without recomputing. A forward call appends to it in place.
///
/// Many continuations of one computed context are scored by `fork()`: the fork reads the
/// context's positions from the original (its `parent`) and stores only its own tokens, so
/// a sweep of a hundred configurations over one prompt holds the prompt once instead of a
/// hundred copies. `copy()` makes an independent deep copy.
public final class KVState: @unchecked Sendable {
    public let layerCount: Int
    public let width: Int
    public private(set) var length: Int = 0
    /// Positions `0..<inherited` are read from `parent`; the rest live in this state.
    let parent: KVState?
    let inherited: Int
    /// Positions forks read from this state; they must never be rewritten.
    private var pinned = 0
    private(set) var capacity: Int
    private var keys: [UnsafeMutablePointer<Float>]
    private var values: [UnsafeMutablePointer<Float>]
    /// One block holding every layer's keys and values when the state is large (`keys` and
    /// `values` point into it); nil when each layer's are allocated on their own.
    private var storage: UnsafeMutableRawPointer?

    public convenience init(layerCount: Int, width: Int, capacity: Int = 64) {
        self.init(layerCount: layerCount, width: width, capacity: capacity, parent: nil, inherited: 0)
    }

    private init(layerCount: Int, width: Int, capacity: Int, parent: KVState?, inherited: Int) {
        self.layerCount = layerCount
        self.width = width
        self.capacity = max(capacity, 1)
        self.parent = parent
        self.inherited = inherited
        length = inherited
        (storage, keys, values) = Self.allocate(layerCount: layerCount, width: width, capacity: max(capacity, 1))
    }

    deinit { Self.release(storage, keys, values) }

    /// Bytes from which a state's keys and values are one block in 2 MB pages: decoding many
    /// sequences reads every state each step, a stream far larger than the caches, and with
    /// 4 KB pages its address translations cost about a seventh of attention's time. Smaller
    /// states (a sweep's hundreds of forks) keep one allocation a layer: as blocks, the official
    /// COPA grid peaked 80 MB higher.
    static let hugePageBytes = 4 << 20

    /// Every layer's keys and values for `capacity` positions: one block of all keys then all
    /// values when large, else an allocation each.
    private static func allocate(layerCount: Int, width: Int, capacity: Int) -> (
        UnsafeMutableRawPointer?, [UnsafeMutablePointer<Float>], [UnsafeMutablePointer<Float>]
    ) {
        let perLayer = capacity * width, bytes = 2 * layerCount * perLayer * MemoryLayout<Float>.stride
        guard bytes >= hugePageBytes else {
            let keys = (0..<layerCount).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: perLayer) }
            let values = (0..<layerCount).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: perLayer) }
            return (nil, keys, values)
        }
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, 2 << 20, bytes) == 0, let raw else {
            fatalError("KVState: cannot allocate \(bytes) bytes for \(capacity) positions")
        }
        #if os(Linux)
        _ = madvise(raw, bytes, MADV_HUGEPAGE)
        #endif
        let base = raw.bindMemory(to: Float.self, capacity: bytes / MemoryLayout<Float>.stride)
        let keys = (0..<layerCount).map { base + $0 * perLayer }
        let values = (0..<layerCount).map { base + (layerCount + $0) * perLayer }
        return (raw, keys, values)
    }

    private static func release(
        _ storage: UnsafeMutableRawPointer?, _ keys: [UnsafeMutablePointer<Float>], _ values: [UnsafeMutablePointer<Float>]
    ) {
        if let storage {
            free(storage)
        } else {
            keys.forEach { $0.deallocate() }
            values.forEach { $0.deallocate() }
        }
    }

    /// Tokens stored in this state itself (not read from the parent).
    var ownLength: Int { length - inherited }

    /// A state that continues from this one without copying it: it reads this state's
    /// positions and stores its own, with room for `extra` tokens. This state may go on
    /// growing, but can no longer be truncated below its current length.
    public func fork(reserving extra: Int = 16) -> KVState { fork(keeping: length, reserving: extra) }

    /// A fork that reads only the first `count` positions of this state, which must hold
    /// them itself (a root), and continues from there: the paired runs of a generation
    /// share one clean pass of the whole prompt, and each steered copy recomputes the last
    /// prompt token under its own edits.
    public func fork(keeping count: Int, reserving extra: Int = 16) -> KVState {
        precondition(
            count == length || (parent == nil && (0...length).contains(count)),
            "KVState.fork(keeping: \(count)) of a state of \(length) positions: only a root forks below its length")
        let root = parent ?? self
        // The child stores only what the root does not hold for it: nothing of a root's own
        // positions (it reads them in place), a fork's own positions (copied below), and
        // `extra`. Sizing it by the root's length made every fork of a long context as large
        // as a copy (a COPA sweep's 384 forks a call held 1.1 GB).
        let copied = parent == nil ? 0 : ownLength
        let child = KVState(
            layerCount: layerCount, width: width, capacity: copied + extra, parent: root,
            inherited: parent == nil ? count : inherited)
        root.pinned = max(root.pinned, child.inherited)
        for l in 0..<layerCount {
            child.keys[l].update(from: keys[l], count: copied * width)
            child.values[l].update(from: values[l], count: copied * width)
        }
        child.length = count
        return child
    }

    /// An independent copy of every position, with room for `extra` more tokens.
    public func copy(reserving extra: Int = 16) -> KVState {
        let clone = KVState(layerCount: layerCount, width: width, capacity: max(length + extra, 1))
        for l in 0..<layerCount {
            if let parent {
                clone.keys[l].update(from: parent.keys[l], count: inherited * width)
                clone.values[l].update(from: parent.values[l], count: inherited * width)
            }
            (clone.keys[l] + inherited * width).update(from: keys[l], count: ownLength * width)
            (clone.values[l] + inherited * width).update(from: values[l], count: ownLength * width)
        }
        clone.length = length
        return clone
    }

    /// Drops everything after the first `count` tokens (e.g. to rescore a shorter prefix).
    public func truncate(to count: Int) {
        precondition(
            count >= max(pinned, inherited),
            "KVState.truncate(to: \(count)): forks read the first \(max(pinned, inherited)) positions; copy() the state instead")
        length = min(length, max(0, count))
    }

    /// Room for `needed` positions in all (own storage for a fork).
    func reserve(_ needed: Int) {
        let ownNeeded = needed - inherited
        guard ownNeeded > capacity else { return }
        let newCapacity = max(ownNeeded, capacity * 2)
        let (grown, grownKeys, grownValues) = Self.allocate(layerCount: layerCount, width: width, capacity: newCapacity)
        for l in 0..<layerCount {
            grownKeys[l].update(from: keys[l], count: ownLength * width)
            grownValues[l].update(from: values[l], count: ownLength * width)
        }
        Self.release(storage, keys, values)
        (storage, keys, values) = (grown, grownKeys, grownValues)
        capacity = newCapacity
    }

    /// The positions `0..<total` of one layer as at most two stored runs: the parent's
    /// (nil without one) and this state's own.
    func segments(_ layer: Int, total: Int) -> (inherited: KVSegment?, own: KVSegment) {
        let own = KVSegment(keys: keys[layer], values: values[layer], count: total - inherited)
        guard let parent, inherited > 0 else { return (nil, own) }
        return (KVSegment(keys: parent.keys[layer], values: parent.values[layer], count: inherited), own)
    }

    /// Where position `position` (≥ inherited) is stored in this state's own storage.
    func ownKeys(_ layer: Int, at position: Int) -> UnsafeMutablePointer<Float> { keys[layer] + (position - inherited) * width }
    func ownValues(_ layer: Int, at position: Int) -> UnsafeMutablePointer<Float> { values[layer] + (position - inherited) * width }

    /// Called once per forward after every layer has written its `count` new rows.
    func advance(by count: Int) { length += count }
}

/// A run of consecutive positions' keys and values, `width` floats a position.
struct KVSegment {
    let keys: UnsafeMutablePointer<Float>
    let values: UnsafeMutablePointer<Float>
    let count: Int
}
