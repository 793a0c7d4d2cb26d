import Engine
import Foundation

/// BLOOM and Falcon checkpoints written as llama.cpp's convert_hf_to_gguf.py writes them
/// (its `BloomModel` and `FalconModel`, gguf-py's tensor_mapping.py), with a name table of
/// their own so that a mistake in the engine's table shows against it.
extension HFToGGUF {
    /// `bloom.*` keys as the converter sets them: the context is `seq_length`, else (as the
    /// converter falls back) the width; the fused q/k/v rows, stored per head
    /// [head, (q, k, v), head_dim], regrouped [q heads | k heads | v heads], bias alike.
    static func convertBloom(
        _ config: [String: Any], _ weights: SafeTensorsFile, to path: String, extra: (inout GGUFWriter) throws -> Void
    ) throws {
        let hidden = try int(config, "hidden_size", "n_embed"), heads = try int(config, "n_head", "num_attention_heads")
        let layers = try int(config, "n_layer", "num_hidden_layers")
        var writer = try GGUFWriter()
        try writer.set("general.architecture", .string("bloom"))
        try writer.set("bloom.context_length", .uint32(UInt32((config["seq_length"] as? Int) ?? hidden)))
        try writer.set("bloom.embedding_length", .uint32(UInt32(hidden)))
        try writer.set("bloom.feed_forward_length", .uint32(UInt32(4 * hidden)))
        try writer.set("bloom.block_count", .uint32(UInt32(layers)))
        try writer.set("bloom.attention.head_count", .uint32(UInt32(heads)))
        try writer.set("bloom.attention.head_count_kv", .uint32(UInt32(heads)))
        try writer.set("bloom.attention.layer_norm_epsilon", .float32(Float(try double(config, "layer_norm_epsilon"))))
        try writer.set("general.file_type", .uint32(0))
        let names = [
            "word_embeddings": "token_embd", "word_embeddings_layernorm": "token_embd_norm", "ln_f": "output_norm",
            "input_layernorm": "attn_norm", "self_attention.query_key_value": "attn_qkv", "self_attention.dense": "attn_output",
            "post_attention_layernorm": "ffn_norm", "mlp.dense_h_to_4h": "ffn_up", "mlp.dense_4h_to_h": "ffn_down",
        ]
        try addTensors(weights, names: names, to: &writer) { name, values, shape in
            guard name.hasSuffix("self_attention.query_key_value.weight") || name.hasSuffix("self_attention.query_key_value.bias")
            else { return values }
            let columns = shape.count > 1 ? shape[1] : 1, headDim = hidden / heads
            var out: [Float] = []
            for part in 0..<3 {
                for h in 0..<heads {
                    let first = ((h * 3 + part) * headDim) * columns
                    out += values[first..<(first + headDim * columns)]
                }
            }
            return out
        }
        try extra(&writer)
        try writer.write(to: path)
    }

    /// `falcon.*` keys as the converter sets them (context 2048, `tensor_data_layout`
    /// "jploski", feed-forward 4 × width, no rope base), and the fused rows regrouped from kv
    /// groups [q × (heads / kv heads), k, v] into [q heads | k heads | v heads].
    ///
    /// The key-value head count is the one the weights have: 1 when `multi_query` (and not
    /// `new_decoder_architecture`). llama.cpp's converter reads `num_kv_heads`, which
    /// transformers 5 writes (as 4) into the tiny checkpoint's config.json; the Falcon-7B
    /// config.json it was written for has none, so it takes 1.
    static func convertFalcon(
        _ config: [String: Any], _ weights: SafeTensorsFile, to path: String, extra: (inout GGUFWriter) throws -> Void
    ) throws {
        let hidden = try int(config, "hidden_size"), heads = try int(config, "num_attention_heads", "n_head")
        let layers = try int(config, "num_hidden_layers", "n_layer")
        let multiQuery = (config["multi_query"] as? Bool) ?? true, newLayout = (config["new_decoder_architecture"] as? Bool) ?? false
        let kvHeads = multiQuery && !newLayout ? 1 : try int(config, "num_kv_heads", "n_head_kv")
        var writer = try GGUFWriter()
        try writer.set("general.architecture", .string("falcon"))
        try writer.set("falcon.context_length", .uint32(2048))
        try writer.set("falcon.tensor_data_layout", .string("jploski"))
        try writer.set("falcon.embedding_length", .uint32(UInt32(hidden)))
        try writer.set("falcon.feed_forward_length", .uint32(UInt32(4 * hidden)))
        try writer.set("falcon.block_count", .uint32(UInt32(layers)))
        try writer.set("falcon.attention.head_count", .uint32(UInt32(heads)))
        try writer.set("falcon.attention.head_count_kv", .uint32(UInt32(kvHeads)))
        try writer.set("falcon.attention.layer_norm_epsilon", .float32(Float(try double(config, "layer_norm_epsilon"))))
        try writer.set("general.file_type", .uint32(0))
        let names = [
            "word_embeddings": "token_embd", "ln_f": "output_norm", "input_layernorm": "attn_norm",
            "self_attention.query_key_value": "attn_qkv", "self_attention.dense": "attn_output", "mlp.dense_h_to_4h": "ffn_up",
            "mlp.dense_4h_to_h": "ffn_down",
        ]
        try addTensors(weights, names: names, to: &writer) { name, values, shape in
            guard name.hasSuffix("self_attention.query_key_value.weight") else { return values }
            let columns = shape[1], headDim = hidden / heads, perGroup = heads / kvHeads + 2
            func rows(group: Int, slot: Int) -> ArraySlice<Float> {
                let first = (group * perGroup + slot) * headDim * columns
                return values[first..<(first + headDim * columns)]
            }
            var q: [Float] = [], k: [Float] = [], v: [Float] = []
            for g in 0..<kvHeads {
                for slot in 0..<(perGroup - 2) { q += rows(group: g, slot: slot) }
                k += rows(group: g, slot: perGroup - 2)
                v += rows(group: g, slot: perGroup - 1)
            }
            return q + k + v
        }
        try extra(&writer)
        try writer.write(to: path)
    }

