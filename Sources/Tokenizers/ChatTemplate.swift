/// One turn of a conversation.
public struct ChatMessage: Sendable, Equatable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// The prompt format of a chat model, recognised from its `tokenizer.chat_template`.
///
/// Templates are Jinja programs; rather than interpret Jinja, the common formats are recognised
/// by their markers and rendered by hand, with the few facts that vary between models (a
/// default system prompt, whether content is trimmed) read from the template text. The
/// rendering leaves out the leading BOS a template may write: the tokenizer adds it when the
/// model wants it (`Tokenizer.addsBOS`). Encode the result with special-token parsing on.
public struct ChatTemplate: Sendable, Equatable {
    public enum Format: Sendable, Equatable {
        /// `<|im_start|>role\ncontent<|im_end|>\n` (SmolLM2, Qwen, OpenHermes...). The default
        /// system prompt is written when the conversation does not open with a system message.
        case chatML(defaultSystemPrompt: String?)
        /// `<|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>`, content trimmed (Llama 3).
        /// Llama 3.1 and later open with a system turn holding a knowledge-cutoff preamble.
        case llama3(systemPreamble: String?)
        /// `[INST] user [/INST]assistant</s>` (Mistral) or, with `<<SYS>>` system blocks,
        /// `[INST] <<SYS>>\nsystem\n<</SYS>>\n\nuser [/INST] assistant </s>` (Llama 2).
        case instruct(systemBlock: Bool, bosBetweenTurns: Bool, trimsContent: Bool)
        /// `<start_of_turn>user\ncontent<end_of_turn>\n`, the assistant role named `model` (Gemma).
        case gemma
    }

    public let format: Format
    let bosText: String
    let eosText: String

    public init(format: Format, bosText: String = "<s>", eosText: String = "</s>") {
        self.format = format
        self.bosText = bosText
        self.eosText = eosText
    }

    /// Recognises a Jinja chat template; `bosText`/`eosText` are the texts of the model's BOS and
    /// EOS tokens, which Llama 2 style formats write between turns.
    public init(template: String, bosText: String = "<s>", eosText: String = "</s>") throws {
        guard let format = Self.recognise(template) else {
            throw TokenizerError.unrecognisedChatTemplate
        }
        self.init(format: format, bosText: bosText, eosText: eosText)
    }

    // MARK: rendering

