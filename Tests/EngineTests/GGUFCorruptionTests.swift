import Engine
import Foundation
import TestSupport
import Testing

/// One precise defect per file, each of which must be refused with a message naming the key
/// or tensor at fault.
@Suite struct GGUFCorruptionTests {
    let bytes: [UInt8]
    let layout: GGUFByteLayout
    let intact: GGUFFile
    let scratch: ScratchDirectory

    init() throws {
        bytes = try GGUFRobustnessTests.fixture("Q4_1")
        layout = GGUFByteLayout(bytes)
        intact = try GGUFFile(path: TestPaths.tinyGGUF("Q4_1"))
        scratch = try ScratchDirectory()
    }

    func refuse(
        _ mutate: (inout [UInt8]) -> Void, mentioning: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        var damaged = bytes
        mutate(&damaged)
        try GGUFRobustnessTests.expectRefusal(damaged, in: scratch, mentioning: mentioning, sourceLocation: sourceLocation)
    }

    @Test func badMagic() throws {
        try refuse({ $0[3] = UInt8(ascii: "G") }, mentioning: ["magic"])
        try refuse({ $0.replaceSubrange(0..<4, with: Array("GGML".utf8)) }, mentioning: ["magic"])
    }

    @Test func unsupportedVersions() throws {
        for version: UInt32 in [0, 1, 4, .max] {
            try refuse({ $0.patch(version, at: 4) }, mentioning: ["version \(version)"])
        }
    }

    @Test func impossibleCounts() throws {
        try refuse({ $0.patch(UInt64.max, at: 8) }, mentioning: ["tensor count"])
        try refuse({ $0.patch(UInt64(1) << 40, at: 16) }, mentioning: ["metadata count"])
        // One key more than the file has: the first tensor info is taken for a key, and the
        // infos are then read out of step until a length does not fit.
        try refuse({ $0.patch(UInt64(layout.keys.count + 1), at: 16) }, mentioning: ["tensor info #0"])
    }

    @Test func tensorOffsetsPastTheEnd() throws {
        let info = layout.tensor("blk.1.ffn_up.weight")
        let pastEnd = UInt64(bytes.count - intact.dataOffset + 32) / 32 * 32
        try refuse({ $0.patch(pastEnd, at: info.offsetOffset) }, mentioning: ["blk.1.ffn_up.weight"])
        try refuse({ $0.patch(UInt64(1) << 49, at: info.offsetOffset) }, mentioning: ["blk.1.ffn_up.weight"])
        try refuse({ $0.patch(UInt64.max - 31, at: info.offsetOffset) }, mentioning: ["blk.1.ffn_up.weight"])
        // Last byte of the tensor one past the file: off by one block.
        let last = intact.tensor(named: "blk.1.ffn_up.weight")!
        let tight = UInt64(intact.fileSize - intact.dataOffset - last.byteCount + 32)
        try refuse({ $0.patch(tight, at: info.offsetOffset) }, mentioning: ["blk.1.ffn_up.weight"])
        try refuse(
            { $0.patch(UInt64(16), at: layout.tensor("output.weight").offsetOffset) },
            mentioning: ["output.weight", "alignment"])
    }

    @Test func badTensorDescriptions() throws {
        let info = layout.tensor("blk.0.attn_q.weight")
        try refuse({ $0.patch(UInt32(0), at: info.rankOffset) }, mentioning: ["blk.0.attn_q.weight", "dimensions"])
        try refuse({ $0.patch(UInt32(9), at: info.rankOffset) }, mentioning: ["blk.0.attn_q.weight", "dimensions"])
        try refuse({ $0.patch(UInt64(0), at: info.rankOffset + 4) }, mentioning: ["blk.0.attn_q.weight", "dimension"])
        try refuse({ $0.patch(UInt64(33), at: info.rankOffset + 4) }, mentioning: ["blk.0.attn_q.weight", "block size"])
        try refuse({ $0.patch(UInt64(1) << 39, at: info.rankOffset + 12) }, mentioning: ["blk.0.attn_q.weight"])
        // Codes ggml has never defined; retired and unread ones are GGUFUnreadableTypeTests'.
        for code: UInt32 in [43, 99, .max] {
            try refuse(
                { $0.patch(code, at: info.typeOffset) },
                mentioning: ["blk.0.attn_q.weight", "type code \(code) is not one ggml defines", "corrupted"])
        }
        // A second blk.0.attn_k.weight: the layer digit of blk.1's copy rewritten.
        let second = layout.tensor("blk.1.attn_k.weight")
        try refuse({ $0[second.start + 8 + 4] = UInt8(ascii: "0") }, mentioning: ["blk.0.attn_k.weight", "twice"])
    }

    @Test func hugeArrayLengths() throws {
        let tokens = layout.key("tokenizer.ggml.tokens")
        // An array value: u32 element type, u64 length, items.
        for length: UInt64 in [.max, 1 << 62, 1 << 40, UInt64(bytes.count)] {
            try refuse({ $0.patch(length, at: tokens.valueOffset + 4) }, mentioning: ["tokenizer.ggml.tokens", "array length"])
        }
        let scores = layout.key("tokenizer.ggml.scores")
        try refuse({ $0.patch(UInt64(bytes.count / 4), at: scores.valueOffset + 4) }, mentioning: ["tokenizer.ggml.scores"])
        // Re-typed as bytes and stretched to the end of the file: it fits, so the failure comes
        // at the next key, which must name the array that swallowed it.
        try refuse(
            {
                $0.patch(UInt32(0), at: scores.valueOffset)
                $0.patch(UInt64($0.count - scores.valueOffset - 12), at: scores.valueOffset + 4)
            }, mentioning: ["after 'tokenizer.ggml.scores'"])
        // A string inside the array claiming more bytes than remain.
        try refuse({ $0.patch(UInt64(1) << 50, at: tokens.valueOffset + 12) }, mentioning: ["tokenizer.ggml.tokens", "string length"])
    }

