/// GPT-2's reversible map from bytes to printable code points, in which byte-level BPE
/// vocabularies store their pieces: printable Latin-1 bytes map to themselves, the other 68
/// bytes (controls, space, DEL, NBSP, soft hyphen...) to U+0100 onwards in byte order.
enum ByteLevelMapping {
    static let codePointOfByte: [UInt32] = {
        var table = Array(repeating: UInt32(0), count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            if isPrintable(byte) {
                table[byte] = UInt32(byte)
            } else {
                table[byte] = next
                next += 1
            }
        }
        return table
    }()

    /// The UTF-8 form of each byte's code point (1 or 2 bytes), for building piece text.
    static let utf8OfByte: [[UInt8]] = codePointOfByte.map { Array(String(Unicode.Scalar($0)!).utf8) }

    /// Code point -> byte for U+0000..U+0143, nil elsewhere.
    static let byteOfCodePoint: [Int16] = {
        var table = Array(repeating: Int16(-1), count: 324)
        for (byte, cp) in codePointOfByte.enumerated() { table[Int(cp)] = Int16(byte) }
        return table
    }()

    private static func isPrintable(_ byte: Int) -> Bool {
        (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
    }

    /// The raw bytes a stored piece stands for, or nil if some character is outside the map.
    static func bytes(ofPiece piece: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(piece.utf8.count)
        for scalar in piece.unicodeScalars {
            let v = Int(scalar.value)
            guard v < byteOfCodePoint.count, byteOfCodePoint[v] >= 0 else { return nil }
            out.append(UInt8(byteOfCodePoint[v]))
        }
        return out
    }

    /// The stored-piece form (UTF-8) of raw bytes.
    static func piece(ofBytes bytes: some Sequence<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        for b in bytes { out.append(contentsOf: utf8OfByte[Int(b)]) }
        return out
    }
}
