/// Byte-pair merging by merge rank: a word starts as one symbol per byte (byte-level BPE,
/// GGUF `tokenizer.ggml.model = gpt2`) or per character (SentencePiece-style BPE from a
/// tokenizer.json), and the adjacent pair with the lowest merge rank is merged until no pair
/// has a rank; equal ranks merge leftmost first. This is llama.cpp's llm_tokenizer_bpe and
/// Hugging Face's BPE model.
///
/// Symbols are token ids, so a merge lookup is one integer-keyed probe. A merge whose parts or
/// result are missing from the vocabulary (possible in a hand-edited file) gets an id past the
/// vocabulary, and such a symbol is emitted the way llama.cpp does: one token per byte of its
/// stored text that is itself a token.
struct BytePairModel: Sendable {
    /// Symbol of each raw byte (the token of its mapped character); empty for character-level models.
    private let byteSymbols: [Int32]
    /// (left << 32 | right) -> (rank << 32 | merged symbol).
    private let merges: [UInt64: UInt64]
    /// Stored text of the symbols numbered from `vocabularySize` on.
    private let extraPieces: [[UInt8]]
    private let vocabularySize: Int
    /// Whole words that are tokens skip merging (llama.cpp's ignore_merges, Llama 3).
    private let ignoreMerges: Bool
    private let vocabulary: ByteKeyedTable<Int32>

    /// Byte-level BPE: `merges` are "left right" strings of stored (byte-mapped) pieces, best first.
    init(vocabulary: Vocabulary, merges mergeStrings: [String], ignoreMerges: Bool) {
        var pairs: [(left: [UInt8], right: [UInt8])] = []
        pairs.reserveCapacity(mergeStrings.count)
        for merge in mergeStrings {
            // Split at the first space after the first byte, as llama.cpp does; like it, skip
            // (rather than reject) an entry that is not two pieces, so such files still load.
            let bytes = Array(merge.utf8)
            guard bytes.count >= 3, let space = bytes[1...].firstIndex(of: 0x20) else { continue }
            pairs.append((Array(bytes[..<space]), Array(bytes[(space + 1)...])))
        }
        self.init(vocabulary: vocabulary, pairs: pairs, byteLevel: true, ignoreMerges: ignoreMerges)
    }

    /// Character-level BPE (tokenizer.json with byte fallback): `merges` are pairs of pieces, best first.
    init(vocabulary: Vocabulary, mergePairs: [(left: String, right: String)]) {
        self.init(
            vocabulary: vocabulary, pairs: mergePairs.map { (Array($0.left.utf8), Array($0.right.utf8)) }, byteLevel: false,
            ignoreMerges: false)
    }

    private init(vocabulary: Vocabulary, pairs: [(left: [UInt8], right: [UInt8])], byteLevel: Bool, ignoreMerges: Bool) {
        vocabularySize = vocabulary.count
        self.ignoreMerges = ignoreMerges
        self.vocabulary = vocabulary.ids
        var extra = ByteKeyedTable<Int32>()
        var extraPieces: [[UInt8]] = []
        let size = vocabulary.count
        func symbol(_ piece: [UInt8]) -> Int32 {
            if let id = vocabulary.ids.value(for: piece) { return id }
            if let id = extra.value(for: piece) { return id }
            let id = Int32(size + extraPieces.count)
            extra.insert(piece, id)
            extraPieces.append(piece)
            return id
        }

        byteSymbols = byteLevel ? (0..<256).map { symbol(ByteLevelMapping.utf8OfByte[$0]) } : []

        var table: [UInt64: UInt64] = [:]
        table.reserveCapacity(pairs.count)
        for (rank, pair) in pairs.enumerated() {
            let key = UInt64(UInt32(bitPattern: symbol(pair.left))) << 32 | UInt64(UInt32(bitPattern: symbol(pair.right)))
            let merged = symbol(pair.left + pair.right)
            // A repeated pair keeps its first (best) rank.
            if table[key] == nil {
                table[key] = UInt64(rank) << 32 | UInt64(UInt32(bitPattern: merged))
            }
        }
        merges = table
        self.extraPieces = extraPieces
    }

    var mergeCount: Int { merges.count }