    @Test func unknownValueTypes() throws {
        let architecture = layout.key("general.architecture")
        for code: UInt32 in [13, 255, .max] {
            try refuse({ $0.patch(code, at: architecture.typeOffset) }, mentioning: ["general.architecture", "value type \(code)"])
        }
        let tokens = layout.key("tokenizer.ggml.tokens")
        try refuse({ $0.patch(UInt32(77), at: tokens.valueOffset) }, mentioning: ["tokenizer.ggml.tokens", "element type 77"])
        let addBOS = layout.key("tokenizer.ggml.add_bos_token")
        try refuse({ $0[addBOS.valueOffset] = 2 }, mentioning: ["tokenizer.ggml.add_bos_token", "bool"])
    }

    @Test func nestedArraysAreBounded() throws {
        // tokenizer.ggml.scores re-typed as an array of arrays of arrays...: its f32 payload is
        // then read as nested headers and must fail cleanly, not recurse without end.
        let scores = layout.key("tokenizer.ggml.scores")
        try refuse({ $0.patch(UInt32(9), at: scores.valueOffset) }, mentioning: ["tokenizer.ggml.scores"])
        var nested: [UInt8] = []
        for _ in 0..<20 { nested.append(contentsOf: [9, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]) }
        try refuse(
            { $0.replaceSubrange(scores.valueOffset..<(scores.valueOffset + nested.count), with: nested) },
            mentioning: ["tokenizer.ggml.scores", "nested"])
    }

    @Test func badAlignmentAndDuplicateKeys() throws {
        // llama.block_count (u32 = 2) renamed to general.alignment, a name of the same length.
        let blockCount = layout.key("llama.block_count")
        let nameAt = blockCount.start + 8
        #expect("llama.block_count".utf8.count == "general.alignment".utf8.count)
        try refuse(
            {
                $0.replaceSubrange(nameAt..<(nameAt + 17), with: Array("general.alignment".utf8))
                $0.patch(UInt32(48), at: blockCount.valueOffset)
            }, mentioning: ["general.alignment", "power of two"])
        try refuse(
            {
                $0.replaceSubrange(nameAt..<(nameAt + 17), with: Array("general.alignment".utf8))
                $0.patch(UInt32(0), at: blockCount.valueOffset)
            }, mentioning: ["general.alignment"])
        // add_eos_token renamed add_bos_token: the same key twice.
        let eos = layout.key("tokenizer.ggml.add_eos_token")
        try refuse(
            { $0.replaceSubrange((eos.start + 8 + 19)..<(eos.start + 8 + 22), with: Array("bos".utf8)) },
            mentioning: ["tokenizer.ggml.add_bos_token", "twice"])
    }

    @Test func unreadablePaths() throws {
        for path in [scratch.url.appendingPathComponent("missing.gguf").path, scratch.url.path] {
            #expect(throws: EngineError.self) { try GGUFFile(path: path) }
            do { _ = try GGUFFile(path: path) } catch { #expect("\(error)".contains(path)) }
        }
        try refuse({ $0 = Array($0.prefix(3)) }, mentioning: ["magic"])
    }
}

extension GGUFCorruptionTests {
    /// Metadata the file format allows but the network cannot run with: a zero or NaN RoPE
    /// base or norm epsilon would turn every activation into NaN. The loader refuses them.
    @Test func nonFiniteHyperparameters() throws {
        let cases: [(String, Float)] = [
            ("llama.rope.freq_base", 0), ("llama.rope.freq_base", .nan), ("llama.rope.freq_base", -10_000),
            ("llama.attention.layer_norm_rms_epsilon", .nan), ("llama.attention.layer_norm_rms_epsilon", .infinity),
        ]
        for (key, value) in cases {
            var damaged = bytes
            damaged.patch(value.bitPattern, at: layout.key(key).valueOffset)
            let path = try scratch.write(damaged)
            let file = try GGUFFile(path: path)
            let error = try #require(throws: EngineError.self, "\(key) = \(value)") { try LlamaConfiguration(gguf: file) }
            #expect(error.description.contains(key), "\(error)")
        }
        // The intact values load.
        _ = try LlamaConfiguration(gguf: intact)
    }
}

extension GGUFCorruptionTests {
    /// A block count below the blocks the file holds would run a shorter network silently; a
    /// BOS id outside the vocabulary used to fall back to the default id.
    @Test func countsAndIDsThatDisagreeWithTheFile() throws {
        var fewer = bytes
        fewer.patch(UInt32(1), at: layout.key("llama.block_count").valueOffset)
        let error = try #require(throws: EngineError.self) { try LlamaConfiguration(gguf: GGUFFile(path: try scratch.write(fewer))) }
        #expect(error.description.contains("llama.block_count"), "\(error)")

        var bos = bytes
        bos.patch(UInt32(1_000_000), at: layout.key("tokenizer.ggml.bos_token_id").valueOffset)
        let path = try scratch.write(bos, name: "bos.gguf")
        let bosError = try #require(throws: EngineError.self) { try TokenizerLoader.load(from: GGUFFile(path: path)) }
        #expect(bosError.description.contains("tokenizer.ggml.bos_token_id") && bosError.description.contains("1000000"), "\(bosError)")
    }
}
