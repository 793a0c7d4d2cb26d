import Foundation

/// A `.safetensors` file, memory-mapped: an 8-byte little-endian header length, a JSON header
/// naming each tensor's dtype, shape and byte range, then the data. Everything the header
/// says is checked before any tensor is read: the header length against the file, each
/// dtype, every shape against its byte range, every range inside the data and none
/// overlapping another.
public final class SafeTensorsFile: @unchecked Sendable {
    public enum DType: String, Sendable, CaseIterable {
        case f32 = "F32", f16 = "F16", bf16 = "BF16"
        var size: Int { self == .f32 ? 4 : 2 }
        /// The ggml type with the same bytes, so weights are read where they are stored.
        var ggmlType: GGMLType {
            switch self {
            case .f32: return .f32
            case .f16: return .f16
            case .bf16: return .bf16
            }
        }
    }

    public struct TensorInfo: Sendable, Equatable {
        public let name: String
        /// The dtype as the header spells it (one this reader converts, or another it refuses).
        public let dtype: String
        public let shape: [Int]
        /// Byte range inside the data section.
        public let range: Range<Int>
        public var elementCount: Int { shape.reduce(1, *) }
    }

    public let path: String
    public let tensors: [String: TensorInfo]
    /// The header's `__metadata__` strings.
    public let metadata: [String: String]
    private let file: MappedFile
    private let dataStart: Int

    /// Sizes of the dtypes the format defines, for checking ranges of tensors this reader
    /// does not convert (they may sit in a file whose other tensors are read).
    private static let knownSizes: [String: Int] = [
        "F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U64": 8, "U32": 4, "U16": 2,
        "U8": 1, "BOOL": 1, "F8_E4M3": 1, "F8_E5M2": 1,
    ]

    public init(path: String) throws {
        self.path = path
        file = try MappedFile(path: path)
        let bytes = file.bytes
        func bad(_ detail: String) -> EngineError { .malformedSafeTensors(path: path, detail: detail) }
        guard bytes.count >= 8 else { throw bad("it is \(bytes.count) bytes, shorter than the 8-byte header length") }
        let headerLength = bytes.loadUnaligned(as: UInt64.self).littleEndian
        guard headerLength >= 2, headerLength <= UInt64(bytes.count - 8), headerLength <= 100_000_000 else {
            throw bad("its header length \(headerLength) does not fit in the file's \(bytes.count) bytes")
        }
        dataStart = 8 + Int(headerLength)
        let header = Data(bytes[8..<dataStart])
        guard let object = try? JSONSerialization.jsonObject(with: header), let entries = object as? [String: Any] else {
            throw bad("its header is not a JSON object")
        }
        let dataSize = bytes.count - dataStart
        var tensors: [String: TensorInfo] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in entries {
            if name == "__metadata__" {
                guard let strings = value as? [String: String] else { throw bad("its __metadata__ is not a map of strings") }
                metadata = strings
                continue
            }
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
            else { throw bad("tensor '\(name)' lacks a dtype, shape or data_offsets pair") }
            guard let size = Self.knownSizes[dtype] else { throw bad("tensor '\(name)' has the unknown dtype \(dtype)") }
            guard shape.allSatisfy({ $0 >= 0 }), offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataSize else {
                throw bad("tensor '\(name)' has bytes \(offsets) outside the data section of \(dataSize) bytes")
            }
            let (count, overflow) = shape.reduce((1, false)) { acc, d in
                let (product, o) = acc.0.multipliedReportingOverflow(by: d)
                return (product, acc.1 || o)
            }
            guard !overflow, count * size == offsets[1] - offsets[0] else {
                throw bad("tensor '\(name)' of shape \(shape) and dtype \(dtype) does not fill its \(offsets[1] - offsets[0]) bytes")
            }
            tensors[name] = TensorInfo(name: name, dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
        }
        let ordered = tensors.values.filter { !$0.range.isEmpty }.sorted { $0.range.lowerBound < $1.range.lowerBound }
        for (a, b) in zip(ordered, ordered.dropFirst()) where a.range.overlaps(b.range) {
            throw bad("tensors '\(a.name)' and '\(b.name)' share bytes")
        }
        self.tensors = tensors
        self.metadata = metadata
    }

    public func tensor(named name: String) -> TensorInfo? { tensors[name] }

    /// The tensor's stored bytes, in the mapped file (aligned only as the header happens to place them).
    func data(of info: TensorInfo) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: file.bytes[(dataStart + info.range.lowerBound)..<(dataStart + info.range.upperBound)])
    }

    /// The dtype this reader converts, or an error naming the tensor and the dtypes it reads.
    func readableType(of info: TensorInfo) throws -> DType {
        guard let dtype = DType(rawValue: info.dtype) else {
            throw EngineError.unsupported(
                path: path,
                detail:
                    "tensor '\(info.name)' is \(info.dtype), which sadi-eval does not read from safetensors (it reads \(DType.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        return dtype
    }

    /// The tensor's values as float32 (F16 and BF16 widened exactly), row-major.
    public func floats(_ name: String) throws -> [Float] {
        guard let info = tensors[name] else { throw EngineError.missingTensor(path: path, name: name) }
        let dtype = try readableType(of: info)
        let raw = data(of: info)
        let count = info.elementCount
        switch dtype {
        case .f32:
            return (0..<count).map { Float(bitPattern: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self).littleEndian) }
        case .f16:
            return (0..<count).map { Float(Float16(bitPattern: raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self).littleEndian)) }
        case .bf16:
            return (0..<count).map {
                Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self).littleEndian) << 16)
            }
        }
    }

    /// An integer tensor's values (I64 or I32): the buffers a checkpoint may save beside its
    /// weights, such as BERT's `position_ids`.
    public func integers(_ name: String) throws -> [Int64] {
        guard let info = tensors[name] else { throw EngineError.missingTensor(path: path, name: name) }
        let raw = data(of: info)
        switch info.dtype {
        case "I64": return (0..<info.elementCount).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) }
        case "I32":
            return (0..<info.elementCount).map { Int64(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self))) }
        default:
            throw EngineError.unsupported(path: path, detail: "tensor '\(name)' is \(info.dtype), where integers (I64 or I32) are expected")
        }
    }

    /// The tensor's values, refused unless its shape is `shape` (the configuration's).
    public func floats(_ name: String, shape: [Int]) throws -> [Float] {
        guard let info = tensors[name] else { throw EngineError.missingTensor(path: path, name: name) }
        guard info.shape == shape else { throw EngineError.badTensorShape(path: path, name: name, expected: shape, found: info.shape) }
        return try floats(name)
    }
}
