import Engine

/// Seeded byte mutations in the manner of libFuzzer's default mutators: bit flips, bytes set
/// to boundary values, little-endian integers overwritten with sizes and limits, ranges
/// erased, duplicated or spliced in from another input, and truncation. The same seed gives
/// the same sequence of inputs.
struct Mutator {
    var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(generator.next() % UInt64(n)) }

    /// Integers that sit on the edges parsers get wrong: zero, one, sign bits, all ones,
    /// powers of two around common limits.
    static let interesting: [UInt64] = [
        0, 1, 2, 3, 7, 8, 16, 31, 32, 63, 64, 127, 128, 255, 256, 1023, 1024, 4096, 65535, 65536, 0x7fff_ffff, 0x8000_0000,
        0xffff_ffff, 1 << 32, 1 << 40, 0x7fff_ffff_ffff_ffff, 0x8000_0000_0000_0000, .max,
    ]

    mutating func mutate(_ input: [UInt8], other: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0..<(1 + below(6)) {
            if bytes.isEmpty { bytes = [UInt8(below(256))] }
            let at = below(bytes.count)
            switch below(8) {
            case 0: bytes[at] ^= 1 << UInt8(below(8))
            case 1: bytes[at] = [0, 1, 0x7f, 0x80, 0xff][below(5)]
            case 2:
                // A little-endian integer of 1, 2, 4 or 8 bytes.
                let width = [1, 2, 4, 8][below(4)]
                let value = Self.interesting[below(Self.interesting.count)]
                for i in 0..<width where at + i < bytes.count { bytes[at + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
            case 3: bytes.removeSubrange(at..<min(bytes.count, at + 1 + below(64)))
            case 4:
                let end = min(bytes.count, at + 1 + below(64))
                bytes.insert(contentsOf: bytes[at..<end], at: below(bytes.count))
            case 5 where !other.isEmpty:
                let start = below(other.count)
                bytes.insert(contentsOf: other[start..<min(other.count, start + 1 + below(256))], at: at)
            case 6: bytes = Array(bytes.prefix(at))
            default: bytes[at] = UInt8(below(256))
            }
        }
        return bytes
    }
}
