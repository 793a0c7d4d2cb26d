/// A hash table keyed by byte strings that can be probed with a borrowed buffer.
///
/// The tokenizers look up slices of the input (a word, two adjacent symbols) millions of
/// times; a `Dictionary<[UInt8], _>` would need a fresh array for every probe. Keys live in
/// one arena and slots are open-addressed, so a lookup is one hash and, usually, one compare.
struct ByteKeyedTable<Value>: Sendable where Value: Sendable {
    private var slots: [Int32]  // entry index + 1; 0 = empty
    private var keyStarts: [Int32] = []
    private var keyLengths: [Int32] = []
    private var hashes: [UInt64] = []
    private var keyBytes: [UInt8] = []
    private(set) var values: [Value] = []

    init(minimumCapacity: Int = 16) {
        var size = 16
        while size < minimumCapacity * 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
    }

    var count: Int { values.count }
    /// Bytes held by keys, so a cache can bound its memory.
    var keyStorageBytes: Int { keyBytes.count }

    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        // FNV-1a: keys are short (words, token pieces), where it beats block hashes.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return h ^ (h >> 29)
    }

    func index(of key: UnsafeBufferPointer<UInt8>) -> Int? {
        let h = Self.hash(key)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        return slots.withUnsafeBufferPointer { slots in
            keyBytes.withUnsafeBufferPointer { arena in
                while true {
                    let entry = Int(slots[slot]) - 1
                    if entry < 0 { return nil }
                    if hashes[entry] == h, Int(keyLengths[entry]) == key.count {
                        let start = Int(keyStarts[entry])
                        if key.count == 0 || memoryEqual(arena.baseAddress! + start, key.baseAddress!, key.count) {
                            return entry
                        }
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    func value(for key: UnsafeBufferPointer<UInt8>) -> Value? {
        index(of: key).map { values[$0] }
    }

    func value(for key: [UInt8]) -> Value? {
        key.withUnsafeBufferPointer { value(for: $0) }
    }

    func value(for key: String) -> Value? {
        var key = key
        return key.withUTF8 { value(for: $0) }
    }

    /// Inserts the key if absent and returns false when it was already present (the
    /// first value wins, as a vocabulary's first occurrence of a duplicate piece does).
    @discardableResult
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>, _ value: Value) -> Bool {
        if index(of: key) != nil { return false }
        if (values.count + 1) * 10 > slots.count * 7 { grow() }
        let h = Self.hash(key)
        keyStarts.append(Int32(keyBytes.count))
        keyLengths.append(Int32(key.count))
        hashes.append(h)
        keyBytes.append(contentsOf: key)
        values.append(value)
        place(entry: values.count - 1, hash: h)
        return true
    }

    @discardableResult
    mutating func insert(_ key: [UInt8], _ value: Value) -> Bool {
        key.withUnsafeBufferPointer { insert($0, value) }
    }

    @discardableResult
    mutating func insert(_ key: String, _ value: Value) -> Bool {
        var key = key
        return key.withUTF8 { insert($0, value) }
    }

    mutating func removeAll() {
        slots = Array(repeating: 0, count: 16)
        keyStarts.removeAll()
        keyLengths.removeAll()
        hashes.removeAll()
        keyBytes.removeAll()
        values.removeAll()
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        for entry in 0..<values.count { place(entry: entry, hash: hashes[entry]) }
    }

    private mutating func place(entry: Int, hash: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(entry + 1)
    }
}

@inline(__always)
func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var i = 0
    while i < count {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}