    /// The prompt for `messages`, ending with the assistant's opening when
    /// `addGenerationPrompt` is set (the `[INST]` formats have none: `[/INST]` ends the prompt).
    public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool = true) -> String {
        switch format {
        case let .chatML(defaultSystemPrompt):
            var out = ""
            // As the templates do: only a conversation that opens with another role gets it.
            if let defaultSystemPrompt, let first = messages.first, first.role != "system" {
                out += "<|im_start|>system\n\(defaultSystemPrompt)<|im_end|>\n"
            }
            for m in messages { out += "<|im_start|>\(m.role)\n\(m.content)<|im_end|>\n" }
            if addGenerationPrompt { out += "<|im_start|>assistant\n" }
            return out

        case let .llama3(systemPreamble):
            func turn(_ role: String, _ content: String) -> String {
                "<|start_header_id|>\(role)<|end_header_id|>\n\n\(content)<|eot_id|>"
            }
            var out = ""
            var rest = messages[...]
            if let systemPreamble {
                // Llama 3.1+: the system turn always exists and carries the preamble.
                var system = ""
                if let first = rest.first, first.role == "system" {
                    system = Self.trimmed(first.content)
                    rest = rest.dropFirst()
                }
                out += turn("system", systemPreamble + system)
            }
            for m in rest { out += turn(m.role, Self.trimmed(m.content)) }
            if addGenerationPrompt { out += "<|start_header_id|>assistant<|end_header_id|>\n\n" }
            return out

        case let .instruct(systemBlock, bosBetweenTurns, trimsContent):
            // Llama 2 puts spaces around answers; Mistral does not. A system message goes into
            // the first instruction, as a <<SYS>> block where the format has one.
            var out = "[INST] "
            var insideTurn = true
            for m in messages {
                let content = trimsContent ? Self.trimmed(m.content) : m.content
                if !insideTurn {
                    out += bosBetweenTurns ? bosText + "[INST] " : "[INST] "
                    insideTurn = true
                }
                switch m.role {
                case "system":
                    out += systemBlock ? "<<SYS>>\n\(content)\n<</SYS>>\n\n" : content + "\n"
                case "assistant":
                    out += systemBlock ? " \(content) \(eosText)" : content + eosText
                    insideTurn = false
                default:
                    out += content + " [/INST]"
                }
            }
            return out

        case .gemma:
            // Gemma has no system role: the system text opens the first user turn.
            var out = ""
            var pendingSystem: String?
            for m in messages {
                let content = Self.trimmed(m.content)
                switch m.role {
                case "system":
                    pendingSystem = content
                case "assistant":
                    out += "<start_of_turn>model\n\(content)<end_of_turn>\n"
                default:
                    let text = pendingSystem.map { $0 + "\n\n" + content } ?? content
                    pendingSystem = nil
                    out += "<start_of_turn>\(m.role)\n\(text)<end_of_turn>\n"
                }
            }
            if addGenerationPrompt { out += "<start_of_turn>model\n" }
            return out
        }
    }

    public func render(_ messages: [(role: String, content: String)], addGenerationPrompt: Bool = true) -> String {
        render(messages.map { ChatMessage(role: $0.role, content: $0.content) }, addGenerationPrompt: addGenerationPrompt)
    }

    /// Jinja's `trim` and Python's `strip()`: leading and trailing whitespace.
    static func trimmed(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }

    // MARK: recognition

    /// The format of a Jinja chat template, or nil when it is none of the recognised ones.
    public static func recognise(_ template: String) -> Format? {
        if template.contains("<|im_start|>") {
            // A system turn written as text (not from a message) is the default system prompt.
            let system = literalText(after: "<|im_start|>system", until: ["<|im_end|>"], in: template)
            let prompt = system.flatMap { $0.hasPrefix("\n") ? String($0.dropFirst()) : nil }
            return .chatML(defaultSystemPrompt: prompt?.isEmpty == false ? prompt : nil)
        }
        if template.contains("<|start_header_id|>") {
            guard let cutoff = literalText(after: "Cutting Knowledge Date: ", until: ["\\n", "\n"], in: template) else {
                return .llama3(systemPreamble: nil)
            }
            // The template's fallback date (it may ask for today's, which would make prompts drift).
            let date = quoted(after: "date_string = ", in: template) ?? "26 Jul 2024"
            return .llama3(systemPreamble: "Cutting Knowledge Date: \(cutoff)\nToday Date: \(date)\n\n")
        }
        if template.contains("[INST]") {
            return .instruct(
                systemBlock: template.contains("<<SYS>>"),
                bosBetweenTurns: template.contains("bos_token + '[INST]"),
                trimsContent: template.contains(".strip()") || template.contains("| trim"))
        }
        if template.contains("<start_of_turn>") {
            return .gemma
        }
        return nil
    }

    /// The text that follows `marker` inside the Jinja string literal holding it, up to the first
    /// of `ends`, with escapes resolved. Nil when the literal closes first, that is when an
    /// expression (`' + message['content'] + '`) follows the marker rather than text.
    static func literalText(after marker: String, until ends: [String], in template: String) -> String? {
        var searchStart = template.startIndex
        while let found = template[searchStart...].firstRange(of: marker) {
            searchStart = found.upperBound
            guard let quote = template[..<found.lowerBound].last(where: { $0 == "'" || $0 == "\"" }) else { continue }
            var raw = ""
            var index = found.upperBound
            while index < template.endIndex {
                let rest = template[index...]
                if ends.contains(where: { rest.hasPrefix($0) }) { return unescape(raw) }
                let ch = template[index]
                if ch == quote { break }
                raw.append(ch)
                index = template.index(after: index)
                if ch == "\\", index < template.endIndex {
                    raw.append(template[index])
                    index = template.index(after: index)
                }
            }
        }
        return nil
    }

    /// The contents of the quoted string right after `marker` (`date_string = "26 Jul 2024"`).
    static func quoted(after marker: String, in template: String) -> String? {
        guard let found = template.firstRange(of: marker) else { return nil }
        let rest = template[found.upperBound...]
        guard let quote = rest.first, quote == "'" || quote == "\"" else { return nil }
        let body = rest.dropFirst()
        guard let close = body.firstIndex(of: quote) else { return nil }
        return String(body[..<close])
    }

    /// Jinja string escapes: \n, \t, \\, \', \".
    static func unescape(_ s: String) -> String {
        var out = ""
        var pending = false
        for ch in s {
            if pending {
                switch ch {
                case "n": out.append("\n")
                case "t": out.append("\t")
                default: out.append(ch)
                }
                pending = false
            } else if ch == "\\" {
                pending = true
            } else {
                out.append(ch)
            }
        }
        return out
    }
}
