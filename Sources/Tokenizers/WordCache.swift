import Foundation

/// Word (raw UTF-8) -> token ids, shared by all callers of one tokenizer.
///
/// Benchmark prompts repeat the same words thousands of times and merging is the expensive
/// step, so results are kept. The cache is the only mutable state of a tokenizer; a lock keeps
/// it consistent when several threads encode at once, and merging happens outside the lock.
final class WordCache: @unchecked Sendable {
    private let lock = NSLock()
    private var table = ByteKeyedTable<[Int32]>(minimumCapacity: 4096)
    /// Words longer than this are not cached (rare, and they would crowd out common ones).
    let maximumWordBytes = 64
    /// Past this many bytes of keys the cache starts over, bounding its memory to a few MB.
    private let maximumKeyBytes = 4 << 20

    /// Appends the cached ids of `word` and returns true, or returns false on a miss.
    func append(_ word: UnsafeBufferPointer<UInt8>, to output: inout [Int32]) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard let index = table.index(of: word) else { return false }
        output.append(contentsOf: table.values[index])
        return true
    }

    func store(_ word: UnsafeBufferPointer<UInt8>, _ ids: ArraySlice<Int32>) {
        lock.lock()
        defer { lock.unlock() }
        if table.keyStorageBytes > maximumKeyBytes { table.removeAll() }
        table.insert(word, Array(ids))
    }
}
