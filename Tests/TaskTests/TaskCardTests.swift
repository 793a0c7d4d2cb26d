import Foundation
import Harness
import TestSupport
import Testing

@Suite("Task card: tasks/copa.yaml")
struct TaskCardTests {
    @Test("copa.yaml loads by name with the files, splits, prompts and metrics it states")
    func loadsCOPA() throws {
        let card = try TaskCard.load(name: "copa", directory: COPATestData.tasksDirectory)
        #expect(card.task == "copa")
        #expect(card.source == COPATestData.card)
        #expect(card.outputType == .multipleChoice)
        #expect(card.metrics == [MetricSpec("acc"), MetricSpec("acc_norm")])
        #expect(
            card.official
                == TaskCard.OfficialProtocol(
                    prompt: "sadi", metrics: [MetricSpec("exact_match", options: ["normalise": "sadi"])], fitPrompt: .stripped)
        )
        #expect(try card.prompt(named: "sadi").trailingWhitespace == .context)
        #expect(card.defaultPrompt.trailingWhitespace == .continuation)
        let archive = "5145348834d2081ad90da0397d1db3d70fa044e506bd8ce224194d24b04cdbbe"
        #expect(
            card.files["dev"]
                == DataFile(
                    path: "copa/copa-dev.xml", url: "https://asgordon.github.io/downloads/COPA-resources.tgz",
                    sha256: "6251d7d99de4cbc6a2c3323923213e5e73071d286039b97a0908736e2be093bc",
                    archive: ArchiveMember(member: "COPA-resources/datasets/copa-dev.xml", sha256: archive)))
        #expect(card.files["test"]?.archive?.member == "COPA-resources/datasets/copa-test.xml")
        #expect(card.splits.map(\.name) == ["pairs", "validation", "test", "dev"])
        #expect(card.splits.map(\.role) == [.pairs, .validation, .test, .pairs])
        #expect(card.splits[3].overlaps && card.splits[3].subset == nil)
        #expect(card.splits[0].subset == TaskCard.Subset(seed: 1234, start: 0, count: 400))
        #expect(card.splits[1].subset == TaskCard.Subset(seed: 1234, start: 400, count: 100))
        #expect(card.splits[2].subset == nil)
        #expect(card.dataFile(for: card.splits[2]).path == "copa/copa-test.xml")
        #expect(card.prompts.map(\.name) == ["lm-eval", "sadi"])
        #expect(card.prompts[1].targetDelimiter == " ")
        #expect(card.prompts[1].docToChoice == ["A", "B"])
    }

    @Test("the card's sha256s are those of the mirror's files")
    func checksums() throws {
        let card = try TaskCard.load(name: "copa", directory: COPATestData.tasksDirectory)
        for file in card.files.values {
            #expect(try SHA256.hex(ofFile: TestPaths.datasets + "/" + file.path) == file.sha256, "\(file.path)")
        }
    }

    @Test("the card encodes to JSON and back (for results metadata)")
    func roundTrip() throws {
        let card = try TaskCard.load(name: "copa", directory: COPATestData.tasksDirectory)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = try encoder.encode(card)
        let decoded = try JSONDecoder().decode(TaskCard.self, from: json)
        #expect(try encoder.encode(decoded) == json)
        #expect(decoded.files == card.files && decoded.splits == card.splits && decoded.prompts == card.prompts)
    }

    @Test("a name with no card lists the known tasks")
    func unknownName() throws {
        let error = try #require(throws: TaskCardError.self) {
            try TaskCard.load(name: "copaa", directory: COPATestData.tasksDirectory)
        }
        #expect(error.description.contains("copaa.yaml"))
        #expect(error.description.contains("copa"))
    }

    @Test("`task` must match the file name")
    func nameMismatch() throws {
        let directory = try COPATestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try COPATestData.write(try COPATestData.text(COPATestData.card), named: "other.yaml", in: directory)
        let error = try #require(throws: TaskCardError.self) {
            try TaskCard.load(name: "other", directory: directory.path)
        }
        #expect(error.field == "task")
        #expect(error.line != nil)
        #expect(error.description.contains("other.yaml"))
    }
}

/// The card fields the multiple-choice tasks added: few-shot pools, descriptions, partial
/// evaluation, per-variant files and splits that may overlap.
@Suite("Task card: few-shot, partial evaluation, per-variant files")
struct TaskCardExtensionTests {
    static let sha = String(repeating: "1", count: 64)

