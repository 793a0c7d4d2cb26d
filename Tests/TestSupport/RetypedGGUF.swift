import Foundation

/// GGUF files whose tensors are stored in types no fixture holds (IQ2_XXS, TQ1_0, …), made by
/// rewriting one tensor's ggml type code in a copy of a fixture. The tensor's data is left as
/// it is: a type with smaller blocks than F32's 4 bytes per value just covers less of it, so
/// the file stays well-formed for every type ggml defines (F64 reads on into the next tensor,
/// which the reader allows).
public enum RetypedGGUF {
    /// The bytes of the GGUF file at `path` with tensor `name`'s type code set to `code`.
    public static func bytes(of path: String, retyping name: String, to code: UInt32) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw TestDataError("cannot read \(path)") }
        var bytes = [UInt8](data)
        let offset = try typeCodeOffset(of: name, in: bytes, path: path)
        withUnsafeBytes(of: code.littleEndian) { for (i, byte) in $0.enumerated() { bytes[offset + i] = byte } }
        return bytes
    }

    /// Writes the retyped copy to `directory/file` and returns its path.
    public static func write(
        _ path: String, retyping name: String, to code: UInt32, in directory: String, file: String
    ) throws -> String {
        let out = directory + "/" + file
        try Data(bytes(of: path, retyping: name, to: code)).write(to: URL(fileURLWithPath: out))
        return out
    }

    /// A tensor info is: u64 name length, the name, u32 rank, rank × u64 dimensions, u32 type,
    /// u64 offset. The name preceded by its length occurs once in a well-formed file.
    static func typeCodeOffset(of name: String, in bytes: [UInt8], path: String) throws -> Int {
        var key: [UInt8] = []
        withUnsafeBytes(of: UInt64(name.utf8.count).littleEndian) { key += $0 }
        key += Array(name.utf8)
        var found: [Int] = []
        var i = 0
        while i + key.count <= bytes.count && found.count < 2 {
            if bytes[i] == key[0] && Array(bytes[i..<(i + key.count)]) == key { found.append(i) }
            i += 1
        }
        guard found.count == 1 else { throw TestDataError("\(path): tensor '\(name)' found \(found.count) times") }
        let rankAt = found[0] + key.count
        let rank = Int(bytes[rankAt]) | Int(bytes[rankAt + 1]) << 8
        return rankAt + 4 + 8 * rank
    }
}
