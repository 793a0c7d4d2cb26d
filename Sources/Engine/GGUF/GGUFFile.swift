/// A parsed, memory-mapped GGUF file (versions 2 and 3). Every count, length and offset is
/// checked against the file before it is used.
public final class GGUFFile: @unchecked Sendable {
    public let path: String
    public let version: UInt32
    public let alignment: Int
    /// Metadata in file order.
    public let metadataKeys: [String]
    public let metadata: [String: GGUFValue]
    public let tensors: [GGUFTensorInfo]
    public let dataOffset: Int
    private let tensorIndex: [String: Int]
    private let file: MappedFile

    public var fileSize: Int { file.bytes.count }

    public convenience init(path: String) throws {
        try self.init(mapped: MappedFile(path: path))
    }

    public init(mapped: MappedFile) throws {
        file = mapped
        path = mapped.path
        var cursor = ByteCursor(bytes: mapped.bytes, path: mapped.path)
        cursor.context = "magic"
        let magic = try cursor.read(UInt32.self)
        guard magic == 0x4655_4747 else { throw cursor.fail("the magic number is not 'GGUF'") }
        cursor.context = "version"
        version = try cursor.read(UInt32.self)
        guard version == 2 || version == 3 else {
            throw cursor.fail("version \(version) is not supported (only 2 and 3)")
        }
        cursor.context = "tensor count"
        // A tensor info takes at least 8 (name length) + 4 + 4 + 8 bytes.
        let tensorCount = try cursor.readCount(minItemBytes: 24, what: "tensor count")
        cursor.context = "metadata count"
        let metadataCount = try cursor.readCount(minItemBytes: 12, what: "metadata count")

        // Walk the metadata once without building values: a corrupted array header can claim
        // every remaining byte of the file, and materialising that (98M values for SmolLM2,
        // 4 GB and 45 s) before the next read fails is an out-of-memory crash in waiting.
        var probe = cursor
        var previousKey: String? = nil
        for index in 0..<metadataCount {
            // A key that cannot be read was usually overrun by the value before it: name that.
            probe.context = "metadata key #\(index)" + (previousKey.map { " (after '\(Self.printable($0))')" } ?? "")
            let key = try probe.readString()
            previousKey = key
            probe.context = "metadata '\(Self.printable(key))'"
            let typeCode = try probe.read(UInt32.self)
            try Self.skipValue(typeCode: typeCode, cursor: &probe, depth: 0)
        }

        var keys: [String] = []
        var values: [String: GGUFValue] = [:]
        keys.reserveCapacity(metadataCount)
        for index in 0..<metadataCount {
            cursor.context = "metadata key #\(index)"
            let key = try cursor.readString()
            cursor.context = "metadata '\(Self.printable(key))'"
            let typeCode = try cursor.read(UInt32.self)
            let value = try Self.readValue(typeCode: typeCode, cursor: &cursor, depth: 0)
            guard values.updateValue(value, forKey: key) == nil else {
                throw cursor.fail("the key '\(Self.printable(key))' appears twice")
            }
            keys.append(key)
        }
        metadataKeys = keys
        metadata = values

        var alignment = 32
        if let raw = values["general.alignment"] {
            guard let a = raw.int, a > 0, a & (a - 1) == 0 else {
                throw EngineError.malformedGGUF(
                    path: path, detail: "metadata 'general.alignment' is \(Self.printable(raw.description)), not a power of two")
            }
            alignment = a
        }
        self.alignment = alignment

        var infos: [(name: String, dims: [Int], type: GGMLType, offset: Int)] = []
        infos.reserveCapacity(tensorCount)
        for index in 0..<tensorCount {
            cursor.context = "tensor info #\(index)"
            let name = try cursor.readString()
            cursor.context = "tensor '\(Self.printable(name))'"
            let rank = try cursor.read(UInt32.self)
            guard (1...4).contains(rank) else { throw cursor.fail("it has \(rank) dimensions (1 to 4 allowed)") }
            var dims: [Int] = []
            for _ in 0..<rank {
                let d = try cursor.read(UInt64.self)
                guard d > 0, d < (1 << 40) else { throw cursor.fail("a dimension is \(d)") }
                dims.append(Int(d))
            }
            let typeCode = try cursor.read(UInt32.self)
            guard let type = GGMLType(rawValue: typeCode) else {
                // A retired code is a real, old file, not damage: say what it is.
                if let retired = GGMLType.retiredNames[typeCode] {
                    throw EngineError.retiredTensorType(
                        path: path, tensor: Self.printable(name), code: typeCode, name: retired)
                }
                throw cursor.fail("its type code \(typeCode) is not one ggml defines")
            }
            let offset = try cursor.read(UInt64.self)
            guard offset < (1 << 50) else { throw cursor.fail("its data offset \(offset) is impossible") }
            infos.append((name, dims, type, Int(offset)))
        }
        dataOffset = (cursor.offset + alignment - 1) / alignment * alignment

        var tensors: [GGUFTensorInfo] = []
        var index: [String: Int] = [:]
        for info in infos {
            let what = "tensor '\(Self.printable(info.name))'"
            var elements = 1
            for d in info.dims {
                let (p, overflow) = elements.multipliedReportingOverflow(by: d)
                guard !overflow else { throw EngineError.malformedGGUF(path: path, detail: "\(what) has too many elements") }
                elements = p
            }
            guard let rowBytes = info.type.rowBytes(info.dims[0]) else {
                throw EngineError.malformedGGUF(
                    path: path,
                    detail:
                        "\(what) has rows of \(info.dims[0]) values, not a multiple of the \(info.type) block size \(info.type.blockSize)")
            }
            let (byteCount, overflow) = rowBytes.multipliedReportingOverflow(by: elements / info.dims[0])
            guard !overflow else { throw EngineError.malformedGGUF(path: path, detail: "\(what) is too large") }
            guard info.offset % alignment == 0 else {
                throw EngineError.malformedGGUF(
                    path: path, detail: "\(what) starts at data offset \(info.offset), not a multiple of the alignment \(alignment)")
            }
            let start = dataOffset + info.offset
            guard start <= mapped.bytes.count, byteCount <= mapped.bytes.count - start else {
                throw EngineError.malformedGGUF(
                    path: path, detail: "\(what) needs bytes \(start)..<\(start + byteCount) but the file has \(mapped.bytes.count)")
            }
            guard index.updateValue(tensors.count, forKey: info.name) == nil else {
                throw EngineError.malformedGGUF(path: path, detail: "\(what) appears twice")
            }
            tensors.append(
                GGUFTensorInfo(
                    name: info.name, dimensions: info.dims, type: info.type,
                    fileOffset: start, byteCount: byteCount))
        }
        self.tensors = tensors
        tensorIndex = index
    }