    func parse(_ yaml: String) throws -> TaskCard { try TaskCard.parse(yaml: yaml, file: "t.yaml") }

    func card(files: String = "", splits: String = "", extra: String = "", prompt: String = "") -> String {
        """
        task: t
        output_type: multiple_choice
        files:
          data: {path: "t/{{lang}}.jsonl", url: "https://example.org/{{lang}}.jsonl"}
        \(files)
        splits:
          - {name: pairs, role: pairs, file: data, subset: {seed: 1, start: 0, count: 2}}
          - {name: test, role: test, file: data, subset: {seed: 1, start: 2, count: 2}}
        \(splits)
        prompts:
          - {name: p, doc_to_text: "{{text}}", doc_to_choice: ["a", "b"]\(prompt)}
        metrics: [acc]
        \(extra)
        """
    }

    @Test("a variant fills the file's parameters and gives its sha256")
    func variantFiles() throws {
        let card = try parse(card(extra: "variants:\n  - {name: t_en, parameters: {lang: en}, sha256: {data: \(Self.sha)}}"))
        let resolved = try card.resolved(variant: "t_en")
        #expect(resolved.files["data"] == DataFile(path: "t/en.jsonl", url: "https://example.org/en.jsonl", sha256: Self.sha))
    }

    @Test("a variant without the parameter or the sha256, or a templated file without variants, is refused at its field")
    func variantProblems() throws {
        let noSHA = try #require(throws: TaskCardError.self) {
            try parse(card(extra: "variants:\n  - {name: t_en, parameters: {lang: en}}"))
        }
        #expect(noSHA.field == "variants[0].sha256")
        let noParameter = try #require(throws: TaskCardError.self) {
            try parse(card(extra: "variants:\n  - {name: t_en, sha256: {data: \(Self.sha)}}"))
        }
        #expect(noParameter.field == "variants[0].parameters" && noParameter.problem.contains("`lang`"))
        let noVariants = try #require(throws: TaskCardError.self) { try parse(card()) }
        #expect(noVariants.field == "files.data")
    }

    @Test("fewshot names a split of the card; its sampler is random or first_n")
    func fewshot() throws {
        let variants = "variants:\n  - {name: t_en, parameters: {lang: en}, sha256: {data: \(Self.sha)}}\n"
        let card = try parse(card(extra: variants + "fewshot: {split: pairs, sampler: first_n}"))
        #expect(card.fewshot == TaskCard.FewShotEntry(split: "pairs", sampler: .firstN))
        #expect(
            (try #require(throws: TaskCardError.self) { try parse(self.card(extra: variants + "fewshot: {split: train}")) }).field
                == "fewshot.split")
        #expect(
            (try #require(throws: TaskCardError.self) {
                try parse(self.card(extra: variants + "fewshot: {split: pairs, sampler: stratified}"))
            })
            .field == "fewshot.sampler")
    }

    @Test("a few-shot pool or an `overlaps` split may share documents; any other pair of splits of a file may not")
    func overlapping() throws {
        let variants = "variants:\n  - {name: t_en, parameters: {lang: en}, sha256: {data: \(Self.sha)}}\n"
        _ = try parse(card(splits: "  - {name: all, role: fewshot, file: data}", extra: variants))
        _ = try parse(card(splits: "  - {name: all, role: test, file: data, overlaps: true}", extra: variants))
        #expect(throws: TaskCardError.self) { try parse(self.card(splits: "  - {name: all, role: test, file: data}", extra: variants)) }
    }

    @Test("doc_to_target makes each choice its own context; a description is put before it")
    func partialEvaluation() throws {
        let variants = "variants:\n  - {name: t_en, parameters: {lang: en}, sha256: {data: \(Self.sha)}}\n"
        let card = try parse(card(extra: variants, prompt: ", doc_to_target: \"{{rest}}\", description: \"About {{lang}}.\\n\""))
        let rendered = try card.render(card.defaultPrompt, fields: ["text": "The ", "rest": "end.", "lang": "en"])
        #expect(rendered.choiceContexts == ["The a", "The b"] && rendered.continuations == [" end.", " end."])
        #expect(try card.renderDescription(card.defaultPrompt, fields: ["lang": "en"]) == "About en.\n")
    }
}
