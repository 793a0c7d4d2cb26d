/// The GGUF names the LLaMA forward pass asks for and the Hugging Face checkpoint names
/// llama.cpp's convert_hf_to_gguf.py converts them from (the same for Llama, Mistral and
/// Qwen2 checkpoints).
enum LlamaTensorNames {
    static let global: [String: String] = [
        "token_embd.weight": "model.embed_tokens.weight",
        "output_norm.weight": "model.norm.weight",
        "output.weight": "lm_head.weight",
    ]
    /// Per block: `blk.N.<key>` is `model.layers.N.<value>`.
    static let block: [String: String] = [
        "attn_norm.weight": "input_layernorm.weight",
        "attn_q.weight": "self_attn.q_proj.weight",
        "attn_k.weight": "self_attn.k_proj.weight",
        "attn_v.weight": "self_attn.v_proj.weight",
        "attn_q.bias": "self_attn.q_proj.bias",
        "attn_k.bias": "self_attn.k_proj.bias",
        "attn_v.bias": "self_attn.v_proj.bias",
        "attn_output.weight": "self_attn.o_proj.weight",
        "ffn_norm.weight": "post_attention_layernorm.weight",
        "ffn_gate.weight": "mlp.gate_proj.weight",
        "ffn_up.weight": "mlp.up_proj.weight",
        "ffn_down.weight": "mlp.down_proj.weight",
    ]

    /// The checkpoint's name for a GGUF name (a name with no counterpart is returned as is,
    /// so the lookup fails naming it).
    static func huggingFace(_ gguf: String) -> String {
        if let name = global[gguf] { return name }
        let parts = gguf.split(separator: ".", maxSplits: 2)
        guard parts.count == 3, parts[0] == "blk", let layer = Int(parts[1]), let name = block[String(parts[2])] else { return gguf }
        return "model.layers.\(layer).\(name)"
    }

    /// Every checkpoint tensor a model with this configuration reads.
    static func huggingFaceNames(_ c: LlamaConfiguration) -> Set<String> {
        var names: Set<String> = ["model.embed_tokens.weight", "model.norm.weight"]
        if !c.tiedOutput { names.insert("lm_head.weight") }
        for l in 0..<c.layerCount {
            for (gguf, hf) in block where c.attentionBias || !gguf.hasSuffix(".bias") {
                names.insert("model.layers.\(l).\(hf)")
            }
        }
        return names
    }
}
