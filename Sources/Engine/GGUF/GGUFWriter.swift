import Foundation

/// Builds a GGUF v3 file: metadata of every GGUF value type (arrays included) and F32
/// tensors, each tensor's data starting on an `alignment` boundary (32 by default, which
/// every reader assumes when `general.alignment` is absent). The file is written whole to a
/// temporary file beside the target and renamed into place, so a reader never sees half a
/// file. The result reads back through `GGUFFile` key for key and bit for bit.
public struct GGUFWriter: Sendable {
    public let alignment: Int
    public private(set) var metadataKeys: [String] = []
    private var metadata: [String: GGUFValue] = [:]
    private var tensors: [(name: String, dimensions: [Int], values: [Float])] = []

    public init(alignment: Int = 32) throws {
        guard alignment > 0, alignment & (alignment - 1) == 0 else {
            throw EngineError.invalidArgument(
                "a GGUF alignment of \(alignment) is not a power of two; use 32 unless a reader needs otherwise.")
        }
        self.alignment = alignment
        if alignment != 32 {
            // Readers only know a non-default alignment if the file says so.
            metadataKeys.append("general.alignment")
            metadata["general.alignment"] = .uint32(UInt32(alignment))
        }
    }

    /// Adds a metadata key; keys keep the order they were added in.
    public mutating func set(_ key: String, _ value: GGUFValue) throws {
        guard !key.isEmpty else { throw EngineError.invalidArgument("a GGUF metadata key cannot be empty.") }
        guard metadata[key] == nil else {
            throw EngineError.invalidArgument("the GGUF metadata key '\(key)' is set twice; set each key once.")
        }
        try Self.checkArrays(value, key: key)
        metadataKeys.append(key)
        metadata[key] = value
    }

    /// Removes a metadata key if it is set (to write a converter's file with one key changed).
    public mutating func removeValue(forKey key: String) {
        guard metadata.removeValue(forKey: key) != nil else { return }
        metadataKeys.removeAll { $0 == key }
    }

    /// Adds an F32 tensor. `dimensions` are in ggml order (the first is the row length) and
    /// their product must equal `values.count`.
    public mutating func addTensor(name: String, dimensions: [Int], values: [Float]) throws {
        guard !name.isEmpty, !tensors.contains(where: { $0.name == name }) else {
            throw EngineError.invalidArgument("the GGUF tensor name '\(name)' is empty or used twice; give each tensor its own name.")
        }
        guard (1...4).contains(dimensions.count), dimensions.allSatisfy({ $0 > 0 }),
            dimensions.reduce(1, *) == values.count
        else {
            throw EngineError.invalidArgument(
                "tensor '\(name)' has dimensions \(dimensions) for \(values.count) values; give 1 to 4 positive dimensions whose product is the value count."
            )
        }
        tensors.append((name, dimensions, values))
    }

    /// The whole file as bytes.
    public func serialized() -> Data {
        var out = Data()
        append(UInt32(0x4655_4747), to: &out)  // "GGUF" read as a little-endian u32
        append(UInt32(3), to: &out)
        append(UInt64(tensors.count), to: &out)
        append(UInt64(metadataKeys.count), to: &out)
        for key in metadataKeys {
            let value = metadata[key]!
            appendString(key, to: &out)
            append(Self.typeCode(of: value), to: &out)
            appendValue(value, to: &out)
        }
        var offset = 0
        var offsets: [Int] = []
        for tensor in tensors {
            offsets.append(offset)
            offset = padded(offset + tensor.values.count * 4)
        }
        for (tensor, tensorOffset) in zip(tensors, offsets) {
            appendString(tensor.name, to: &out)
            append(UInt32(tensor.dimensions.count), to: &out)
            for d in tensor.dimensions { append(UInt64(d), to: &out) }
            append(GGMLType.f32.rawValue, to: &out)
            append(UInt64(tensorOffset), to: &out)
        }
        out.append(Data(count: padded(out.count) - out.count))
        for tensor in tensors {
            for v in tensor.values { append(v.bitPattern, to: &out) }
            out.append(Data(count: padded(out.count) - out.count))
        }
        return out
    }

    /// Writes the file atomically: a temporary file in the same folder, flushed, then renamed.
    public func write(to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw EngineError.invalidArgument(
                "cannot create the folder \(directory) for \(path): \(error.localizedDescription); choose a writable output path.")
        }
        let temporary = directory + "/." + url.lastPathComponent + ".tmp-" + UUID().uuidString
        let data = serialized()
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            throw EngineError.invalidArgument(
                "cannot write \(path): \(String(cString: strerror(errno))); check that the folder is writable.")
        }
        var failure: String? = nil
        data.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                done += n
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw EngineError.invalidArgument("cannot write \(path): \(failure); check the disk space and that the folder is writable.")
        }
    }

    // MARK: encoding

    private func padded(_ n: Int) -> Int { (n + alignment - 1) / alignment * alignment }

    private func append<T: FixedWidthInteger>(_ value: T, to out: inout Data) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private func appendString(_ text: String, to out: inout Data) {
        let bytes = Array(text.utf8)
        append(UInt64(bytes.count), to: &out)
        out.append(contentsOf: bytes)
    }

    private func appendValue(_ value: GGUFValue, to out: inout Data) {
        switch value {
        case let .uint8(v): append(v, to: &out)
        case let .int8(v): append(v, to: &out)
        case let .uint16(v): append(v, to: &out)
        case let .int16(v): append(v, to: &out)
        case let .uint32(v): append(v, to: &out)
        case let .int32(v): append(v, to: &out)
        case let .uint64(v): append(v, to: &out)
        case let .int64(v): append(v, to: &out)
        case let .float32(v): append(v.bitPattern, to: &out)
        case let .float64(v): append(v.bitPattern, to: &out)
        case let .bool(v): append(UInt8(v ? 1 : 0), to: &out)
        case let .string(s): appendString(s, to: &out)
        case let .array(items):
            append(items.first.map(Self.typeCode(of:)) ?? Self.emptyArrayElementType, to: &out)
            append(UInt64(items.count), to: &out)
            for item in items { appendValue(item, to: &out) }
        }
    }

    /// An empty array has no element to take a type from; GGUF still needs one. Strings, as
    /// an empty token list would be, and it reads back as the same empty array.
    private static let emptyArrayElementType: UInt32 = 8

    private static func typeCode(of value: GGUFValue) -> UInt32 {
        switch value {
        case .uint8: return 0
        case .int8: return 1
        case .uint16: return 2
        case .int16: return 3
        case .uint32: return 4
        case .int32: return 5
        case .float32: return 6
        case .bool: return 7
        case .string: return 8
        case .array: return 9
        case .uint64: return 10
        case .int64: return 11
        case .float64: return 12
        }
    }

    /// GGUF arrays hold one element type; the reader allows 8 levels of nesting.
    private static func checkArrays(_ value: GGUFValue, key: String, depth: Int = 0) throws {
        guard case let .array(items) = value else { return }
        guard depth < 8 else {
            throw EngineError.invalidArgument("the GGUF metadata '\(key)' nests arrays more than 8 deep; flatten it.")
        }
        if let first = items.first {
            let code = typeCode(of: first)
            guard items.allSatisfy({ typeCode(of: $0) == code }) else {
                throw EngineError.invalidArgument("the GGUF metadata array '\(key)' mixes element types; a GGUF array holds one type.")
            }
        }
        for item in items { try checkArrays(item, key: key, depth: depth + 1) }
    }
}
