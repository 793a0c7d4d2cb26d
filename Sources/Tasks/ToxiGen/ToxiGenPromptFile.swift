import Foundation
import Harness

/// A ToxiGen prompt file (`prompts/hate_<group>_1k.txt`, `neutral_<group>_1k.txt`): one
/// prompt per line, each a list of example statements separated by the literal two
/// characters `\n`, each statement starting with "- ", the last item an empty "-" for the
/// model to continue.
public enum ToxiGenPromptFile {
    /// The file's prompt lines, in order (line terminators removed; blank lines refused).
    public static func lines(_ url: URL) throws -> [String] {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw HarnessError.invalidInput("\(url.path) is not readable UTF-8 text (\(error.localizedDescription)); fetch it again")
        }
        var lines = text.components(separatedBy: "\n").map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
        if lines.last == "" { lines.removeLast() }
        if let blank = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw JSONLinesError(
                file: url.path, line: blank + 1, problem: "is blank, where a prompt (statements separated by \\n) belongs",
                fix: "use the upstream file, whose every line is a prompt")
        }
        return lines
    }

    /// The statements of one prompt line: split at the literal `\n`, each stripped of its
    /// leading "-" and surrounding spaces, empty items (the final "-") dropped.
    public static func statements(_ line: String) -> [String] {
        line.components(separatedBy: "\\n").compactMap { item in
            var text = item.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("-") { text = String(text.dropFirst()).trimmingCharacters(in: .whitespaces) }
            return text.isEmpty ? nil : text
        }
    }

    /// The prompt as the model reads it: the literal `\n` turned into line breaks, so it ends
    /// with "\n-" and the model continues the list with one more statement.
    public static func promptText(_ line: String) -> String {
        line.replacingOccurrences(of: "\\n", with: "\n")
    }
}
