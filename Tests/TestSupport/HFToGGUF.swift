import Engine
import Foundation

/// Writes a GGUF file from a Hugging Face LLaMA-family checkpoint (config.json +
/// model.safetensors) the way llama.cpp's convert_hf_to_gguf.py lays it out: tensors renamed
/// to GGUF's names, dimensions in ggml order, and the q/k rows of a `llama` file permuted
/// from Hugging Face's half-split rotary layout into adjacent pairs (`permute(w, n_head,
/// n_head_kv)`); a `qwen2` file keeps them as trained, since llama.cpp rotates its halves.
/// BLOOM and Falcon checkpoints go through their own converters (HFToGGUF+LayerNorm.swift).
public enum HFToGGUF {
    /// `architecture`: the GGUF `general.architecture` the converter writes for this
    /// checkpoint (`llama` for Llama and Mistral, `qwen2` for Qwen2, `bloom`, `falcon`).
    /// `extra` adds keys or tensors before the file is written (tests of what is refused).
    public static func convert(
        directory: String, architecture: String, to path: String, extra: (inout GGUFWriter) throws -> Void = { _ in }
    ) throws {
        let config = try require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/config.json"))) as? [String: Any])
        let weights = try SafeTensorsFile(path: directory + "/model.safetensors")
        switch architecture {
        case "bloom": return try convertBloom(config, weights, to: path, extra: extra)
        case "falcon": return try convertFalcon(config, weights, to: path, extra: extra)
        default: break
        }
        func int(_ key: String) throws -> Int { try require(config[key] as? Int, "config.json lacks \(key)") }
        let layers = try int("num_hidden_layers"), hidden = try int("hidden_size"), heads = try int("num_attention_heads")
        let kvHeads = (config["num_key_value_heads"] as? Int) ?? heads
        let rope = (config["rope_parameters"] as? [String: Any])?["rope_theta"] as? Double ?? (config["rope_theta"] as? Double) ?? 10000

        var writer = try GGUFWriter()
        let a = architecture
        try writer.set("general.architecture", .string(a))
        try writer.set("\(a).block_count", .uint32(UInt32(layers)))
        try writer.set("\(a).context_length", .uint32(UInt32(try int("max_position_embeddings"))))
        try writer.set("\(a).embedding_length", .uint32(UInt32(hidden)))
        try writer.set("\(a).feed_forward_length", .uint32(UInt32(try int("intermediate_size"))))
        try writer.set("\(a).attention.head_count", .uint32(UInt32(heads)))
        try writer.set("\(a).attention.head_count_kv", .uint32(UInt32(kvHeads)))
        try writer.set("\(a).rope.freq_base", .float32(Float(rope)))
        try writer.set("\(a).attention.layer_norm_rms_epsilon", .float32(Float(try require(config["rms_norm_eps"] as? Double))))

        /// A Hugging Face matrix [out, in] is a ggml tensor [in, out] of the same bytes.
        func add(_ hf: String, _ gguf: String, permuteHeads: Int? = nil) throws {
            let info = try require(weights.tensor(named: hf), "no tensor \(hf)")
            var values = try weights.floats(hf)
            if let permuteHeads, a == "llama" { values = permuted(values, shape: info.shape, heads: permuteHeads) }
            try writer.addTensor(name: gguf, dimensions: info.shape.reversed(), values: values)
        }
        try add("model.embed_tokens.weight", "token_embd.weight")
        for l in 0..<layers {
            let hf = "model.layers.\(l).", g = "blk.\(l)."
            try add(hf + "input_layernorm.weight", g + "attn_norm.weight")
            try add(hf + "self_attn.q_proj.weight", g + "attn_q.weight", permuteHeads: heads)
            try add(hf + "self_attn.k_proj.weight", g + "attn_k.weight", permuteHeads: kvHeads)
            try add(hf + "self_attn.v_proj.weight", g + "attn_v.weight")
            for name in ["q", "k", "v"] where weights.tensor(named: hf + "self_attn.\(name)_proj.bias") != nil {
                try add(
                    hf + "self_attn.\(name)_proj.bias", g + "attn_\(name).bias",
                    permuteHeads: name == "q" ? heads : name == "k" ? kvHeads : nil)
            }
            try add(hf + "self_attn.o_proj.weight", g + "attn_output.weight")
            try add(hf + "post_attention_layernorm.weight", g + "ffn_norm.weight")
            try add(hf + "mlp.gate_proj.weight", g + "ffn_gate.weight")
            try add(hf + "mlp.up_proj.weight", g + "ffn_up.weight")
            try add(hf + "mlp.down_proj.weight", g + "ffn_down.weight")
        }
        try add("model.norm.weight", "output_norm.weight")
        if weights.tensor(named: "lm_head.weight") != nil, (config["tie_word_embeddings"] as? Bool) != true {
            try add("lm_head.weight", "output.weight")
        }
        try extra(&writer)
        try writer.write(to: path)
    }

    /// convert_hf_to_gguf's `permute`: rows (head, half, i) become (head, i, half), so the
    /// pair a half-split rotation rotates together sits side by side; `inverse` undoes it.
    static func permuted(_ values: [Float], shape: [Int], heads: Int, inverse: Bool = false) -> [Float] {
        let rows = shape[0], columns = shape.count > 1 ? shape[1] : 1
        let half = rows / heads / 2
        var out = values
        for h in 0..<heads {
            for s in 0..<2 {
                for i in 0..<half {
                    let split = h * 2 * half + s * half + i, paired = h * 2 * half + i * 2 + s
                    let (from, to) = inverse ? (paired, split) : (split, paired)
                    for c in 0..<columns { out[to * columns + c] = values[from * columns + c] }
                }
            }
        }
        return out
    }
}

/// `#require` outside Swift Testing: a test-support helper throws instead.
private func require<T>(_ value: T?, _ message: String = "") throws -> T {
    guard let value else { throw EngineError.invalidArgument("HFToGGUF: \(message)") }
    return value
}
