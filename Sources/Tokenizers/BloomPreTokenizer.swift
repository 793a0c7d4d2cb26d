/// BLOOM's split, ` ?[^(\s|.,!?…。，、।۔،)]+` (llama.cpp's pattern for the `bloom`, `poro` and
/// `gpt3-finnish` pre-tokenizers, transformers' `Split` of BLOOM's tokenizer.json), as a
/// scanner: runs of anything but whitespace and those sentence marks, each taking one space
/// before it; the marks and other spaces lie between the runs and stay pieces of their own.
struct BloomPreTokenizer: PreTokenizer {
    /// `(`, `|`, `)` are in the class too: the pattern's parentheses sit inside the brackets.
    @inline(__always)
    static func isDelimiter(_ codePoint: UInt32, _ cls: CharacterClass) -> Bool {
        if cls.isWhitespace { return true }
        switch codePoint {
        case 0x28, 0x7C, 0x29, 0x2E, 0x2C, 0x21, 0x3F: return true  // ( | ) . , ! ?
        case 0x2026, 0x3002, 0xFF0C, 0x3001: return true  // … 。 ， 、
        case 0x0964, 0x06D4, 0x060C: return true  // । ۔ ،
        default: return false
        }
    }

    func split(_ text: CodePointText, _ range: Range<Int>, into pieces: inout [Range<Int>]) {
        let end = range.upperBound
        var emitter = PieceEmitter(start: range.lowerBound)
        var pos = range.lowerBound
        func runs(at i: Int) -> Bool { i < end && !Self.isDelimiter(text.codePoints[i], text.classes[i]) }
        while pos < end {
            let lead = text.codePoints[pos] == 0x20 && runs(at: pos + 1) ? pos + 1 : pos
            guard runs(at: lead) else {
                pos += 1  // a delimiter no run starts at: it joins the text between runs
                continue
            }
            emitter.cut(at: pos, into: &pieces)
            pos = lead
            while runs(at: pos) { pos += 1 }
            emitter.cut(at: pos, into: &pieces)
        }
        emitter.cut(at: end, into: &pieces)
    }
}
