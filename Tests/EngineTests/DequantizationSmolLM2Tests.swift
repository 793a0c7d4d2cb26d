import Engine
import Foundation
import TestSupport
import Testing

/// Bit-exact dequantisation of the default model (SmolLM2-135M-Instruct Q4_1) against
/// ../shared/reference/smollm2/dequant. Dequantises all 134M weights: run it in release
/// (`swift test -c release -Xswiftc -enable-testing --filter DequantizationSmolLM2Tests`).
@Suite struct DequantizationSmolLM2Tests {
    static let directory = DequantReference.smolDequantDirectory

    @Test func everyTensorHashesLikeGGML() throws {
        let file = try GGUFFile(path: TestPaths.smolLM2)
        let stats = try #require(try TestPaths.json(Self.directory + "/dequant_stats.json") as? [String: Any])
        let expected = try #require(stats["tensors"] as? [String: [String: Any]])
        #expect(expected.count == file.tensors.count)
        #expect(Set(expected.keys) == Set(file.tensors.map(\.name)))
        for tensor in file.tensors {
            let want = try #require(expected[tensor.name], "no reference for \(tensor.name)")
            #expect("\(tensor.type)" == want["type"] as? String, "\(tensor.name) type")
            #expect(tensor.dimensions == (want["ggml_ne"] as? [Int]), "\(tensor.name) dimensions")
            let values = DequantReference.dequantize(tensor, in: file)
            #expect(sha256Hex(values) == want["sha256_f32_le"] as? String, "\(tensor.name) dequantised values")

            var sum = 0.0, absSum = 0.0, sumSquares = 0.0
            for v in values {
                let x = Double(v)
                sum += x
                absSum += abs(x)
                sumSquares += x * x
            }
            for (name, got) in [("sum", sum), ("abs_sum", absSum), ("sum_sq", sumSquares)] {
                let reference = try #require(want[name] as? Double)
                // Float64 sums in another order: agree to ~1e-9 relative of the magnitude summed.
                #expect(abs(got - reference) <= 1e-9 * max(1, absSum, sumSquares), "\(tensor.name) \(name)")
            }
            let row = tensor.rowLength
            #expect(
                DequantReference.bitsEqual(Array(values.prefix(min(8, row))), DequantReference.floats(want["row0_first8"])),
                "\(tensor.name) row 0")
            let lastRow = values.count - row
            #expect(
                DequantReference.bitsEqual(
                    Array(values[lastRow..<(lastRow + min(8, row))]),
                    DequantReference.floats(want["rowlast_first8"])),
                "\(tensor.name) last row")
        }
    }

    @Test(arguments: ["q4_1", "q8_0"])
    func firstBlocksDecode(kind: String) throws {
        let blocks = try #require(try TestPaths.json(Self.directory + "/first_blocks.json") as? [String: [String: Any]])
        let record = try #require(blocks[kind])
        let file = try GGUFFile(path: TestPaths.smolLM2)
        let tensorName = try #require(record["tensor"] as? String)
        let tensor = try #require(file.tensor(named: tensorName))
        #expect("\(tensor.type)".lowercased() == kind)
        #expect(record["block_bytes"] as? Int == tensor.type.bytesPerBlock)
        let stored = Array(file.data(of: tensor))
        let rawHex = try #require(record["raw_hex"] as? [String])
        let values = try #require(record["values"] as? [Any])
        for (index, hex) in rawHex.enumerated() {
            let raw = DequantReference.bytes(hex: hex)
            let size = tensor.type.bytesPerBlock
            #expect(Array(stored[(index * size)..<((index + 1) * size)]) == raw, "stored block \(index)")
            var decoded = [Float](repeating: .nan, count: 32)
            raw.withUnsafeBytes { src in
                decoded.withUnsafeMutableBufferPointer {
                    Dequantization.dequantize(tensor.type, src.baseAddress!, count: 32, into: $0.baseAddress!)
                }
            }
            #expect(DequantReference.bitsEqual(decoded, DequantReference.floats(values[index])), "\(kind) block \(index)")
        }
    }

    @Test(arguments: [
        ("blk.0.attn_q.weight", "blk0_attn_q_gguf_order.npy", 0),
        ("blk.0.attn_k.weight", "blk0_attn_k_gguf_order.npy", 0),
        ("blk.0.ffn_down.weight", "blk0_ffn_down.npy", 0),
        ("token_embd.weight", "token_embd_rows0_63.npy", 64),
    ])
    func arraysMatchNPY(tensorName: String, npy: String, rows: Int) throws {
        let file = try GGUFFile(path: TestPaths.smolLM2)
        let tensor = try #require(file.tensor(named: tensorName))
        let reference = try NPYArray(path: Self.directory + "/" + npy)
        // rows == 0: the whole tensor; otherwise only the first `rows` rows are stored.
        let rowCount = rows == 0 ? tensor.rowCount : rows
        #expect(reference.shape == [rowCount, tensor.rowLength])
        let count = rowCount * tensor.rowLength
        var values = [Float](repeating: .nan, count: count)
        values.withUnsafeMutableBufferPointer {
            Dequantization.dequantize(tensor.type, file.data(of: tensor).baseAddress!, count: count, into: $0.baseAddress!)
        }
        #expect(DequantReference.bitsEqual(values, reference.floats), "\(tensorName)")
    }
}
