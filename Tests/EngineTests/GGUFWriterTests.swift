import Engine
import Foundation
import Testing

/// The writer against the reader: every key, value type and tensor comes back bit-exactly,
/// tensor data sits on alignment boundaries, and files appear whole or not at all.
@Suite struct GGUFWriterTests {
    private func scratchFolder() -> String {
        let path = NSTemporaryDirectory() + "gguf-writer-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static let everyType: [(String, GGUFValue)] = [
        ("t.u8", .uint8(250)), ("t.i8", .int8(-128)), ("t.u16", .uint16(65535)), ("t.i16", .int16(-12345)),
        ("t.u32", .uint32(4_000_000_000)), ("t.i32", .int32(-2_000_000_000)),
        ("t.u64", .uint64(UInt64.max)), ("t.i64", .int64(Int64.min)),
        ("t.f32", .float32(-0.0)), ("t.f32.sub", .float32(Float.leastNonzeroMagnitude)),
        ("t.f64", .float64(Double.pi)), ("t.bool", .bool(true)), ("t.false", .bool(false)),
        ("t.str", .string("héllo · 世界")), ("t.empty.str", .string("")),
        ("t.arr.str", .array([.string("a"), .string(""), .string("ü")])),
        ("t.arr.f32", .array([.float32(1.5), .float32(-2), .float32(.infinity)])),
        ("t.arr.i32", .array((0..<100).map { .int32(Int32($0) - 50) })),
        ("t.arr.empty", .array([])),
        ("t.arr.nested", .array([.array([.uint8(1), .uint8(2)]), .array([.uint8(3)])])),
        ("t.arr.bool", .array([.bool(true), .bool(false)])),
    ]

    @Test(arguments: [32, 64])
    func roundTrip(alignment: Int) throws {
        let folder = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var writer = try GGUFWriter(alignment: alignment)
        try writer.set("general.architecture", .string("test"))
        for (key, value) in Self.everyType { try writer.set(key, value) }
        // Sizes of 3, 8 and 5×7 floats leave the data off the boundary between tensors.
        let nanPayload = Float(bitPattern: 0x7FC0_1234)
        let tensors: [(String, [Int], [Float])] = [
            ("a", [3], [1, -0.0, nanPayload]),
            ("b", [8], (0..<8).map { Float($0) * 0.1 }),
            ("matrix", [5, 7], (0..<35).map { Float($0) - 17.25 }),
            ("tiny", [1], [Float.leastNonzeroMagnitude]),
        ]
        for (name, dims, values) in tensors { try writer.addTensor(name: name, dimensions: dims, values: values) }
        let path = folder + "/file.gguf"
        try writer.write(to: path)

        let file = try GGUFFile(path: path)
        #expect(file.version == 3)
        #expect(file.alignment == alignment)
        let expectedKeys = (alignment == 32 ? [] : ["general.alignment"]) + ["general.architecture"] + Self.everyType.map(\.0)
        #expect(file.metadataKeys == expectedKeys)
        #expect(writer.metadataKeys == expectedKeys)
        for (key, value) in Self.everyType {
            #expect(file.metadata[key] == value, "\(key)")
        }
        // Equatable compares -0.0 == 0.0; the bits must match too.
        #expect(
            file.metadata["t.f32"].flatMap { if case let .float32(v) = $0 { return v.bitPattern } else { return nil } }
                == (-0.0 as Float).bitPattern)

        #expect(file.tensors.map(\.name) == tensors.map(\.0))
        for (name, dims, values) in tensors {
            let info = try #require(file.tensor(named: name))
            #expect(info.type == .f32 && info.dimensions == dims)
            #expect(info.fileOffset % alignment == 0 && (info.fileOffset - file.dataOffset) % alignment == 0)
            let bits = file.data(of: info).bindMemory(to: UInt32.self).map { UInt32(littleEndian: $0) }
            #expect(bits == values.map(\.bitPattern), "\(name)")
        }
        #expect(file.fileSize % alignment == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["file.gguf"], "no temporary file left")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == writer.serialized())
    }

    /// The header by hand: magic "GGUF", version 3, 1 tensor, 1 key, then the key.
    @Test func headerBytes() throws {
        var writer = try GGUFWriter()
        try writer.set("k", .uint8(7))
        try writer.addTensor(name: "t", dimensions: [1], values: [1])
        let bytes = [UInt8](writer.serialized())
        #expect(Array(bytes[0..<4]) == Array("GGUF".utf8))
        #expect(Array(bytes[4..<8]) == [3, 0, 0, 0])
        #expect(Array(bytes[8..<16]) == [1, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(bytes[16..<24]) == [1, 0, 0, 0, 0, 0, 0, 0])
        // key length 1, "k", type 0 (u8), value 7
        #expect(Array(bytes[24..<38]) == [1, 0, 0, 0, 0, 0, 0, 0, 0x6B, 0, 0, 0, 0, 7])
        // 38 bytes of header + tensor info (8 + 1 + 4 + 8 + 4 + 8 = 33) = 71 → data at 96.
        #expect(bytes.count == 128)
        #expect(Array(bytes[96..<100]) == [0x00, 0x00, 0x80, 0x3F])
    }

    @Test func replacesAnExistingFile() throws {
        let folder = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/v.gguf"
        for value in [1, 2] as [Float] {
            var writer = try GGUFWriter()
            try writer.addTensor(name: "x", dimensions: [1], values: [value])
            try writer.write(to: path)
        }
        let file = try GGUFFile(path: path)
        #expect(file.data(of: file.tensors[0]).load(as: Float.self) == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["v.gguf"])
    }

    @Test func refusals() throws {
        #expect(throws: EngineError.self) { try GGUFWriter(alignment: 24) }
        var writer = try GGUFWriter()
        try writer.set("a", .uint8(1))
        #expect(throws: EngineError.self) { try writer.set("a", .uint8(2)) }
        #expect(throws: EngineError.self) { try writer.set("", .uint8(2)) }
        #expect(throws: EngineError.self) { try writer.set("mixed", .array([.uint8(1), .int8(1)])) }
        #expect(throws: EngineError.self) { try writer.addTensor(name: "t", dimensions: [2, 2], values: [1, 2, 3]) }
        #expect(throws: EngineError.self) { try writer.addTensor(name: "t", dimensions: [], values: []) }
        try writer.addTensor(name: "t", dimensions: [1], values: [1])
        #expect(throws: EngineError.self) { try writer.addTensor(name: "t", dimensions: [1], values: [1]) }
        #expect(throws: EngineError.self) { try writer.write(to: "/proc/no-such-place/x.gguf") }
    }
}
