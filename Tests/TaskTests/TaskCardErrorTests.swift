import Foundation
import Harness
import Testing

/// Each bad card gives one error naming the file, the field (and its line) and a fix.
@Suite("Task card errors")
struct TaskCardErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let target: String
        let replacement: String
        let field: String
        let says: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "unknown top-level key", target: "output_type: multiple_choice\n",
            replacement: "output_type: multiple_choice\ndataset_path: super_glue\n",
            field: "dataset_path", says: "is not a known key"),
        Case(
            name: "misspelt key gets a suggestion", target: "metrics: [acc, acc_norm]", replacement: "metric: [acc, acc_norm]",
            field: "metric", says: "did you mean `metrics`"),
        Case(
            name: "unknown key in a split", target: "    file: test\n", replacement: "    file: test\n    shuffle: true\n",
            field: "splits[2].shuffle", says: "is not a known key"),
        Case(
            name: "unknown key in an archive", target: "      member: COPA-resources/datasets/copa-test.xml\n",
            replacement: "      member: COPA-resources/datasets/copa-test.xml\n      format: tgz\n",
            field: "files.test.archive.format", says: "is not a known key"),
        Case(
            name: "missing field", target: "output_type: multiple_choice\n", replacement: "",
            field: "output_type", says: "is missing"),
        Case(
            name: "missing nested field", target: "    path: copa/copa-test.xml\n", replacement: "",
            field: "files.test.path", says: "is missing"),
        Case(
            name: "sha256 in upper case", target: "sha256: 640824681bde78a7592726504d7d9bab294e5de26072d973307fa80d34919d92",
            replacement: "sha256: 640824681BDE78A7592726504D7D9BAB294E5DE26072D973307FA80D34919D92",
            field: "files.test.sha256", says: "not a sha256 (64 lower-case hex digits)"),
        Case(
            name: "sha256 too short", target: "    sha256: 6251d7d99de4cbc6a2c3323923213e5e73071d286039b97a0908736e2be093bc",
            replacement: "    sha256: 6251d7d99de4", field: "files.dev.sha256", says: "not a sha256"),
        Case(
            name: "archive sha256", target: "    archive:\n      member: COPA-resources/datasets/copa-dev.xml\n      sha256: 5145",
            replacement: "    archive:\n      member: COPA-resources/datasets/copa-dev.xml\n      sha256: x5145",
            field: "files.dev.archive.sha256", says: "not a sha256"),
        Case(
            name: "unknown role", target: "    role: validation\n", replacement: "    role: train\n",
            field: "splits[1].role", says: "is `train`, not a known role"),
        Case(
            name: "unknown metric", target: "metrics: [acc, acc_norm]", replacement: "metrics: [acc, f1]",
            field: "metrics[1]",
            says: "names metric `f1`, which no scorer provides; use one of acc, acc_bytes, acc_norm, exact_match, "
                + "exact_match_triviaqa, mc2"),
        Case(
            name: "metric option unknown", target: "metrics: [acc, acc_norm]",
            replacement: "metrics: [acc, {name: exact_match, case: lower}]",
            field: "metrics[1]", says: "gives metric `exact_match` the option `case`, which it does not take; its options are normalise"),
        Case(
            name: "metric option value", target: "metrics: [acc, acc_norm]",
            replacement: "metrics: [acc, {name: exact_match, normalise: loose}]",
            field: "metrics[1]", says: "sets `normalise` of metric `exact_match` to `loose`; use one of none, sadi, lm-eval, triviaqa"),
        Case(
            name: "official prompt unknown", target: "  prompt: sadi\n", replacement: "  prompt: sady\n",
            field: "official.prompt", says: "is `sady`, which `prompts` does not name; use one of lm-eval, sadi"),
        Case(
            name: "generation on a multiple-choice card", target: "metrics: [acc, acc_norm]\n",
            replacement: "metrics: [acc, acc_norm]\ngeneration: {until: [\"\\n\"], max_tokens: 4}\n",
            field: "generation", says: "is given for a multiple_choice task, which generates nothing"),
        Case(
            name: "unknown trailing whitespace", target: "    trailing_whitespace: context\n",
            replacement: "    trailing_whitespace: prompt\n",
            field: "prompts[1].trailing_whitespace", says: "is `prompt`, not a known trailing_whitespace value"),
        Case(
            name: "variant replacing an unknown file", target: "metrics: [acc, acc_norm]\n",
            replacement:
                "metrics: [acc, acc_norm]\nvariants:\n  - name: copa_x\n    files: {train: {path: a/b, url: \"https://x.org/a\", sha256: 6251d7d99de4cbc6a2c3323923213e5e73071d286039b97a0908736e2be093bc}}\n",
            field: "variants[0].files.train", says: "replaces a file the card does not list"),
        Case(
            name: "repeated metric", target: "metrics: [acc, acc_norm]", replacement: "metrics: [acc, acc]",
            field: "metrics[1]", says: "repeats metric `acc`"),
        Case(
            name: "unknown output type", target: "output_type: multiple_choice", replacement: "output_type: generate",
            field: "output_type", says: "not a known output type"),
        Case(
            name: "duplicate split", target: "  - name: validation\n", replacement: "  - name: pairs\n",
            field: "splits[1].name", says: "repeats split `pairs`"),
        Case(
            name: "duplicate YAML key", target: "task: copa\n", replacement: "task: copa\ntask: copa\n",
            field: "task", says: "duplicate key"),
        Case(
            name: "split of an unknown file", target: "    file: test\n", replacement: "    file: tset\n",
            field: "splits[2].file", says: "`tset`, which `files` does not name"),
        Case(
            name: "overlapping subsets", target: "{seed: 1234, start: 400, count: 100}",
            replacement: "{seed: 1234, start: 350, count: 100}", field: "splits[1].subset", says: "overlapping split `pairs`"),
        Case(
            name: "subsets with different seeds", target: "{seed: 1234, start: 400, count: 100}",
            replacement: "{seed: 99, start: 400, count: 100}", field: "splits[1].subset.seed", says: "may overlap"),
        Case(
            name: "test read from the pairs' file", target: "    file: test\n", replacement: "    file: dev\n",
            field: "splits[2]", says: "so they overlap"),
        Case(
            name: "empty subset", target: "{seed: 1234, start: 400, count: 100}",
            replacement: "{seed: 1234, start: 400, count: 0}", field: "splits[1].subset", says: "count >= 1"),
        Case(
            name: "subset past Int.max", target: "{seed: 1234, start: 400, count: 100}",
            replacement: "{seed: 1234, start: 400, count: 9223372036854775807}", field: "splits[1].subset", says: "count >= 1"),
        Case(
            name: "negative seed", target: "{seed: 1234, start: 400, count: 100}",
            replacement: "{seed: -1, start: 400, count: 100}", field: "splits[1].subset.seed", says: "is not a whole number"),
        Case(
            name: "unclosed placeholder", target: "\"{{premise_stem}} {{connector}}\"",
            replacement: "\"{{premise_stem} {{connector}}\"", field: "prompts[0].doc_to_text", says: "is not a field name"),
        Case(
            name: "one choice", target: "doc_to_choice: [\"A\", \"B\"]", replacement: "doc_to_choice: [\"A\"]",
            field: "prompts[1].doc_to_choice", says: "needs a list of at least two choices"),
        Case(
            name: "choices not a list", target: "doc_to_choice: [\"A\", \"B\"]", replacement: "doc_to_choice: A",
            field: "prompts[1].doc_to_choice", says: "is the text `A`, neither a list of choice templates nor one `{{list_field}}`"),
        Case(
            name: "list field with text around it", target: "doc_to_choice: [\"A\", \"B\"]",
            replacement: "doc_to_choice: \"{{choices}} B\"", field: "prompts[1].doc_to_choice",
            says: "neither a list of choice templates nor one `{{list_field}}`"),
        Case(
            name: "path escaping the mirror", target: "path: copa/copa-dev.xml", replacement: "path: ../copa-dev.xml",
            field: "files.dev.path", says: "not a plain relative path"),
        Case(
            name: "url not http", target: "    url: https://asgordon.github.io/downloads/COPA-resources.tgz\n    sha256: 6408",
            replacement: "    url: ftp://example.org/COPA-resources.tgz\n    sha256: 6408", field: "files.test.url",
            says: "not an http(s) URL"),
    ]

    @Test("each bad card names its field", arguments: cases)
    func badCard(_ bad: Case) throws {
        let original = try COPATestData.text(COPATestData.card)
        let yaml = try original.replacingOnce(bad.target, with: bad.replacement)
        let error = try #require(throws: TaskCardError.self) { try TaskCard.parse(yaml: yaml, file: "tasks/copa.yaml") }
        #expect(error.field == bad.field, "\(error)")
        #expect(error.description.contains(bad.says), "\(error)")
        #expect(error.description.hasPrefix("task card tasks/copa.yaml:"), "\(error)")
        #expect(error.line != nil, "\(error)")
        #expect(error.description.contains("; "), "no fix in: \(error)")
    }

    @Test("the line points at the field at fault")
    func lineNumbers() throws {
        let original = try COPATestData.text(COPATestData.card)
        let yaml = try original.replacingOnce("    role: validation\n", with: "    role: train\n")
        let error = try #require(throws: TaskCardError.self) { try TaskCard.parse(yaml: yaml, file: "copa.yaml") }
        #expect(error.line == yaml.lineNumber(of: "role: train"))
        #expect(
            error.description
                == "task card copa.yaml:\(error.line!): field `splits[1].role` is `train`, not a known role; use one of pairs, validation, test, fewshot."
        )
    }

    @Test("YAML syntax errors give the line")
    func syntax() throws {
        let original = try COPATestData.text(COPATestData.card)
        let yaml = try original.replacingOnce("metrics: [acc, acc_norm]", with: "metrics: [acc, acc_norm")
        let error = try #require(throws: TaskCardError.self) { try TaskCard.parse(yaml: yaml, file: "copa.yaml") }
        #expect(error.line != nil)
        #expect(error.description.contains("is not valid YAML"))
    }

    @Test("an empty card, and one that is not a mapping")
    func emptyAndScalar() throws {
        let empty = try #require(throws: TaskCardError.self) { try TaskCard.parse(yaml: "# nothing\n", file: "x.yaml") }
        #expect(empty.description.contains("is empty"))
        let scalar = try #require(throws: TaskCardError.self) { try TaskCard.parse(yaml: "copa\n", file: "x.yaml") }
        #expect(scalar.description.hasPrefix("task card x.yaml"))
    }

    @Test("rendering: delimiter before each choice, unknown placeholders caught up front")
    func rendering() throws {
        let card = try TaskCard.load(path: COPATestData.card)
        let prompt = TaskCard.Prompt(name: "p", docToText: "{{ a }}-{{b}}", docToChoice: ["{{b}}", "x"], targetDelimiter: "|")
        let rendered = try card.render(prompt, fields: ["a": "1", "b": "2"])
        #expect(rendered == TaskCard.RenderedPrompt(context: "1-2", continuations: ["|2", "|x"], choiceTexts: ["2", "x"]))
        #expect(prompt.placeholders == ["a", "b"])
        #expect(throws: TaskCardError.self) { try card.render(prompt, fields: ["a": "1"]) }
        let error = try #require(throws: TaskCardError.self) { try card.checkPlaceholders(available: ["premise"]) }
        #expect(error.field == "prompts[0]")
        #expect(error.description.contains("{{premise_stem}}"))
    }
}
