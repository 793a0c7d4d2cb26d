import Engine

/// A per-document seed: the run's seed mixed with the document's id (FNV-1a), through one
/// SplitMix64 step, so sampled generations do not depend on batch size or order.
public enum DocumentSeed {
    public static func mix(_ seed: UInt64, _ documentID: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in documentID.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        var generator = SplitMix64(seed: seed ^ hash)
        return generator.next()
    }
}
