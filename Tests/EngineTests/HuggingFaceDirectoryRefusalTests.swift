import Engine
import Foundation
import TestSupport
import Testing

/// A Hugging Face directory the engine cannot run correctly is refused, on the path `--model DIR`
/// takes, with one error that names the file and the key or tensor at fault.
@Suite("Hugging Face directories refused by key or tensor")
struct HuggingFaceDirectoryRefusalTests {
    static func error(loading path: String) -> String? {
        do {
            _ = try HuggingFaceArchitectures.network(directory: SafeTensorsDirectory(path: path), threads: 1)
            return nil
        } catch {
            return "\(error)"
        }
    }

    static func error(_ reference: String = "llama_gqa", _ edit: (inout [String: Any]) -> Void) throws -> String? {
        error(loading: try TinyCheckpoint.withConfig(reference, edit))
    }

    @Test("an unknown model_type names the key and the supported ones")
    func unknownModelType() throws {
        let message = try #require(try Self.error { $0["model_type"] = "gpt_neox" })
        #expect(message.contains("config.json: key 'model_type' is \"gpt_neox\""), "\(message)")
        #expect(message.contains("supported: bloom, falcon, gpt2, llama, mistral, qwen2"), "\(message)")
    }

    @Test("architectures naming another head than the causal LM is refused")
    func otherHead() throws {
        let message = try #require(try Self.error { $0["architectures"] = ["LlamaForSequenceClassification"] })
        #expect(message.contains("key 'architectures'") && message.contains("LlamaForCausalLM"), "\(message)")
    }

    @Test("a shard the index names but the directory lacks is named")
    func missingShard() throws {
        let path = try TinyCheckpoint.sharded("llama_gqa")
        try FileManager.default.removeItem(atPath: path + "/model-00002-of-00002.safetensors")
        let message = try #require(Self.error(loading: path))
        #expect(message.contains("model.safetensors.index.json") && message.contains("'model-00002-of-00002.safetensors'"), "\(message)")
    }

    @Test("a tensor missing from every shard is named")
    func missingTensor() throws {
        let path = try TinyCheckpoint.sharded("llama_gqa", omitting: ["model.layers.1.mlp.up_proj.weight"])
        let message = try #require(Self.error(loading: path))
        #expect(message.contains("has no tensor 'model.layers.1.mlp.up_proj.weight'"), "\(message)")
    }

    @Test("a tensor whose shape disagrees with config.json is named with both shapes")
    func shapeDisagrees() throws {
        let message = try #require(try Self.error { $0["num_key_value_heads"] = 1 })
        #expect(
            message.contains("tensor 'model.layers.0.self_attn.k_proj.weight' has shape [32, 64]")
                && message.contains("config.json implies [16, 64]"), "\(message)")
    }

    @Test("rope scaling the engine does not implement is refused by key", arguments: ["llama3", "linear", "yarn"])
    func ropeScaling(type: String) throws {
        // transformers 4.x: rope_scaling with rope_type (or the older type); 5.x: rope_parameters.
        let (key, named): (String, String) =
            switch type {
            case "llama3": ("rope_scaling", "rope_scaling.rope_type")
            case "linear": ("rope_scaling", "rope_scaling.type")
            default: ("rope_parameters", "rope_parameters.rope_type")
            }
        let message = try #require(
            try Self.error {
                $0[key] = [named.hasSuffix(".type") ? "type" : "rope_type": type, "factor": 8.0, "rope_theta": 10000.0]
            })
        #expect(message.contains("key '\(named)' is \"\(type)\", a rope scaling the engine does not implement"), "\(message)")
    }

    @Test("sliding windows, other activations and MLP biases are refused by key")
    func otherSettings() throws {
        let qwen = try #require(
            try Self.error("qwen2") {
                $0["use_sliding_window"] = true
                $0["sliding_window"] = 32
            })
        #expect(qwen.contains("key 'use_sliding_window'"), "\(qwen)")
        let mistral = try #require(try Self.error("mistral") { $0["sliding_window"] = 32 })
        #expect(mistral.contains("key 'sliding_window' is 32"), "\(mistral)")
        #expect(try Self.error("mistral") { $0["sliding_window"] = 4096 } == nil, "a window past the context changes nothing")
        let act = try #require(try Self.error { $0["hidden_act"] = "gelu" })
        #expect(act.contains("key 'hidden_act' is \"gelu\""), "\(act)")
        let bias = try #require(try Self.error { $0["mlp_bias"] = true })
        #expect(bias.contains("key 'mlp_bias'"), "\(bias)")
    }

    @Test("a tensor the forward pass would not read is named")
    func unreadTensor() throws {
        // num_hidden_layers 2 of the checkpoint's 3: layer 2's tensors would be ignored.
        let message = try #require(try Self.error { $0["num_hidden_layers"] = 2 })
        #expect(message.contains("tensor 'model.layers.2.") && message.contains("is not one a llama model"), "\(message)")
    }
}
