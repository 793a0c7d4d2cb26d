import Foundation
import Harness
import TaskCOPA
import Testing

@Suite("COPA prompts")
struct COPAPromptTests {
    @Test("lm-eval format, dev item 1 and test item 501, by hand")
    func lmEvalByHand() {
        #expect(
            COPAReferencePrompt.lmEval(COPATestData.devItem1)
                == COPAReferencePrompt(
                    context: "My body cast a shadow over the grass because",
                    continuations: [" the sun was rising.", " the grass was cut."], label: 0))
        #expect(
            COPAReferencePrompt.lmEval(COPATestData.testItem501)
                == COPAReferencePrompt(
                    context: "The item was packaged in bubble wrap because",
                    continuations: [" it was fragile.", " it was small."], label: 0))
    }

    @Test("lm-eval format, an effect item (dev 9): therefore")
    func lmEvalEffect() {
        #expect(
            COPAReferencePrompt.lmEval(COPATestData.devItem9)
                == COPAReferencePrompt(
                    context: "The physician misdiagnosed the patient therefore",
                    continuations: [
                        " the patient filed a malpractice lawsuit against the physician.",
                        " the patient disclosed confidential information to the physician.",
                    ],
                    label: 0))
    }

    @Test("SADI format, dev item 1 and test item 501, by hand")
    func sadiByHand() {
        #expect(
            COPAReferencePrompt.sadi(COPATestData.devItem1)
                == COPAReferencePrompt(
                    context:
                        "Question:\nMy body cast a shadow over the grass. Based on the previous passage, choose the most reasonable cause.\nA:The sun was rising.\nB:The grass was cut.\n\nAnswer:\n",
                    continuations: [" A", " B"], label: 0))
        #expect(
            COPAReferencePrompt.sadi(COPATestData.testItem501).context
                == "Question:\nThe item was packaged in bubble wrap. Based on the previous passage, choose the most reasonable cause.\nA:It was fragile.\nB:It was small.\n\nAnswer:\n"
        )
        #expect(COPAReferencePrompt.sadi(COPATestData.devItem9).context.contains("choose the most reasonable effect.\n"))
    }

    @Test("lm-eval's transforms: only the first letter, whatever the last character")
    func transforms() {
        #expect(COPAPrompt.lowercasingFirst("I ate NASA's cake.") == "i ate NASA's cake.")
        #expect(COPAPrompt.lowercasingFirst("") == "")
        #expect(COPAPrompt.premiseStem("  It rained! ") == "It rained")
        #expect(COPAPrompt.connector(.cause) == "because")
        #expect(COPAPrompt.connector(.effect) == "therefore")
    }

    @Test("tasks/copa.yaml's templates give the reference formats' text; its placeholders are COPA fields")
    func cardTemplates() throws {
        let card = try TaskCard.load(name: "copa", directory: COPATestData.tasksDirectory)
        try card.checkPlaceholders(available: COPAPrompt.fieldNames)
        #expect(Set(COPAPrompt.fields(of: COPATestData.devItem1).keys) == COPAPrompt.fieldNames)
        #expect(card.defaultPrompt == (try card.prompt(named: "lm-eval")))
        for item in [COPATestData.devItem1, COPATestData.devItem9, COPATestData.testItem501] {
            #expect(try COPATemplateCheck.mismatch(card: card, item: item) == nil)
        }
    }
}

/// The two COPA prompt formats written out as their sources state them, independently of
/// the card's templates: lm-evaluation-harness `super_glue/copa` (utils.py: the premise,
/// stripped, without its last character, + " because"/" therefore"; continuation " " + the
/// choice with its first character lower-cased) and SADI's released code (its test inputs
/// are f'{q} {a}', so the label follows the final newline after a space).
struct COPAReferencePrompt: Equatable {
    let context: String
    let continuations: [String]
    let label: Int

    static func lmEval(_ item: COPAItem) -> COPAReferencePrompt {
        func lower(_ text: String) -> String { text.isEmpty ? text : text.prefix(1).lowercased() + text.dropFirst() }
        let premise = item.premise.trimmingCharacters(in: .whitespacesAndNewlines)
        let connector = item.asksFor == .cause ? "because" : "therefore"
        return COPAReferencePrompt(
            context: String(premise.dropLast()) + " " + connector,
            continuations: [" " + lower(item.choice1), " " + lower(item.choice2)], label: item.label)
    }

    static func sadi(_ item: COPAItem) -> COPAReferencePrompt {
        let context =
            "Question:\n\(item.premise) Based on the previous passage, choose the most reasonable "
            + "\(item.asksFor.rawValue).\nA:\(item.choice1)\nB:\(item.choice2)\n\nAnswer:\n"
        return COPAReferencePrompt(context: context, continuations: [" A", " B"], label: item.label)
    }
}

/// Renders both card prompts for an item and compares them with the reference formats.
enum COPATemplateCheck {
    static func mismatch(card: TaskCard, item: COPAItem) throws -> String? {
        let fields = COPAPrompt.fields(of: item)
        let pairs = [("lm-eval", COPAReferencePrompt.lmEval(item)), ("sadi", COPAReferencePrompt.sadi(item))]
        for (name, expected) in pairs {
            let rendered = try card.render(try card.prompt(named: name), fields: fields)
            if rendered.context != expected.context || rendered.continuations != expected.continuations {
                return "item \(item.id), prompt \(name): \(rendered) != \(expected)"
            }
        }
        return nil
    }
}