    /// Appends the tokens of one pre-tokenized word (raw UTF-8 bytes).
    func encode(word: UnsafeBufferPointer<UInt8>, scratch: inout MergeScratch, into output: inout [Int32]) {
        if word.isEmpty { return }
        if word.count == 1 {
            emit(byteSymbols[Int(word[0])], into: &output)
            return
        }
        if ignoreMerges {
            scratch.pieceBytes.removeAll(keepingCapacity: true)
            for b in word { scratch.pieceBytes.append(contentsOf: ByteLevelMapping.utf8OfByte[Int(b)]) }
            if let id = scratch.pieceBytes.withUnsafeBufferPointer({ vocabulary.value(for: $0) }) {
                output.append(id)
                return
            }
        }

        scratch.reset(count: word.count)
        for (i, b) in word.enumerated() { scratch.symbols[i] = byteSymbols[Int(b)] }
        merge(&scratch, into: &output)
    }

    /// Merges the symbols `scratch` was reset with and appends the result.
    func merge(_ scratch: inout MergeScratch, into output: inout [Int32]) {
        let count = scratch.symbols.count
        if count == 0 { return }
        for i in 0..<(count - 1) { pushPair(i, i + 1, scratch: &scratch) }

        while let top = scratch.heap.popMin() {
            let left = top.left, right = top.right
            // Skip pairs that an earlier merge changed.
            guard scratch.alive[left], scratch.alive[right], scratch.next[left] == right,
                scratch.symbols[left] == top.leftSymbol, scratch.symbols[right] == top.rightSymbol
            else { continue }
            scratch.symbols[left] = top.merged
            scratch.alive[right] = false
            let after = scratch.next[right]
            scratch.next[left] = after
            if after >= 0 { scratch.prev[after] = left }
            if scratch.prev[left] >= 0 { pushPair(scratch.prev[left], left, scratch: &scratch) }
            if after >= 0 { pushPair(left, after, scratch: &scratch) }
        }

        var i = 0
        while i >= 0 {
            emit(scratch.symbols[i], into: &output)
            i = scratch.next[i]
        }
    }

    private func pushPair(_ left: Int, _ right: Int, scratch: inout MergeScratch) {
        let l = scratch.symbols[left], r = scratch.symbols[right]
        let key = UInt64(UInt32(bitPattern: l)) << 32 | UInt64(UInt32(bitPattern: r))
        guard let entry = merges[key] else { return }
        scratch.heap.push(
            Int64(entry >> 32) << 32 | Int64(left),
            MergeCandidate(
                left: left, right: right, leftSymbol: l, rightSymbol: r,
                merged: Int32(bitPattern: UInt32(truncatingIfNeeded: entry))))
    }

    private func emit(_ symbol: Int32, into output: inout [Int32]) {
        if Int(symbol) < vocabularySize {
            output.append(symbol)
            return
        }
        for byte in extraPieces[Int(symbol) - vocabularySize] {
            if let id = vocabulary.value(for: [byte]) { output.append(id) }
        }
    }
}

/// One mergeable adjacent pair of a word.
struct MergeCandidate {
    var left: Int
    var right: Int
    var leftSymbol: Int32
    var rightSymbol: Int32
    var merged: Int32
}

/// Working arrays for merging one word or fragment, reused across the words of a call.
struct MergeScratch {
    var symbols: [Int32] = []
    var prev: [Int] = []
    var next: [Int] = []
    var alive: [Bool] = []
    /// Keyed by rank << 32 | left position: lowest rank first, then leftmost.
    var heap = MinHeap<Int64, MergeCandidate>()
    var pieceBytes: [UInt8] = []

    mutating func reset(count: Int) {
        symbols.removeAll(keepingCapacity: true)
        prev.removeAll(keepingCapacity: true)
        next.removeAll(keepingCapacity: true)
        alive.removeAll(keepingCapacity: true)
        heap.removeAll()
        for i in 0..<count {
            symbols.append(0)
            prev.append(i - 1)
            next.append(i + 1 < count ? i + 1 : -1)
            alive.append(true)
        }
    }

    /// Starts a word from the given symbols (token ids) instead of zeros.
    mutating func reset(symbols initial: [Int32]) {
        reset(count: initial.count)
        symbols.replaceSubrange(0..<initial.count, with: initial)
    }
}
