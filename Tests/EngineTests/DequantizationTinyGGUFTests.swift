import Engine
import Foundation
import TestSupport
import Testing

/// Bit-exact parity with ggml's dequantisers on the 14 tiny-model GGUF variants.
@Suite struct DequantizationTinyGGUFTests {
    @Test(arguments: DequantReference.tinyVariants)
    func everyTensorHashesLikeGGML(variant: String) throws {
        let file = try GGUFFile(path: TestPaths.tinyGGUF(variant))
        let record = try DequantReference.tinyRecord(variant)
        let expected = try #require(record["tensors"] as? [String: [String: Any]])
        #expect(expected.count == file.tensors.count)
        for tensor in file.tensors {
            let want = try #require(expected[tensor.name], "no reference for \(tensor.name)")
            #expect("\(tensor.type)" == want["type"] as? String, "\(tensor.name) type")
            #expect(tensor.dimensions == (want["ggml_ne"] as? [Int]), "\(tensor.name) dimensions")
            #expect(tensor.byteCount == want["n_bytes"] as? Int, "\(tensor.name) byte count")
            // data_offset in the records is the absolute position in the file.
            #expect(tensor.fileOffset == want["data_offset"] as? Int, "\(tensor.name) offset")
            #expect(sha256Hex(file.data(of: tensor)) == want["sha256_raw"] as? String, "\(tensor.name) raw bytes")

            let values = DequantReference.dequantize(tensor, in: file)
            #expect(sha256Hex(values) == want["sha256_f32_le"] as? String, "\(variant) \(tensor.name) dequantised values")
            let stats = DequantReference.sums(values)
            let sum = try #require(want["sum"] as? Double), sumSquares = try #require(want["sum_sq"] as? Double)
            #expect(abs(stats.sum - sum) <= 1e-6 * max(1, abs(sum)), "\(tensor.name) sum")
            #expect(abs(stats.sumSquares - sumSquares) <= 1e-6 * max(1, sumSquares), "\(tensor.name) sum of squares")
            // abs_max went through JSON as a float64 a few ulps off the float32 it came from.
            let absMax = try #require(want["abs_max"] as? Double)
            #expect(Float(stats.absMax) == Float(absMax), "\(tensor.name) abs max")

            let rowLength = tensor.rowLength
            let first8 = DequantReference.floats(want["row0_first8"])
            let last8 = DequantReference.floats(want["rowlast_last8"])
            #expect(DequantReference.bitsEqual(Array(values.prefix(min(8, rowLength))), first8), "\(tensor.name) row 0")
            #expect(DequantReference.bitsEqual(Array(values.suffix(min(8, rowLength))), last8), "\(tensor.name) last row")
        }
    }

    @Test(arguments: DequantReference.tinyVariants)
    func firstBlocksOfAttnQDecode(variant: String) throws {
        let record = try DequantReference.tinyRecord(variant)
        let blocks = try #require(record["first_blocks_blk0_attn_q"] as? [String: Any])
        let type = try #require(GGMLType.allCases.first { "\($0)" == blocks["type"] as? String })
        let rawHex = try #require(blocks["raw_hex"] as? [String])
        let values = try #require(blocks["values"] as? [Any])
        #expect(rawHex.count == values.count)

        let file = try GGUFFile(path: TestPaths.tinyGGUF(variant))
        let tensor = try #require(file.tensor(named: "blk.0.attn_q.weight"))
        #expect(tensor.type == type)
        let stored = Array(file.data(of: tensor))
        for (index, hex) in rawHex.enumerated() {
            let raw = DequantReference.bytes(hex: hex)
            #expect(raw.count == type.bytesPerBlock * (raw.count / type.bytesPerBlock))
            let blockValues = raw.count / type.bytesPerBlock * type.blockSize
            #expect(Array(stored[(index * raw.count)..<((index + 1) * raw.count)]) == raw, "stored block \(index)")
            var decoded = [Float](repeating: .nan, count: blockValues)
            raw.withUnsafeBytes { src in
                decoded.withUnsafeMutableBufferPointer {
                    Dequantization.dequantize(type, src.baseAddress!, count: blockValues, into: $0.baseAddress!)
                }
            }
            #expect(DequantReference.bitsEqual(decoded, DequantReference.floats(values[index])), "\(variant) block \(index)")
        }
    }

    @Test(arguments: DequantReference.tinyVariants.filter { $0 != "Q4_K_M-mix" })
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
}

/// Shared plumbing for the dequantisation reference tests.
enum DequantReference {
    /// The 14 tiny-model GGUF variants in ../shared/reference/gguf.
    static let tinyVariants = [
        "F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1",
        "Q4_K_M", "Q5_K_M", "Q6_K", "Q2_K", "Q3_K_M", "Q4_K_M-mix",
    ]

    static var tinyDequantDirectory: String { TestPaths.reference + "/gguf/dequant" }
    static var smolDequantDirectory: String { TestPaths.reference + "/smollm2/dequant" }

    static func tinyRecord(_ variant: String) throws -> [String: Any] {
        let path = tinyDequantDirectory + "/dequant_\(variant).json"
        guard let record = try TestPaths.json(path) as? [String: Any] else { throw TestDataError("\(path) is not a JSON object") }
        return record
    }

    static func dequantize(_ tensor: GGUFTensorInfo, in file: GGUFFile) -> [Float] {
        var values = [Float](repeating: .nan, count: tensor.elementCount)
        let data = file.data(of: tensor)
        values.withUnsafeMutableBufferPointer { out in
            Dequantization.dequantize(tensor.type, data.baseAddress!, count: tensor.elementCount, into: out.baseAddress!)
        }
        return values
    }

    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var high: UInt8? = nil
        for c in hex.utf8 {
            let nibble: UInt8 = c <= 57 ? c - 48 : (c | 0x20) - 87
            if let h = high {
                out.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return out
    }

    static func floats(_ any: Any?) -> [Float] {
        ((any as? [Any]) ?? []).map { Float(($0 as? NSNumber)?.doubleValue ?? .nan) }
    }

    /// Float64 sums over float32 values, as the reference computed them.
    static func sums(_ values: [Float]) -> (sum: Double, sumSquares: Double, absMax: Double) {
        var sum = 0.0, sumSquares = 0.0, absMax = 0.0
        for v in values {
            let x = Double(v)
            sum += x
            sumSquares += x * x
            absMax = max(absMax, abs(x))
        }
        return (sum, sumSquares, absMax)
    }

    static func bitsEqual(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
    }
}
