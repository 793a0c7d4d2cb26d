import Engine
import Foundation
import Harness
import TaskCOPA

/// What the fuzzer feeds: a parser the product runs on files users hand it, and the seeds
/// it starts from (real, valid files). Each run either parses or throws a clear error; a
/// crash (a trap, an out-of-bounds read the runtime catches) ends the process, the bug.
struct FuzzTarget {
    let name: String
    let seeds: [String]
    /// The input's file extension (parsers read files).
    let fileExtension: String
    /// Runs the input at `path`; returns what happened as a short label (the error's kind
    /// and the start of its message, digits dropped), which tells new behaviour from old.
    let run: (String) -> String

    static func outcome(_ path: String, _ body: () throws -> Void) -> String {
        do {
            try body()
            return "ok"
        } catch {
            // The kind of failure, not its particulars: no path, digits or quoted text.
            var text = "", quote: Character? = nil
            for c in "\(type(of: error)): \(error)".replacingOccurrences(of: path, with: "") where !c.isNumber {
                if let open = quote {
                    if c == open || (open == "`" && c == "`") { quote = nil }
                } else if c == "`" || c == "'" || c == "\"" {
                    quote = c
                } else {
                    text.append(c)
                }
            }
            return String(text.prefix(48))
        }
    }

    static func all(shared: String, tasks: String) -> [FuzzTarget] {
        [
            FuzzTarget(
                name: "gguf",
                seeds: ["Q4_1", "Q8_0", "F16", "Q4_K_M-mix", "IQ4_XS"].map { shared + "/reference/gguf/models/tiny-llama-spm-\($0).gguf" },
                fileExtension: "gguf",
                run: { path in
                    outcome(path) {
                        let file = try GGUFFile(path: path)
                        for tensor in file.tensors {
                            let data = file.data(of: tensor)
                            if let first = data.first, let last = data.last { _ = first &+ last }
                        }
                        _ = try TokenizerLoader.load(from: file)
                        _ = try LlamaModel(gguf: file, threads: 1)
                    }
                }),
            FuzzTarget(
                name: "card",
                seeds: ((try? FileManager.default.contentsOfDirectory(atPath: tasks)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
                    .map { tasks + "/" + $0 },
                fileExtension: "yaml",
                run: { path in outcome(path) { _ = try TaskCard.load(path: path) } }),
            FuzzTarget(
                name: "copa-xml", seeds: [shared + "/datasets/copa/copa-dev.xml"], fileExtension: "xml",
                run: { path in outcome(path) { _ = try COPAXMLParser.parse(contentsOf: path) } }),
        ]
    }
}
