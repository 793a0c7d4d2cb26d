import Foundation
import Harness
import TaskToxiGen
import TestSupport
import Testing

/// The ToxiGen card and plugin on the real prompt files: one variant per target group, the
/// seeded splits (50 test prompts per group, pairs and validation from other lines), prompts
/// the model continues with one more statement, and contrastive pairs of a benign against a
/// hateful statement of the group.
@Suite("ToxiGen task")
struct ToxiGenTaskTests {
    static let groups = [
        "asian", "bisexual", "black", "chinese", "immigrant", "jewish", "latino", "lgbtq", "mental_disability", "mexican",
        "middle_east", "muslim", "native_american", "physical_disability", "trans", "women",
    ]

    @Test("16 group variants, the toxigen group over them, each split's size and role")
    func card() throws {
        #expect(try RealTasks.registry.expand("toxigen") == Self.groups.map { "toxigen_" + $0 })
        let task = try RealTasks.task("toxigen_women")
        #expect(task.card.splits.map(\.name) == ["test", "pairs", "validation"])
        #expect(task.card.splits.map(\.role) == [.test, .pairs, .validation])
        #expect(task.card.splits.map { $0.subset?.count } == [50, 100, 10])
        #expect(task.card.generation?.until == ["\n"] && task.card.generation?.maxTokens == 48)
        #expect(task.card.metrics.map(\.name) == ["toxicity_mean", "toxicity_rate"])
        #expect(task.card.metrics.allSatisfy { $0.higherIsBetter == false })
        // Upstream has no neutral_trans: the trans variant's benign statements are lgbtq's.
        #expect(try RealTasks.task("toxigen_trans").card.files["neutral"]?.path == "toxigen/prompts/neutral_lgbtq_1k.txt")
        #expect(try RealTasks.task("toxigen_asian").card.files["neutral"]?.path == "toxigen/prompts/neutral_asian_1k.txt")
    }

    @Test("the seeded splits: the same prompt lines every time, disjoint, 50 per group for test")
    func splits() throws {
        let task = try RealTasks.task("toxigen_asian")
        let store = try RealTasks.store()
        var ids: [String: [Int]] = [:]
        for split in task.card.splits {
            ids[split.name] = try task.documents(split: split, store: store).map { Int($0.id)! }
        }
        // Pinned: SplitMix64(1234) + Fisher-Yates over the 1,000 lines, positions 0-49 / 50-149 / 150-159.
        #expect(ids["test"]!.count == 50 && Array(ids["test"]!.prefix(6)) == [94, 103, 145, 146, 150, 154])
        #expect(ids["pairs"]!.count == 100 && Array(ids["pairs"]!.prefix(4)) == [6, 7, 8, 18])
        #expect(ids["validation"]!.count == 10 && Array(ids["validation"]!.prefix(4)) == [0, 244, 312, 393])
        #expect(Set(ids["test"]!).isDisjoint(with: ids["pairs"]!) && Set(ids["test"]!).isDisjoint(with: ids["validation"]!))
        #expect(Set(ids["pairs"]!).isDisjoint(with: ids["validation"]!))
        // Every group gives 50 test prompts.
        for group in ["trans", "women", "lgbtq"] {
            let variant = try RealTasks.task("toxigen_" + group)
            #expect(try variant.documents(split: variant.split(role: .test), store: store).count == 50)
        }
    }

    @Test("a prompt is the line with its literal \\n as line breaks, ending in \"\\n-\" for one more statement")
    func prompt() throws {
        let instances = try RealTasks.instances("toxigen_asian", count: 3)
        let line = try String(contentsOfFile: TestPaths.datasets + "/toxigen/prompts/hate_asian_1k.txt", encoding: .utf8)
            .components(separatedBy: "\n")[94]
        guard case let .generateUntil(context, generation) = instances[0].request else {
            Issue.record("not a generation")
            return
        }
        #expect(instances[0].docID == "94")
        #expect(context == line.replacingOccurrences(of: "\\n", with: "\n"))
        #expect(context.hasPrefix("- ") && context.hasSuffix("\n-") && !context.contains("\\n"))
        #expect(context.components(separatedBy: "\n").count == ToxiGenPromptFile.statements(line).count + 1)
        #expect(generation.until == ["\n"] && generation.maxTokens == 48 && generation.sampling == nil)
    }

    @Test("statements: split at the literal \\n, the leading \"- \" removed, the empty last item dropped")
    func statements() {
        #expect(ToxiGenPromptFile.statements("- a b\\n-  c \\n-") == ["a b", "c"])
        #expect(ToxiGenPromptFile.statements("-\\n- x") == ["x"])
        #expect(ToxiGenPromptFile.promptText("- a\\n- b\\n-") == "- a\n- b\n-")
    }

    @Test("pairs: the prompt, then a benign statement of the group against a hateful one the prompt does not list")
    func pairs() throws {
        let store = try RealTasks.store()
        for group in ["asian", "trans"] {
            let task = try RealTasks.task("toxigen_" + group)
            let neutralFile = group == "trans" ? "lgbtq" : group
            func statements(_ name: String) throws -> Set<String> {
                let text = try String(contentsOfFile: TestPaths.datasets + "/toxigen/prompts/\(name)_1k.txt", encoding: .utf8)
                return Set(text.split(separator: "\n").flatMap { ToxiGenPromptFile.statements(String($0)) })
            }
            let benign = try statements("neutral_" + neutralFile), hateful = try statements("hate_" + group)
            let documents = try task.documents(split: task.split(role: .pairs), store: store)
            #expect(documents.count == 100)
            var drawn: Set<String> = []
            for document in documents {
                guard case let .answerSets(correct, incorrect) = document.reference, correct.count == 1, incorrect.count == 1 else {
                    Issue.record("document \(document.id) has no pair statements")
                    continue
                }
                #expect(benign.contains(correct[0]), "\(correct[0])")
                #expect(hateful.contains(incorrect[0]) && !benign.contains(incorrect[0]), "\(incorrect[0])")
                let own = ToxiGenPromptFile.statements(document.fields["prompt"]!.replacingOccurrences(of: "\n", with: "\\n"))
                #expect(!own.contains(incorrect[0]), "document \(document.id) pairs with a statement its prompt lists")
                drawn.insert(correct[0])
            }
            // Drawn per document, not one statement for all.
            #expect(drawn.count > 3)
            // The same draw on a second read.
            #expect(try task.documents(split: task.split(role: .pairs), store: store) == documents)
        }
    }
}
