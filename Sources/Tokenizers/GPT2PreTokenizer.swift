/// The GPT-2 split, `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`,
/// as a scanner. The alternatives are tried in that order at each position, like the regex.
///
/// The lookahead `(?!\S)` sees the end of the piece as "not \S": a whitespace run that reaches
/// the end stays whole, one followed by a non-space gives its last space to the next word.
struct GPT2PreTokenizer: PreTokenizer {
    func split(_ text: CodePointText, _ range: Range<Int>, into pieces: inout [Range<Int>]) {
        let end = range.upperBound
        var emitter = PieceEmitter(start: range.lowerBound)
        var pos = range.lowerBound
        let cps = text.codePoints
        let apostrophe: UInt32 = 0x27, space: UInt32 = 0x20

        while pos < end {
            let cp = cps[pos]

            // 's 't 're 've 'm 'll 'd (lower case only, as in GPT-2)
            if cp == apostrophe, pos + 1 < end {
                let next = cps[pos + 1]
                if next == 0x73 || next == 0x74 || next == 0x6D || next == 0x64 {  // s t m d
                    pos += 2
                    emitter.cut(at: pos, into: &pieces)
                    continue
                }
                if pos + 2 < end {
                    let after = cps[pos + 2]
                    if (next == 0x72 && after == 0x65) || (next == 0x76 && after == 0x65) || (next == 0x6C && after == 0x6C) {
                        pos += 3  // re ve ll
                        emitter.cut(at: pos, into: &pieces)
                        continue
                    }
                }
            }

            // An optional single space, then a run of one class.
            let lead = cp == space ? pos + 1 : pos
            let leadClass = text.classAt(lead, end: end)
            if leadClass.isLetter || leadClass.isNumber || leadClass.isOther {
                var p = lead
                if leadClass.isLetter {
                    while p < end, text.classes[p].isLetter { p += 1 }
                } else if leadClass.isNumber {
                    while p < end, text.classes[p].isNumber { p += 1 }
                } else {
                    while p < end, text.classes[p].isOther { p += 1 }
                }
                pos = p
                emitter.cut(at: pos, into: &pieces)
                continue
            }

            var spaces = 0
            while pos + spaces < end, text.classes[pos + spaces].isWhitespace { spaces += 1 }
            if spaces > 1, pos + spaces < end {
                pos += spaces - 1  // \s+(?!\S): leave the last space for the word after it
            } else if spaces > 0 {
                pos += spaces
            } else {
                pos += 1  // a code point no rule matches (unassigned) stands alone
            }
            emitter.cut(at: pos, into: &pieces)
        }
        emitter.cut(at: end, into: &pieces)
    }
}
