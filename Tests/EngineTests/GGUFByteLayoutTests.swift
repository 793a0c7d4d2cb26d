import Engine
import Foundation
import TestSupport
import Testing

/// Where each field of a GGUF header sits, found by an independent minimal walk over the
/// bytes, so corruption tests can patch one field precisely. The walk trusts its input: it
/// is only run on the intact fixture files.
struct GGUFByteLayout {
    struct Key {
        let name: String
        let start: Int
        let typeOffset: Int
        let valueOffset: Int
        let type: UInt32
    }
    struct TensorInfo {
        let name: String
        let start: Int
        let rankOffset: Int
        let typeOffset: Int
        let offsetOffset: Int
    }

    var keys: [Key] = []
    var tensors: [TensorInfo] = []
    var headerEnd = 0

    init(_ b: [UInt8]) {
        var o = 8
        func u32() -> UInt32 {
            defer { o += 4 }
            return (0..<4).reduce(0) { $0 | UInt32(b[o + $1]) << (8 * $1) }
        }
        func u64() -> UInt64 {
            defer { o += 8 }
            return (0..<8).reduce(0) { $0 | UInt64(b[o + $1]) << (8 * UInt64($1)) }
        }
        func string() -> String {
            let n = Int(u64())
            defer { o += n }
            return String(decoding: b[o..<(o + n)], as: UTF8.self)
        }
        func skip(_ type: UInt32) {
            switch type {
            case 0, 1, 7: o += 1
            case 2, 3: o += 2
            case 4, 5, 6: o += 4
            case 10, 11, 12: o += 8
            case 8: _ = string()
            case 9:
                let element = u32()
                let n = u64()
                for _ in 0..<n { skip(element) }
            default: fatalError("fixture has value type \(type)")
            }
        }
        let tensorCount = u64(), keyCount = u64()
        for _ in 0..<keyCount {
            let start = o
            let name = string()
            let typeOffset = o
            let type = u32()
            keys.append(Key(name: name, start: start, typeOffset: typeOffset, valueOffset: o, type: type))
            skip(type)
        }
        for _ in 0..<tensorCount {
            let start = o
            let name = string()
            let rankOffset = o
            let rank = Int(u32())
            o += 8 * rank
            let typeOffset = o
            o += 4
            tensors.append(TensorInfo(name: name, start: start, rankOffset: rankOffset, typeOffset: typeOffset, offsetOffset: o))
            o += 8
        }
        headerEnd = o
    }

    func key(_ name: String) -> Key { keys.first { $0.name == name }! }
    func tensor(_ name: String) -> TensorInfo { tensors.first { $0.name == name }! }
}

extension Array where Element == UInt8 {
    mutating func patch<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        Swift.withUnsafeBytes(of: value.littleEndian) { for (i, byte) in $0.enumerated() { self[offset + i] = byte } }
    }
}

/// A private temporary directory for corrupted copies, removed when the test ends.
final class ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("gguf-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `bytes` to `name`, then extends the file with a hole to `totalSize` (when larger),
    /// so a 98 MB model's header can be fuzzed without writing its weights each time.
    func write(_ bytes: [UInt8], name: String = "corrupt.gguf", totalSize: Int? = nil) throws -> String {
        let path = url.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        if let totalSize, totalSize > bytes.count {
            guard truncate(path, off_t(totalSize)) == 0 else { throw TestDataError("cannot extend \(path)") }
        }
        return path
    }
}

@Suite struct GGUFByteLayoutTests {
    @Test(arguments: ["Q4_1", "F32"])
    func layoutWalkAgreesWithTheReader(variant: String) throws {
        let path = TestPaths.tinyGGUF(variant)
        let file = try GGUFFile(path: path)
        let layout = GGUFByteLayout(Array(file.rawBytes))
        #expect(layout.keys.map(\.name) == file.metadataKeys)
        #expect(layout.tensors.map(\.name) == file.tensors.map(\.name))
        #expect((layout.headerEnd + file.alignment - 1) / file.alignment * file.alignment == file.dataOffset)
    }
}
