import Testing
import Tokenizers

/// Templates and expected renderings from llama.cpp's tests/test-chat-template.cpp, for its
/// six-turn conversation (llama.cpp also leaves the leading BOS to the tokenizer).
@Suite struct ChatTemplateFormatTests {
    static let conversation = [
        ChatMessage(role: "system", content: "You are a helpful assistant"),
        ChatMessage(role: "user", content: "Hello"),
        ChatMessage(role: "assistant", content: "Hi there"),
        ChatMessage(role: "user", content: "Who are you"),
        ChatMessage(role: "assistant", content: "   I am an assistant   "),
        ChatMessage(role: "user", content: "Another question"),
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let template: String
        let expected: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "OpenHermes ChatML",
            template:
                "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
            expected:
                "<|im_start|>system\nYou are a helpful assistant<|im_end|>\n<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\nHi there<|im_end|>\n<|im_start|>user\nWho are you<|im_end|>\n<|im_start|>assistant\n   I am an assistant   <|im_end|>\n<|im_start|>user\nAnother question<|im_end|>\n<|im_start|>assistant\n"
        ),
        Case(
            name: "Mistral v0.2",
            template:
                "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}",
            expected:
                "[INST] You are a helpful assistant\nHello [/INST]Hi there</s>[INST] Who are you [/INST]   I am an assistant   </s>[INST] Another question [/INST]"
        ),
        Case(
            name: "Llama 2 style with BOS between turns",
            template:
                "{%- for idx in range(0, messages|length) -%}\\n{%- if messages[idx]['role'] == 'user' -%}\\n{%- if idx > 1 -%}\\n{{- bos_token + '[INST] ' + messages[idx]['content'] + ' [/INST]' -}}\\n{%- else -%}\\n{{- messages[idx]['content'] + ' [/INST]' -}}\\n{%- endif -%}\\n{% elif messages[idx]['role'] == 'system' %}\\n{{- '[INST] <<SYS>>\\\\n' + messages[idx]['content'] + '\\\\n<</SYS>>\\\\n\\\\n' -}}\\n{%- elif messages[idx]['role'] == 'assistant' -%}\\n{{- ' '  + messages[idx]['content'] + ' ' + eos_token -}}\\n{% endif %}\\n{% endfor %}",
            expected:
                "[INST] <<SYS>>\nYou are a helpful assistant\n<</SYS>>\n\nHello [/INST] Hi there </s><s>[INST] Who are you [/INST]    I am an assistant    </s><s>[INST] Another question [/INST]"
        ),
        Case(
            name: "Llama 2 style, stripped",
            template:
                "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}{% for message in loop_messages %}{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\\\n' + system_message + '\\\\n<</SYS>>\\\\n\\\\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}",
            expected:
                "[INST] <<SYS>>\nYou are a helpful assistant\n<</SYS>>\n\nHello [/INST] Hi there </s>[INST] Who are you [/INST] I am an assistant </s>[INST] Another question [/INST]"
        ),
        Case(
            name: "Gemma",
            template:
                "{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{% for message in messages %}{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}{{ '<start_of_turn>' + role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\\n'}}{% endif %}",
            expected:
                "<start_of_turn>user\nYou are a helpful assistant\n\nHello<end_of_turn>\n<start_of_turn>model\nHi there<end_of_turn>\n<start_of_turn>user\nWho are you<end_of_turn>\n<start_of_turn>model\nI am an assistant<end_of_turn>\n<start_of_turn>user\nAnother question<end_of_turn>\n<start_of_turn>model\n"
        ),
        Case(
            name: "Llama 3",
            template:
                "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}",
            expected:
                "<|start_header_id|>system<|end_header_id|>\n\nYou are a helpful assistant<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nHi there<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nWho are you<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nI am an assistant<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nAnother question<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"
        ),
    ]

    @Test(arguments: cases)
    func rendersLikeLlamaCpp(_ c: Case) throws {
        let template = try ChatTemplate(template: c.template)
        #expect(template.render(Self.conversation) == c.expected)
    }

    @Test func chatMLWithoutDefaultSystemPrompt() throws {
        let template = try ChatTemplate(template: Self.cases[0].template)
        #expect(template.format == .chatML(defaultSystemPrompt: nil))
        #expect(
            template.render([ChatMessage(role: "user", content: "Hi")], addGenerationPrompt: false) == "<|im_start|>user\nHi<|im_end|>\n")
    }

    /// Qwen2.5 writes its system turn from the first message when there is one, else from a
    /// literal default; only the literal counts.
    @Test func qwenStyleDefaultSystemPrompt() throws {
        let template = try ChatTemplate(
            template:
                "{%- if messages[0]['role'] == 'system' %}{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}{%- else %}{{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}{%- endif %}"
        )
        #expect(template.format == .chatML(defaultSystemPrompt: "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."))
    }

    /// Llama 3.1 and later always open with a system turn carrying the knowledge cutoff and the
    /// template's fixed fallback date.
    @Test func llama31SystemPreamble() throws {
        let template = try ChatTemplate(
            template:
                "{%- if not date_string is defined %}{%- set date_string = \"26 Jul 2024\" %}{%- endif %}{{- \"<|start_header_id|>system<|end_header_id|>\\n\\n\" }}{{- \"Cutting Knowledge Date: December 2023\\n\" }}{{- \"Today Date: \" + date_string + \"\\n\\n\" }}"
        )
        #expect(
            template.render([ChatMessage(role: "user", content: " Hello ")])
                == "<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"
        )
        #expect(
            template.render(
                [ChatMessage(role: "system", content: "System message"), ChatMessage(role: "user", content: "Hi")],
                addGenerationPrompt: false)
                == "<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\nSystem message<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
        )
    }

    @Test func unrecognisedTemplatesAreRejected() {
        #expect(throws: TokenizerError.unrecognisedChatTemplate) {
            try ChatTemplate(template: "{% for m in messages %}{{ m['content'] }}{% endfor %}")
        }
        #expect(throws: TokenizerError.unrecognisedChatTemplate) { try ChatTemplate(template: "INVALID TEMPLATE") }
    }
}
