/// Cuts the special tokens written in text out of it before the model sees the rest.
///
/// This follows llama.cpp's `tokenizer_st_partition`: control, unknown and user-defined
/// tokens are tried longest first, and each one splits every remaining text fragment at all
/// its occurrences. Control and unknown tokens take part only when special parsing is on;
/// user-defined tokens always do (as Hugging Face's added tokens).
struct SpecialTokenSplitter: Sendable {
    enum Fragment: Equatable, Sendable {
        /// UTF-8 byte offsets into the text.
        case text(Range<Int>)
        case token(Int32)
    }

    private struct Candidate: Sendable {
        let id: Int32
        let bytes: [UInt8]
        let alwaysParsed: Bool
    }

    private let candidates: [Candidate]
    /// First bytes of all candidates, so text without any of them skips the search.
    private let firstBytes: [Bool]

    init(vocabulary: Vocabulary) {
        var found: [Candidate] = []
        for id in 0..<vocabulary.count {
            let type = vocabulary.types[id]
            guard type == .control || type == .unknown || type == .userDefined else { continue }
            let bytes = Array(vocabulary.pieces[id].utf8)
            found.append(Candidate(id: Int32(id), bytes: bytes, alwaysParsed: type == .userDefined))
        }
        // Longest first; ties by id so the order does not depend on the sort algorithm.
        found.sort { $0.bytes.count != $1.bytes.count ? $0.bytes.count > $1.bytes.count : $0.id < $1.id }
        candidates = found
        var first = Array(repeating: false, count: 256)
        for c in found where !c.bytes.isEmpty { first[Int(c.bytes[0])] = true }
        firstBytes = first
    }

    var isEmpty: Bool { candidates.isEmpty }

    func split(_ text: UnsafeBufferPointer<UInt8>, parseSpecial: Bool) -> [Fragment] {
        if text.isEmpty { return [] }
        var fragments: [Fragment] = [.text(0..<text.count)]
        guard !candidates.isEmpty, text.contains(where: { firstBytes[Int($0)] }) else { return fragments }

        for candidate in candidates where parseSpecial || candidate.alwaysParsed {
            let needle = candidate.bytes
            if needle.isEmpty { continue }
            var next: [Fragment] = []
            next.reserveCapacity(fragments.count + 2)
            var changed = false
            for fragment in fragments {
                guard case let .text(range) = fragment, range.count >= needle.count else {
                    next.append(fragment)
                    continue
                }
                var start = range.lowerBound
                var searchFrom = range.lowerBound
                while let hit = Self.find(needle, in: text, from: searchFrom, upTo: range.upperBound) {
                    if hit > start { next.append(.text(start..<hit)) }
                    next.append(.token(candidate.id))
                    start = hit + needle.count
                    searchFrom = start
                    changed = true
                }
                if start < range.upperBound { next.append(.text(start..<range.upperBound)) }
            }
            if changed { fragments = next }
        }
        return fragments
    }

    private static func find(_ needle: [UInt8], in text: UnsafeBufferPointer<UInt8>, from: Int, upTo end: Int) -> Int? {
        let n = needle.count
        guard end - from >= n else { return nil }
        let first = needle[0]
        return needle.withUnsafeBufferPointer { needle in
            var i = from
            let last = end - n
            while i <= last {
                if text[i] == first, memoryEqual(text.baseAddress! + i, needle.baseAddress!, n) { return i }
                i += 1
            }
            return nil
        }
    }
}
