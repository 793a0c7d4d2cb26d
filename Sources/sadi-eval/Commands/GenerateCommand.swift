import ArgumentParser
import Engine
import Foundation
import Tokenizers

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Greedy generation, streaming tokens as they come.")

    @Option(help: "GGUF model file.") var model: String = DefaultModel.path
    @Option(help: "The prompt text.") var prompt: String
    @Option(name: .customLong("max-tokens"), help: "Most tokens to generate.") var maxTokens: Int = 64
    @Flag(help: "Wrap the prompt as a user message in the model's chat template.") var chat = false
    @Option(help: "System message (with --chat).") var system: String?
    @Option(help: "Threads.") var threads: Int = Parallel.availableCores
    @Option(help: ActivationPrecision.help) var activations: ActivationPrecision = .float32

    func validate() throws {
        guard maxTokens > 0 else { throw ValidationError("--max-tokens must be at least 1, got \(maxTokens)") }
        guard threads > 0 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    func run() throws {
        let loaded = try ModelLoader.load(path: model, threads: threads, activations: activations)
        var text = prompt
        if chat {
            guard let template = loaded.chatTemplate else {
                throw ValidationError(
                    "--chat: \(model) has no chat template the engine recognises; drop --chat and write the prompt in the model's format")
            }
            var messages: [ChatMessage] = []
            if let system { messages.append(ChatMessage(role: "system", content: system)) }
            messages.append(ChatMessage(role: "user", content: prompt))
            text = template.render(messages, addGenerationPrompt: true)
        }
        let ids = loaded.tokenizer.encode(text)
        let start = Date()
        let output = try Generator(network: loaded.network, tokenizer: loaded.tokenizer)
            .generate(prompt: ids, maxTokens: maxTokens) { piece in
                FileHandle.standardOutput.write(Data(piece.utf8))
            }
        FileHandle.standardOutput.write(Data("\n".utf8))
        let seconds = Date().timeIntervalSince(start)
        Terminal.status(
            String(
                format: "[%d prompt tokens, %d generated in %.2f s (%.1f tokens/s, %@ activations), stopped by %@]",
                ids.count, output.tokens.count, seconds, Double(output.tokens.count) / seconds, activations.rawValue,
                output.stoppedBy.rawValue))
    }
}
