import Engine
import Foundation
import TestSupport
import Testing
import Tokenizers

@Suite struct ChatTemplateSmolLM2Tests {
    static let file = Result { try GGUFFile(path: TestPaths.smolLM2) }

    static func manifest() throws -> [String: Any] {
        try #require(try TestPaths.json(TestPaths.reference + "/smollm2/manifest.json") as? [String: Any])
    }

    @Test func recognisesChatMLWithTheDefaultSystemPrompt() throws {
        let template = try ChatTemplate(gguf: Self.file.get())
        #expect(template.format == .chatML(defaultSystemPrompt: "You are a helpful AI assistant named SmolLM, trained by Hugging Face"))
    }

    /// The manifest's rendering of one user question includes the template's default system turn.
    @Test func rendersTheReferenceExample() throws {
        let template = try ChatTemplate(gguf: Self.file.get())
        let expected = try #require(try Self.manifest()["chat_template_rendered_example"] as? String)
        let rendered = template.render([(role: "user", content: "What is the capital of France? Answer in one sentence.")])
        #expect(rendered == expected)
    }

    /// The rendered example is the manifest's `chat_en` prompt, so it must encode to its ids.
    @Test func renderedExampleEncodesToTheChatPrompt() throws {
        let template = try ChatTemplate(gguf: Self.file.get())
        let tokenizer = try SmolLM2TokenizerReference.tokenizer.get()
        let chat = try #require(SmolLM2TokenizerReference.prompts.first { $0.name == "chat_en" })
        let rendered = template.render([ChatMessage(role: "user", content: "What is the capital of France? Answer in one sentence.")])
        #expect(rendered == chat.text)
        #expect(tokenizer.encode(rendered) == chat.ids)
    }

    @Test func anExplicitSystemMessageReplacesTheDefault() throws {
        let template = try ChatTemplate(gguf: Self.file.get())
        let rendered = template.render(
            [
                ChatMessage(role: "system", content: "Be brief."),
                ChatMessage(role: "user", content: "Hi"),
                ChatMessage(role: "assistant", content: "Hello."),
            ], addGenerationPrompt: false)
        #expect(
            rendered == "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello.<|im_end|>\n"
        )
    }

    @Test func aFileWithoutATemplateIsReported() throws {
        #expect(throws: EngineError.self) { try ChatTemplate(gguf: GGUFFile(path: TestPaths.tinyGGUF("F32"))) }
    }
}
