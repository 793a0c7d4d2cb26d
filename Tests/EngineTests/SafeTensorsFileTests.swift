import Engine
import Foundation
import TestSupport
import Testing

/// The safetensors reader: values of each float dtype exactly, and one clear error for each
/// way a header can disagree with its file.
@Suite("safetensors reader")
struct SafeTensorsFileTests {
    /// A file from a header object and data bytes.
    func file(_ header: [String: Any], data: [UInt8], headerBytes: Data? = nil, declaredLength: UInt64? = nil) throws -> String {
        let json = try headerBytes ?? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        var bytes = Data()
        var length = (declaredLength ?? UInt64(json.count)).littleEndian
        bytes.append(Data(bytes: &length, count: 8))
        bytes.append(json)
        bytes.append(contentsOf: data)
        let path = try TestPaths.scratchDirectory("safetensors") + "/file.safetensors"
        try bytes.write(to: URL(fileURLWithPath: path))
        return path
    }

    func error(_ body: () throws -> Any) -> String {
        do {
            _ = try body()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test("F32, F16 and BF16 read exactly, row-major, and a tensor's shape is checked against the configuration's")
    func values() throws {
        let f32: [Float] = [1.5, -2, 0.1, .leastNormalMagnitude]
        let f16: [Float16] = [0.5, -65504, 0.000061035156, 3]
        let bf16: [UInt16] = [0x3F80, 0xC000, 0x7F80, 0x0001]  // 1, -2, +inf, the smallest subnormal
        var data: [UInt8] = []
        for v in f32 { withUnsafeBytes(of: v.bitPattern.littleEndian) { data += $0 } }
        for v in f16 { withUnsafeBytes(of: v.bitPattern.littleEndian) { data += $0 } }
        for v in bf16 { withUnsafeBytes(of: v.littleEndian) { data += $0 } }
        let path = try file(
            [
                "a": ["dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]],
                "b": ["dtype": "F16", "shape": [4], "data_offsets": [16, 24]],
                "c": ["dtype": "BF16", "shape": [1, 4], "data_offsets": [24, 32]],
                "__metadata__": ["format": "pt"],
            ], data: data)
        let reader = try SafeTensorsFile(path: path)
        #expect(try reader.floats("a") == f32)
        #expect(try reader.floats("b") == f16.map(Float.init))
        #expect(try reader.floats("c").map(\.bitPattern) == bf16.map { UInt32($0) << 16 })
        #expect(reader.metadata == ["format": "pt"] && reader.tensor(named: "c")?.shape == [1, 4])
        let shape = error { try reader.floats("a", shape: [4, 1]) }
        #expect(shape.contains("tensor 'a' has shape [2, 2]") && shape.contains("[4, 1]"), "\(shape)")
        #expect(error { try reader.floats("missing") }.contains("no tensor 'missing'"))
    }

    @Test("each inconsistent header is one error naming what is wrong")
    func malformed() throws {
        let eight = [UInt8](repeating: 0, count: 8)
        let cases: [(String, () throws -> String)] = [
            ("header length", { try self.file([:], data: [], declaredLength: 1 << 40) }),
            ("not a JSON object", { try self.file([:], data: [], headerBytes: Data("[1, 2]".utf8)) }),
            ("lacks a dtype", { try self.file(["t": ["shape": [2]]], data: eight) }),
            ("unknown dtype Q4", { try self.file(["t": ["dtype": "Q4", "shape": [2], "data_offsets": [0, 8]]], data: eight) }),
            ("outside the data section", { try self.file(["t": ["dtype": "F32", "shape": [4], "data_offsets": [0, 16]]], data: eight) }),
            ("does not fill its 8 bytes", { try self.file(["t": ["dtype": "F32", "shape": [3], "data_offsets": [0, 8]]], data: eight) }),
            (
                "share bytes",
                {
                    try self.file(
                        [
                            "t": ["dtype": "F32", "shape": [2], "data_offsets": [0, 8]],
                            "u": ["dtype": "F16", "shape": [2], "data_offsets": [4, 8]],
                        ], data: eight)
                }
            ),
        ]
        for (expected, make) in cases {
            let message = error { try SafeTensorsFile(path: try make()) }
            #expect(message.contains("is not a valid safetensors file") && message.contains(expected), "\(expected): \(message)")
        }
        let short = try TestPaths.scratchDirectory("safetensors") + "/short.safetensors"
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: short))
        #expect(error { try SafeTensorsFile(path: short) }.contains("shorter than the 8-byte header length"))
    }

    @Test("a dtype the format defines but the engine does not convert is refused when read, not when opened")
    func integerTensor() throws {
        let path = try file(
            [
                "ids": ["dtype": "I64", "shape": [1], "data_offsets": [0, 8]],
                "w": ["dtype": "F32", "shape": [2], "data_offsets": [8, 16]],
            ],
            data: [UInt8](repeating: 0, count: 16))
        let reader = try SafeTensorsFile(path: path)
        #expect(try reader.floats("w") == [0, 0])
        let message = error { try reader.floats("ids") }
        #expect(message.contains("tensor 'ids' is I64") && message.contains("F32, F16, BF16"), "\(message)")
    }
}
