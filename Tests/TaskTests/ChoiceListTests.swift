import Foundation
import Harness
import Testing

/// `doc_to_choice: "{{name}}"`: one choice per element of a document's list field (lm-eval's
/// `"{{mc1_targets.choices}}"`), for tasks whose documents have different numbers of choices,
/// and references naming several true choices.
@Suite("List-valued doc_to_choice")
struct ChoiceListTests {
    struct ListTask: BenchmarkTask {
        static let name = "list_task"
        static let fieldNames: Set<String> = ["question", "answers"]
        let card: TaskCard
        init(card: TaskCard) { self.card = card }
        func documents(file key: String, at url: URL) throws -> [Document] { [] }
    }

    static func card(outputType: String = "multiple_choice", choices: String = "\"{{answers}}\"") throws -> TaskCard {
        try TaskCard.parse(
            yaml: """
                task: list_task
                output_type: \(outputType)
                files:
                  data: {path: list/data.json, url: "https://example.org/data.json", sha256: \(String(repeating: "1", count: 64))}
                splits:
                  - {name: test, role: test, file: data}
                prompts:
                  - name: qa
                    doc_to_text: "Q: {{question}}\\nA:"
                    doc_to_choice: \(choices)
                metrics: [acc]
                """, file: "tasks/list_task.yaml")
    }

    static let document = Document(
        id: "7", fields: ["question": "Which?"], lists: ["answers": ["One.", "Two.", "Three."]], reference: .trueChoices(indices: [0, 2]))

    @Test("the card names the list field; the placeholder check knows it")
    func parsing() throws {
        let card = try Self.card()
        #expect(card.defaultPrompt.choiceList == "answers" && card.defaultPrompt.docToChoice.isEmpty)
        #expect(card.defaultPrompt.placeholders == ["question", "answers"])
        try card.checkPlaceholders(available: ListTask.fieldNames)
        let error = try #require(throws: TaskCardError.self) { try card.checkPlaceholders(available: ["question"]) }
        #expect(error.description.contains("uses `{{answers}}`, which task list_task does not provide"), "\(error)")
        // Encoded and read back, the prompt is the same.
        let data = try JSONEncoder().encode(card.defaultPrompt)
        #expect(try JSONDecoder().decode(TaskCard.Prompt.self, from: data) == card.defaultPrompt)
    }

    @Test("a generate_until prompt may not give choices as a list field either")
    func generation() throws {
        let error = try #require(throws: TaskCardError.self) { try Self.card(outputType: "generate_until") }
        #expect(error.field == "prompts[0].doc_to_choice" && error.description.contains("is given for a generate_until task"), "\(error)")
    }

    @Test("instances: one choice per element after the delimiter; several true choices kept; the first shown as a solved example")
    func instances() throws {
        let task = ListTask(card: try Self.card())
        let instance = try task.instance(Self.document, prompt: task.card.defaultPrompt)
        #expect(instance.request.choices.map(\.continuation) == [" One.", " Two.", " Three."])
        #expect(instance.request.choices.allSatisfy { $0.context == "Q: Which?\nA:" })
        #expect(instance.reference == .trueChoices(indices: [0, 2]))
        #expect(try task.fewShotExample(Self.document, prompt: task.card.defaultPrompt) == "Q: Which?\nA: One.")
        // By default the pairs come from the scored instance.
        #expect(try task.pairInstance(Self.document, prompt: task.card.defaultPrompt) == instance)

        let outside = Document(
            id: "8", fields: ["question": "Which?"], lists: ["answers": ["One.", "Two."]], reference: .trueChoices(indices: [2]))
        let error = try #require(throws: HarnessError.self) { try task.instance(outside, prompt: task.card.defaultPrompt) }
        #expect(error.description.contains("document 8") && error.description.contains("is not one of its 2 choices"), "\(error)")
        let missing = Document(id: "9", fields: ["question": "Which?"], reference: .choice(index: 0))
        let lacking = try #require(throws: TaskCardError.self) { try task.instance(missing, prompt: task.card.defaultPrompt) }
        #expect(lacking.description.contains("uses `{{answers}}`, which this document lacks"), "\(lacking)")
    }

    @Test("Reference.trueChoices survives the journal's JSON")
    func journal() throws {
        let reference = Reference.trueChoices(indices: [0, 1, 4])
        let data = try JSONEncoder().encode(reference)
        #expect(String(decoding: data, as: UTF8.self).contains("\"true_choices\""))
        #expect(try JSONDecoder().decode(Reference.self, from: data) == reference)
        #expect(reference.trueChoiceIndices == [0, 1, 4] && reference.choiceIndex == nil && reference.acceptedAnswers.isEmpty)
        #expect(Reference.choice(index: 3).trueChoiceIndices == [3])
    }
}
