/// The text normalisations of lm-eval's exact match and of the official TriviaQA evaluation,
/// as their Python code computes them on code points. Text that is all ASCII (most answers)
/// takes a byte path computing the same.
extension ExactMatchScorer {
    /// lm-eval's exact_match with ignore_case and ignore_punctuation: `str.lower`, then
    /// `string.punctuation` deleted (ASCII only: ‘’ and other marks stay).
    public static func lmEvalNormalised(_ text: String) -> String {
        if let bytes = asciiBytes(text) {
            return String(decoding: bytes.compactMap { isPunctuation($0) ? nil : lower($0) }, as: UTF8.self)
        }
        let kept = PythonText.lowercased(text).unicodeScalars.filter { !PythonText.asciiPunctuation.contains($0) }
        return String(String.UnicodeScalarView(kept))
    }

    /// The official TriviaQA evaluation's `normalize_answer` (triviaqa_evaluation.py): `_` to
    /// a space, `str.lower`, `string.punctuation` and ‘ ’ ´ to spaces, the words a, an and
    /// the (`\b(a|an|the)\b`) to spaces, `' '.join(text.split())`.
    public static func triviaQANormalised(_ text: String) -> String {
        if let bytes = asciiBytes(text) { return asciiTriviaQANormalised(bytes) }
        let underscored = String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == "_" ? " " : $0 }))
        let spaced = String.UnicodeScalarView(
            PythonText.lowercased(underscored).unicodeScalars.map { triviaQAPunctuation.contains($0) ? " " : $0 })
        return PythonText.words(String(withoutArticles(spaced))).joined(separator: " ")
    }

    /// `string.punctuation` and the quotes the TriviaQA script adds to it.
    private static let triviaQAPunctuation = PythonText.asciiPunctuation.union(["\u{2018}", "\u{2019}", "\u{00B4}", "`"])

    /// `re.sub(r'\b(a|an|the)\b', ' ', text)`: a maximal run of word characters that is one
    /// of the articles becomes a space.
    private static func withoutArticles(_ text: String.UnicodeScalarView) -> String.UnicodeScalarView {
        var result = String.UnicodeScalarView()
        var word = String.UnicodeScalarView()
        func flush() {
            let spelled = String(word)
            if spelled == "a" || spelled == "an" || spelled == "the" { result.append(" ") } else { result.append(contentsOf: word) }
            word = String.UnicodeScalarView()
        }
        for scalar in text {
            if PythonText.isWordCharacter(scalar) {
                word.append(scalar)
            } else {
                flush()
                result.append(scalar)
            }
        }
        flush()
        return result
    }

    // MARK: - ASCII

    private static func asciiBytes(_ text: String) -> [UInt8]? {
        let bytes = Array(text.utf8)
        return bytes.allSatisfy { $0 < 0x80 } ? bytes : nil
    }

    private static func lower(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte + 0x20 : byte }

    /// One of the 32 characters of `string.punctuation`.
    private static func isPunctuation(_ byte: UInt8) -> Bool {
        (0x21...0x2F).contains(byte) || (0x3A...0x40).contains(byte) || (0x5B...0x60).contains(byte) || (0x7B...0x7E).contains(byte)
    }

    /// Python's `str.isspace` on ASCII: tab to carriage return, the separators U+001C–U+001F
    /// and the space.
    private static func isSpace(_ byte: UInt8) -> Bool { (0x09...0x0D).contains(byte) || (0x1C...0x20).contains(byte) }

    /// `\w` on ASCII: letters, digits, the underscore.
    private static func isWord(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x5F
    }

    private static func asciiTriviaQANormalised(_ bytes: [UInt8]) -> String {
        // Underscores and punctuation (` is one of string.punctuation) to spaces, lower-cased.
        let spaced = bytes.map { $0 == 0x5F || isPunctuation($0) ? 0x20 : lower($0) }
        var words: [[UInt8]] = []
        var current: [UInt8] = []
        var i = 0
        while i < spaced.count {
            guard isWord(spaced[i]) else {
                if isSpace(spaced[i]) {
                    if !current.isEmpty { words.append(current) }
                    current = []
                } else {
                    current.append(spaced[i])
                }
                i += 1
                continue
            }
            var end = i
            while end < spaced.count && isWord(spaced[end]) { end += 1 }
            let run = spaced[i..<end]
            // An article becomes a space, which ends the word being built.
            if run.elementsEqual([0x61]) || run.elementsEqual([0x61, 0x6E]) || run.elementsEqual([0x74, 0x68, 0x65]) {
                if !current.isEmpty { words.append(current) }
                current = []
            } else {
                current += run
            }
            i = end
        }
        if !current.isEmpty { words.append(current) }
        return String(decoding: Array(words.joined(separator: [0x20])), as: UTF8.self)
    }
}
