/// SentencePiece-style BPE (GGUF `tokenizer.ggml.model = llama`), as llama.cpp's
/// llm_tokenizer_spm: the text (spaces already escaped to U+2581) starts as one symbol per
/// UTF-8 character; the adjacent pair whose concatenation is the highest-scoring token is
/// merged, ties to the leftmost pair, until no pair forms a token. A symbol that is not a token
/// falls back to its bytes (`<0xNN>` tokens).
///
/// There is no pre-tokenizer: merges run over the whole fragment, because pieces such as `▁▁`
/// may span what a word split would separate.
struct SentencePieceModel: Sendable {
    private let vocabulary: ByteKeyedTable<Int32>
    private let scores: [Float]
    private let byteTokens: [Int32]

    init(vocabulary: Vocabulary, unknownID: Int32) {
        self.vocabulary = vocabulary.ids
        scores = vocabulary.scores
        byteTokens = (0..<256).map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            let name = "<0x" + (hex.count == 1 ? "0" + hex : hex) + ">"
            return vocabulary.id(of: name) ?? vocabulary.ids.value(for: [UInt8(byte)]) ?? unknownID
        }
    }

    func byteToken(_ byte: UInt8) -> Int32 { byteTokens[Int(byte)] }

    /// Appends the tokens of `text`, which is already escaped (spaces as U+2581).
    func encode(escaped text: UnsafeBufferPointer<UInt8>, scratch: inout SentencePieceScratch, into output: inout [Int32]) {
        if text.isEmpty { return }
        scratch.reset()
        var offset = 0
        while offset < text.count {
            let length = min(Self.utf8Length(text[offset]), text.count - offset)
            scratch.starts.append(offset)
            scratch.lengths.append(length)
            offset += length
        }
        let count = scratch.starts.count
        for i in 0..<count {
            scratch.prev.append(i - 1)
            scratch.next.append(i + 1 < count ? i + 1 : -1)
        }
        for i in 1..<max(count, 1) { pushPair(i - 1, i, text: text, scratch: &scratch) }

        while let pair = scratch.heap.popMin() {
            let left = pair.left, right = pair.right
            let leftLength = scratch.lengths[left], rightLength = scratch.lengths[right]
            // A pair is stale once either side has changed length.
            guard leftLength > 0, rightLength > 0, leftLength + rightLength == pair.size else { continue }
            scratch.lengths[left] = leftLength + rightLength
            scratch.lengths[right] = 0
            let after = scratch.next[right]
            scratch.next[left] = after
            if after >= 0 { scratch.prev[after] = left }
            if scratch.prev[left] >= 0 { pushPair(scratch.prev[left], left, text: text, scratch: &scratch) }
            if after >= 0 { pushPair(left, after, text: text, scratch: &scratch) }
        }

        var i = 0
        while i >= 0 {
            let piece = UnsafeBufferPointer(rebasing: text[scratch.starts[i]..<(scratch.starts[i] + scratch.lengths[i])])
            if let id = vocabulary.value(for: piece) {
                output.append(id)
            } else {
                for byte in piece { output.append(byteTokens[Int(byte)]) }
            }
            i = scratch.next[i]
        }
    }

    private func pushPair(_ left: Int, _ right: Int, text: UnsafeBufferPointer<UInt8>, scratch: inout SentencePieceScratch) {
        let start = scratch.starts[left]
        let size = scratch.lengths[left] + scratch.lengths[right]
        guard let id = vocabulary.value(for: UnsafeBufferPointer(rebasing: text[start..<(start + size)])) else { return }
        scratch.heap.push(ScoreKey(score: scores[Int(id)], left: left), SentencePiecePair(left: left, right: right, size: size))
    }

    /// Bytes of the UTF-8 character that starts with `lead`.
    static func utf8Length(_ lead: UInt8) -> Int {
        switch lead >> 4 {
        case 0xC, 0xD: return 2
        case 0xE: return 3
        case 0xF: return 4
        default: return 1
        }
    }
}

/// Highest score first, then leftmost.
struct ScoreKey: Comparable {
    let score: Float
    let left: Int

    static func < (a: ScoreKey, b: ScoreKey) -> Bool {
        a.score > b.score || (a.score == b.score && a.left < b.left)
    }
}

struct SentencePiecePair {
    let left: Int
    let right: Int
    let size: Int
}

struct SentencePieceScratch {
    var starts: [Int] = []
    var lengths: [Int] = []
    var prev: [Int] = []
    var next: [Int] = []
    var heap = MinHeap<ScoreKey, SentencePiecePair>()
    var escaped: [UInt8] = []

    mutating func reset() {
        starts.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
        prev.removeAll(keepingCapacity: true)
        next.removeAll(keepingCapacity: true)
        heap.removeAll()
    }
}
