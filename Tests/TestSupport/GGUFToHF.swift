import Engine
import Foundation

/// A Hugging Face LLaMA directory (config.json + model.safetensors) made from an F32 GGUF
/// `llama` file: the reverse of `HFToGGUF`, so that a model whose only weights are GGUF (the
/// tiny LLaMA of ../shared/reference/gguf, which comes with its HF config.json but without its
/// safetensors) can run through the directory path. Tensors get their Hugging Face names and
/// [out, in] shapes, and the q/k rows go back from adjacent pairs to the half-split layout.
public enum GGUFToHF {
    public static func convert(gguf path: String, config: String, to directory: String) throws {
        let gguf = try GGUFFile(path: path)
        let heads = try gguf.int("llama.attention.head_count")
        let kvHeads = try gguf.int("llama.attention.head_count_kv")
        let layers = try gguf.int("llama.block_count")
        var tensors: [SafeTensorsWriter.Tensor] = []
        func add(_ ggufName: String, _ hfName: String, unpermuteHeads: Int? = nil) throws {
            guard let info = gguf.tensor(named: ggufName) else { throw TestDataError("\(path) has no tensor \(ggufName)") }
            guard info.type == .f32 else { throw TestDataError("\(ggufName) is \(info.type); GGUFToHF reads F32 files only") }
            let raw = gguf.data(of: info)
            var values = (0..<info.elementCount).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
            let shape = Array(info.dimensions.reversed())
            if let unpermuteHeads { values = unpermuted(values, shape: shape, heads: unpermuteHeads) }
            tensors.append(.init(name: hfName, shape: shape, values: values))
        }
        try add("token_embd.weight", "model.embed_tokens.weight")
        for l in 0..<layers {
            let hf = "model.layers.\(l).", g = "blk.\(l)."
            try add(g + "attn_norm.weight", hf + "input_layernorm.weight")
            try add(g + "attn_q.weight", hf + "self_attn.q_proj.weight", unpermuteHeads: heads)
            try add(g + "attn_k.weight", hf + "self_attn.k_proj.weight", unpermuteHeads: kvHeads)
            try add(g + "attn_v.weight", hf + "self_attn.v_proj.weight")
            try add(g + "attn_output.weight", hf + "self_attn.o_proj.weight")
            try add(g + "ffn_norm.weight", hf + "post_attention_layernorm.weight")
            try add(g + "ffn_gate.weight", hf + "mlp.gate_proj.weight")
            try add(g + "ffn_up.weight", hf + "mlp.up_proj.weight")
            try add(g + "ffn_down.weight", hf + "mlp.down_proj.weight")
        }
        try add("output_norm.weight", "model.norm.weight")
        try add("output.weight", "lm_head.weight")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try SafeTensorsWriter.write(tensors, to: directory + "/model.safetensors")
        try FileManager.default.copyItem(atPath: config, toPath: directory + "/config.json")
    }

    /// The inverse of `HFToGGUF.permuted`: rows (head, i, half) go back to (head, half, i).
    static func unpermuted(_ values: [Float], shape: [Int], heads: Int) -> [Float] {
        HFToGGUF.permuted(values, shape: shape, heads: heads, inverse: true)
    }
}
