import Foundation
import TestSupport
import Testing

@testable import Engine

/// Bit-exact parity with ggml's dequantisers on the tiny model in IQ4_NL and IQ4_XS
/// (../shared/reference/gguf, "Added later": the records of dequant_IQ4_*.json are a list,
/// checked against ggml's C `to_float` on all 32 quantised tensors).
@Suite struct DequantizationIQuantTests {
    static let variants = ["IQ4_NL", "IQ4_XS"]

    static func records(_ variant: String) throws -> (file: [String: Any], tensors: [[String: Any]]) {
        let path = DequantReference.tinyDequantDirectory + "/dequant_\(variant).json"
        guard let record = try TestPaths.json(path) as? [String: Any], let tensors = record["tensors"] as? [[String: Any]] else {
            throw TestDataError("\(path) is not a record with a list of tensors")
        }
        return (record, tensors)
    }

    @Test("every tensor's stored bytes and dequantised float32 values hash as ggml's", arguments: variants)
    func everyTensorHashesLikeGGML(variant: String) throws {
        let (record, expected) = try Self.records(variant)
        let file = try GGUFFile(path: TestPaths.tinyGGUF(variant))
        #expect(sha256Hex(file.rawBytes) == record["file_sha256"] as? String, "\(variant) is the file the references describe")
        #expect(expected.count == file.tensors.count && file.tensors.count == 21)
        var quantised = 0
        for want in expected {
            let name = try #require(want["name"] as? String)
            let tensor = try #require(file.tensor(named: name), "\(variant) has no \(name)")
            #expect("\(tensor.type)" == want["type"] as? String, "\(name) type")
            if tensor.type == .iq4_nl || tensor.type == .iq4_xs { quantised += 1 }
            #expect(tensor.dimensions == (want["ne"] as? [Int]), "\(name) dimensions")
            #expect(tensor.byteCount == want["n_bytes"] as? Int, "\(name) byte count")
            #expect(tensor.fileOffset == want["data_offset"] as? Int, "\(name) offset")
            #expect(sha256Hex(file.data(of: tensor)) == want["sha256_raw"] as? String, "\(name) raw bytes")

            let values = DequantReference.dequantize(tensor, in: file)
            #expect(sha256Hex(values) == want["sha256_f32_le"] as? String, "\(variant) \(name) dequantised values")
            let stats = DequantReference.sums(values)
            let sum = try #require(want["sum"] as? Double)
            #expect(abs(stats.sum - sum) <= 1e-6 * max(1, abs(sum)), "\(name) sum")
            let absMax = try #require(want["abs_max"] as? Double)
            #expect(Float(stats.absMax) == Float(absMax), "\(name) abs max")
            let first8 = DequantReference.floats(want["first8_row0"])
            #expect(DequantReference.bitsEqual(Array(values.prefix(min(8, tensor.rowLength))), first8), "\(name) row 0")
        }
        #expect(quantised == 16, "\(variant): the 16 two-dimensional weights are i-quants")
    }

    @Test("blk.0.attn_q and blk.0.ffn_down equal the full reference arrays", arguments: variants)
    func fullArraysMatchNPY(variant: String) throws {
        let file = try GGUFFile(path: TestPaths.tinyGGUF(variant))
        for name in ["blk.0.attn_q.weight", "blk.0.ffn_down.weight"] {
            let tensor = try #require(file.tensor(named: name))
            let reference = try NPYArray(path: DequantReference.tinyDequantDirectory + "/\(variant)_\(name).npy")
            #expect(reference.shape == Array(tensor.dimensions.reversed()), "\(name) shape")
            let values = DequantReference.dequantize(tensor, in: file)
            #expect(DequantReference.bitsEqual(values, reference.floats), "\(variant) \(name) full array")
        }
    }

    @Test("the table lookup gives ggml's kvalues_iq4nl for every index, with and without the byte shuffle")
    func tableLookup() {
        let table: [Int8] = [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113]
        for rotation in 0..<16 {
            var indices = SIMD16<UInt8>()
            for lane in 0..<16 { indices[lane] = UInt8((lane + rotation) % 16) }
            let want = SIMD16<Int8>((0..<16).map { table[($0 + rotation) % 16] })
            #expect(NonLinearTable.lookup(indices) == want, "rotation \(rotation)")
            #expect(NonLinearTable.portableLookup(indices) == want, "rotation \(rotation), portable")
        }
    }
}
