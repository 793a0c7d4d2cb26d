/// The Llama 3 split (also Qwen2's, with single digits):
/// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
/// as a scanner, alternatives tried in regex order.
struct Llama3PreTokenizer: PreTokenizer {
    /// 3 for Llama 3 (`\p{N}{1,3}`), 1 for Qwen2 (`\p{N}`).
    let numberGroup: Int

    func split(_ text: CodePointText, _ range: Range<Int>, into pieces: inout [Range<Int>]) {
        let end = range.upperBound
        var emitter = PieceEmitter(start: range.lowerBound)
        var pos = range.lowerBound
        let cps = text.codePoints
        let cr: UInt32 = 0x0D, lf: UInt32 = 0x0A

        // ASCII case folding is enough: no other code point lower-cases to s, t, m, d, r, e, v or l.
        func folded(_ k: Int) -> UInt32 {
            let c = cps[k]
            return (0x41...0x5A).contains(c) ? c + 0x20 : c
        }

        while pos < end {
            let cp = cps[pos]
            let cls = text.classes[pos]

            if cp == 0x27, pos + 1 < end {
                let next = folded(pos + 1)
                if next == 0x73 || next == 0x74 || next == 0x6D || next == 0x64 {  // s t m d
                    pos += 2
                    emitter.cut(at: pos, into: &pieces)
                    continue
                }
                if pos + 2 < end {
                    let after = folded(pos + 2)
                    if (next == 0x72 && after == 0x65) || (next == 0x76 && after == 0x65) || (next == 0x6C && after == 0x6C) {
                        pos += 3  // re ve ll
                        emitter.cut(at: pos, into: &pieces)
                        continue
                    }
                }
            }

            // [^\r\n\p{L}\p{N}]?\p{L}+ : one optional leading non-letter (space, punctuation...).
            if !(cp == cr || cp == lf || cls.isNumber), cls.isLetter || text.classAt(pos + 1, end: end).isLetter {
                var p = pos + 1
                while p < end, text.classes[p].isLetter { p += 1 }
                pos = p
                emitter.cut(at: pos, into: &pieces)
                continue
            }

            // \p{N}{1,n}: a run of numbers in groups of n from the left.
            if cls.isNumber {
                var groupStart = pos
                while pos < end, text.classes[pos].isNumber {
                    pos += 1
                    if pos - groupStart == numberGroup {
                        emitter.cut(at: pos, into: &pieces)
                        groupStart = pos
                    }
                }
                emitter.cut(at: pos, into: &pieces)
                continue
            }

            // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
            let leadClass = cp == 0x20 ? text.classAt(pos + 1, end: end) : cls
            if leadClass.isOther {
                var p = cp == 0x20 ? pos + 1 : pos
                while p < end, text.classes[p].isOther { p += 1 }
                while p < end, cps[p] == cr || cps[p] == lf { p += 1 }
                pos = p
                emitter.cut(at: pos, into: &pieces)
                continue
            }

            var spaces = 0
            var afterLastNewline = 0
            while pos + spaces < end, text.classes[pos + spaces].isWhitespace {
                let c = cps[pos + spaces]
                if c == cr || c == lf { afterLastNewline = pos + spaces + 1 }
                spaces += 1
            }
            if afterLastNewline > 0 {
                pos = afterLastNewline  // \s*[\r\n]+ : up to and including the last line break
            } else if spaces > 1, pos + spaces < end {
                pos += spaces - 1  // \s+(?!\S)
            } else if spaces > 0 {
                pos += spaces
            } else {
                pos += 1
            }
            emitter.cut(at: pos, into: &pieces)
        }
        emitter.cut(at: end, into: &pieces)
    }
}
