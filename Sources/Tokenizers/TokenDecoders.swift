/// Token ids back to bytes and text. Each token's bytes are computed once at load time and kept
/// in one arena, so decoding is a copy per token.
protocol TokenDecoder: Sendable {
    func bytes(of id: Int32) -> [UInt8]
    func decode(_ ids: [Int32]) -> String
}

/// Bytes per token id, stored contiguously.
struct TokenByteTable: Sendable {
    private let offsets: [Int32]
    private let storage: [UInt8]

    init(count: Int, bytesOf: (Int) -> [UInt8]) {
        var offsets: [Int32] = [0]
        var storage: [UInt8] = []
        offsets.reserveCapacity(count + 1)
        for id in 0..<count {
            storage.append(contentsOf: bytesOf(id))
            offsets.append(Int32(storage.count))
        }
        self.offsets = offsets
        self.storage = storage
    }

    func bytes(of id: Int32) -> ArraySlice<UInt8> {
        guard id >= 0, Int(id) + 1 < offsets.count else { return [] }
        return storage[Int(offsets[Int(id)])..<Int(offsets[Int(id) + 1])]
    }
}

/// Reverses GPT-2's byte-to-character map. Control, unknown and user-defined tokens are stored
/// as plain text and come out as it, as in llama.cpp and Hugging Face (without
/// skip_special_tokens); unused tokens produce nothing.
struct ByteLevelDecoder: TokenDecoder {
    private let table: TokenByteTable

    init(vocabulary: Vocabulary) {
        table = TokenByteTable(count: vocabulary.count) { id in
            let piece = vocabulary.pieces[id]
            switch vocabulary.types[id] {
            case .normal:
                // A piece outside the byte map (a malformed file) is shown as written.
                return ByteLevelMapping.bytes(ofPiece: piece) ?? Array(piece.utf8)
            case .control, .unknown, .userDefined:
                return Array(piece.utf8)
            case .unused, .byte, .undefined:
                return []
            }
        }
    }

    func bytes(of id: Int32) -> [UInt8] { Array(table.bytes(of: id)) }

    func decode(_ ids: [Int32]) -> String {
        var out: [UInt8] = []
        for id in ids { out.append(contentsOf: table.bytes(of: id)) }
        return String(decoding: out, as: UTF8.self)
    }
}

/// SentencePiece decoding: `▁` becomes a space, `<0xNN>` tokens their byte, control tokens
/// nothing, the unknown token ` ⁇ `; with the dummy prefix on, the space that begins the first
/// non-control piece is dropped. These are sentencepiece's `decode` rules.
struct SentencePieceDecoder: TokenDecoder {
    private let table: TokenByteTable
    private let types: [TokenType]
    private let stripsDummyPrefix: Bool

    init(vocabulary: Vocabulary, addSpacePrefix: Bool) {
        types = vocabulary.types
        stripsDummyPrefix = addSpacePrefix
        table = TokenByteTable(count: vocabulary.count) { id in
            let piece = vocabulary.pieces[id]
            switch vocabulary.types[id] {
            case .normal:
                return Array(piece.replacing("\u{2581}", with: " ").utf8)
            case .byte:
                if let byte = Self.byteValue(piece) { return [byte] }
                return Array(piece.utf8)
            case .unknown:
                return Array(" \u{2047} ".utf8)
            case .userDefined:
                return Array(piece.utf8)
            case .control, .unused, .undefined:
                return []
            }
        }
    }

    /// The byte of a `<0xNN>` piece.
    static func byteValue(_ piece: String) -> UInt8? {
        let u = Array(piece.utf8)
        guard u.count == 6, u[0] == 0x3C, u[1] == 0x30, u[2] == 0x78, u[5] == 0x3E else { return nil }
        return UInt8(String(decoding: u[3...4], as: UTF8.self), radix: 16)
    }

    func bytes(of id: Int32) -> [UInt8] { Array(table.bytes(of: id)) }

    func decode(_ ids: [Int32]) -> String {
        var out: [UInt8] = []
        var atStart = stripsDummyPrefix
        for id in ids {
            let type: TokenType = id >= 0 && Int(id) < types.count ? types[Int(id)] : .undefined
            var bytes = table.bytes(of: id)
            if atStart, type != .control {
                atStart = false
                if type == .normal, bytes.first == 0x20 { bytes = bytes.dropFirst() }
            }
            out.append(contentsOf: bytes)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