    /// Every checkpoint tensor under its GGUF name (`transformer.` dropped; `h.N.module` is
    /// `blk.N.<names[module]>`, other modules `names[module]`, `lm_head` is `output`), after
    /// `reorder`, in ggml's dimension order.
    private static func addTensors(
        _ weights: SafeTensorsFile, names: [String: String], to writer: inout GGUFWriter,
        reorder: (_ name: String, _ values: [Float], _ shape: [Int]) -> [Float]
    ) throws {
        for name in weights.tensors.keys.sorted() {
            let info = weights.tensors[name]!
            var stripped = name.hasPrefix("transformer.") ? String(name.dropFirst("transformer.".count)) : name
            let suffix = stripped.hasSuffix(".weight") ? ".weight" : ".bias"
            stripped = String(stripped.dropLast(suffix.count))
            let gguf: String
            if stripped == "lm_head" {
                gguf = "output"
            } else if stripped.hasPrefix("h."), let dot = stripped.dropFirst(2).firstIndex(of: ".") {
                let layer = stripped[stripped.index(stripped.startIndex, offsetBy: 2)..<dot]
                let module = String(stripped[stripped.index(after: dot)...])
                gguf = "blk.\(layer)." + (try required(names[module], "no GGUF name for \(name)"))
            } else {
                gguf = try required(names[stripped], "no GGUF name for \(name)")
            }
            let values = reorder(name, try weights.floats(name), info.shape)
            try writer.addTensor(name: gguf + suffix, dimensions: info.shape.reversed(), values: values)
        }
    }

    /// A byte-level BPE vocabulary as a `gpt2` tokenizer: token i < 256 is byte i (GPT-2's
    /// byte-to-character mapping), the rest unused fillers; no merges. Token ids then equal
    /// UTF-8 bytes, as the tiny checkpoints' tests feed them.
    public static func addByteVocabulary(to writer: inout GGUFWriter, size: Int, pre: String) throws {
        var printable = Array(33...126) + Array(161...172) + Array(174...255)
        var mapping: [Int: Int] = [:]
        for b in printable { mapping[b] = b }
        var next = 256
        for b in 0..<256 where mapping[b] == nil {
            mapping[b] = next
            printable.append(b)
            next += 1
        }
        let tokens = (0..<size).map { i in
            i < 256 ? String(Character(Unicode.Scalar(UInt32(mapping[i]!))!)) : "<unused\(i)>"
        }
        try writer.set("tokenizer.ggml.model", .string("gpt2"))
        try writer.set("tokenizer.ggml.pre", .string(pre))
        try writer.set("tokenizer.ggml.tokens", .array(tokens.map { .string($0) }))
        try writer.set("tokenizer.ggml.token_type", .array((0..<size).map { .int32($0 < 256 ? 1 : 5) }))
        try writer.set("tokenizer.ggml.merges", .array([]))
    }

    private static func int(_ config: [String: Any], _ keys: String...) throws -> Int {
        try required(keys.lazy.compactMap { config[$0] as? Int }.first, "config.json lacks \(keys.joined(separator: " or "))")
    }

    private static func double(_ config: [String: Any], _ key: String) throws -> Double {
        try required(config[key] as? Double, "config.json lacks \(key)")
    }
}

private func required<T>(_ value: T?, _ message: String) throws -> T {
    guard let value else { throw EngineError.invalidArgument("HFToGGUF: \(message)") }
    return value
}