    public func tensor(named name: String) -> GGUFTensorInfo? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// The stored bytes of a tensor (bounds were checked when the file was opened).
    public func data(of tensor: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: file.bytes[tensor.fileOffset..<(tensor.fileOffset + tensor.byteCount)])
    }

    /// The whole file, for hashing.
    public var rawBytes: UnsafeRawBufferPointer { file.bytes }

    // MARK: typed metadata access

    public func int(_ key: String) throws -> Int {
        guard let value = metadata[key] else { throw EngineError.missingMetadata(path: path, key: key) }
        guard let v = value.int else {
            throw EngineError.malformedGGUF(path: path, detail: "metadata '\(key)' is \(value.typeName), not an integer")
        }
        return v
    }

    public func double(_ key: String) throws -> Double {
        guard let value = metadata[key] else { throw EngineError.missingMetadata(path: path, key: key) }
        guard let v = value.double else {
            throw EngineError.malformedGGUF(path: path, detail: "metadata '\(key)' is \(value.typeName), not a number")
        }
        return v
    }

    public func string(_ key: String) throws -> String {
        guard let value = metadata[key] else { throw EngineError.missingMetadata(path: path, key: key) }
        guard let v = value.string else {
            throw EngineError.malformedGGUF(path: path, detail: "metadata '\(key)' is \(value.typeName), not a string")
        }
        return v
    }

    public func array(_ key: String) throws -> [GGUFValue] {
        guard let value = metadata[key] else { throw EngineError.missingMetadata(path: path, key: key) }
        guard let v = value.array else {
            throw EngineError.malformedGGUF(path: path, detail: "metadata '\(key)' is \(value.typeName), not an array")
        }
        return v
    }

    // MARK: value decoding

    private static func readValue(typeCode: UInt32, cursor: inout ByteCursor, depth: Int) throws -> GGUFValue {
        switch typeCode {
        case 0: return .uint8(try cursor.read(UInt8.self))
        case 1: return .int8(try cursor.read(Int8.self))
        case 2: return .uint16(try cursor.read(UInt16.self))
        case 3: return .int16(try cursor.read(Int16.self))
        case 4: return .uint32(try cursor.read(UInt32.self))
        case 5: return .int32(try cursor.read(Int32.self))
        case 6: return .float32(try cursor.readFloat())
        case 7:
            let b = try cursor.read(UInt8.self)
            guard b <= 1 else { throw cursor.fail("a bool holds \(b)") }
            return .bool(b == 1)
        case 8: return .string(try cursor.readString())
        case 9:
            guard depth < 8 else { throw cursor.fail("arrays are nested more than 8 deep") }
            let elementType = try cursor.read(UInt32.self)
            let minBytes = Self.minimumBytes(ofType: elementType)
            guard minBytes > 0 else { throw cursor.fail("an array has the unknown element type \(elementType)") }
            let count = try cursor.readCount(minItemBytes: minBytes, what: "array length")
            var items: [GGUFValue] = []
            items.reserveCapacity(count)
            for _ in 0..<count {
                items.append(try readValue(typeCode: elementType, cursor: &cursor, depth: depth + 1))
            }
            return .array(items)
        case 10: return .uint64(try cursor.read(UInt64.self))
        case 11: return .int64(try cursor.read(Int64.self))
        case 12: return .float64(try cursor.readDouble())
        default: throw cursor.fail("the value type \(typeCode) is unknown")
        }
    }

    /// Checks one value's layout and steps over it, allocating nothing; fixed-size arrays
    /// are skipped in one step. Fails exactly where `readValue` would.
    private static func skipValue(typeCode: UInt32, cursor: inout ByteCursor, depth: Int) throws {
        switch typeCode {
        case 0, 1, 2, 3, 4, 5, 6, 10, 11, 12: try cursor.skip(minimumBytes(ofType: typeCode))
        case 7:
            let b = try cursor.read(UInt8.self)
            guard b <= 1 else { throw cursor.fail("a bool holds \(b)") }
        case 8:
            let length = try cursor.readCount(minItemBytes: 1, what: "string length")
            try cursor.skip(length)
        case 9:
            guard depth < 8 else { throw cursor.fail("arrays are nested more than 8 deep") }
            let elementType = try cursor.read(UInt32.self)
            let minBytes = Self.minimumBytes(ofType: elementType)
            guard minBytes > 0 else { throw cursor.fail("an array has the unknown element type \(elementType)") }
            let count = try cursor.readCount(minItemBytes: minBytes, what: "array length")
            switch elementType {
            case 7, 8, 9:
                for _ in 0..<count { try skipValue(typeCode: elementType, cursor: &cursor, depth: depth + 1) }
            default:
                try cursor.skip(count * minBytes)
            }
        default: throw cursor.fail("the value type \(typeCode) is unknown")
        }
    }

    /// A name from the file as it can appear in a message: a corrupted length can make a
    /// "name" thousands of bytes of binary, so escape control and non-ASCII characters and
    /// cut it short.
    static func printable(_ name: String, limit: Int = 64) -> String {
        var out = ""
        for scalar in name.unicodeScalars.prefix(limit) {
            out += (0x20..<0x7F).contains(scalar.value) ? String(scalar) : scalar.escaped(asASCII: true)
        }
        return name.unicodeScalars.count > limit ? out + "… (\(name.utf8.count) bytes)" : out
    }

    private static func minimumBytes(ofType code: UInt32) -> Int {
        switch code {
        case 0, 1, 7: return 1
        case 2, 3: return 2
        case 4, 5, 6: return 4
        case 8, 10, 11, 12: return 8
        case 9: return 12
        default: return 0
        }
    }
}
