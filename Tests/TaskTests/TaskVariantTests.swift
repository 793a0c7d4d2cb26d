import Foundation
import Harness
import TaskRegistry
import TestSupport
import Testing

/// A plugin whose one card names several tasks, as XCOPA's languages or MMLU's subjects do.
struct LanguagesTask: BenchmarkTask {
    static let name = "langs"
    static let fieldNames: Set<String> = ["text", "lang"]
    let card: TaskCard

    init(card: TaskCard) { self.card = card }

    func documents(file key: String, at url: URL) throws -> [Document] {
        // The variant's parameters reach the plugin through its card.
        [Document(id: "1", fields: ["text": url.lastPathComponent, "lang": card.parameters["lang"] ?? "-"], gold: 0)]
    }
}

@Suite("Task variants and --task patterns")
struct TaskVariantTests {
    static let sha = String(repeating: "1", count: 64), other = String(repeating: "2", count: 64)

    func registry() throws -> TaskRegistry {
        let directory = try TestPaths.scratchDirectory("variants")
        let card = """
            task: langs
            output_type: multiple_choice
            files:
              test: {path: langs/en.txt, url: "https://example.org/en.txt", sha256: \(Self.sha)}
            splits:
              - {name: test, role: test, file: test}
            prompts:
              - {name: p, doc_to_text: "{{text}} {{lang}}", doc_to_choice: ["a", "b"]}
            metrics: [acc]
            variants:
              - {name: langs_en, parameters: {lang: en}}
              - name: langs_et
                parameters: {lang: et}
                files: {test: {path: langs/et.txt, url: "https://example.org/et.txt", sha256: \(Self.other)}}
              - {name: langs_zh, parameters: {lang: zh}}
            groups:
              langs_european: [langs_en, langs_et]
            """
        try card.write(toFile: directory + "/langs.yaml", atomically: true, encoding: .utf8)
        return TaskRegistry(cardsDirectory: directory, plugins: [LanguagesTask.self])
    }

    @Test("one card gives one task per variant, with its parameters and files")
    func variants() throws {
        let registry = try registry()
        #expect(try registry.names() == ["langs_en", "langs_et", "langs_zh"])
        let et = try registry.task(named: "langs_et")
        #expect(et.card.task == "langs_et" && et.card.variantOf == "langs" && et.card.parameters == ["lang": "et"])
        #expect(et.card.dataFile(for: try et.split(role: .test)).path == "langs/et.txt")
        #expect(try registry.task(named: "langs_en").card.dataFile(for: try et.split(role: .test)).sha256 == Self.sha)
        let docs = try et.documents(file: "test", at: URL(fileURLWithPath: "/x/et.txt"))
        #expect(docs[0].fields["lang"] == "et")
        // The card's own name is not a task when it has variants.
        #expect(throws: HarnessError.self) { try registry.task(named: "langs") }
    }

    @Test("--task expands comma lists, globs and groups, in order and once each")
    func patterns() throws {
        let registry = try registry()
        #expect(try registry.expand("langs_*") == ["langs_en", "langs_et", "langs_zh"])
        #expect(try registry.expand("langs_zh, langs_e?") == ["langs_zh", "langs_en", "langs_et"])
        #expect(try registry.expand("langs_european,langs_en") == ["langs_en", "langs_et"])
        let unknown = #expect(throws: HarnessError.self) { try registry.expand("langs_fr") }
        #expect(unknown?.description == "--task: unknown task 'langs_fr'; valid tasks are: langs_en, langs_et, langs_zh, langs_european.")
        let glob = #expect(throws: HarnessError.self) { try registry.expand("mmlu_*") }
        #expect(glob?.description.contains("'mmlu_*' matches no task") == true)
        #expect(throws: HarnessError.self) { try registry.expand(" , ") }
    }
}
