import Foundation
import Harness
import TestSupport
import Testing

/// mc1, mc2 and gen read different files (mc_task.json, TruthfulQA.csv) listing the 817
/// questions in different orders; their shared order makes every split hold the same
/// questions under the same ids, so the three tasks' numbers line up.
@Suite("TruthfulQA splits line up across mc1, mc2 and gen")
struct TruthfulQASplitTests {
    static let tasks = ["truthfulqa_mc1", "truthfulqa_mc2", "truthfulqa_gen"]

    /// Each split's documents as (id, stripped question) per task.
    func questions(_ name: String) throws -> [String: [[String]]] {
        let task = try RealTasks.task(name)
        let store = try RealTasks.store()
        var result: [String: [[String]]] = [:]
        for split in task.card.splits {
            result[split.name] = try task.documents(split: split, store: store).map {
                [$0.id, PythonText.stripped($0.fields["question"]!)]
            }
        }
        return result
    }

    @Test("pairs 200, validation 100, test 517: disjoint, together all 817; the same ids and questions in all three tasks")
    func sameSplits() throws {
        let mc1 = try questions("truthfulqa_mc1")
        #expect(mc1.mapValues(\.count) == ["pairs": 200, "validation": 100, "test": 517, "all": 817])
        let parts = ["pairs", "validation", "test"].map { Set(mc1[$0]!.map { $0[0] }) }
        #expect(parts[0].isDisjoint(with: parts[1]) && parts[0].isDisjoint(with: parts[2]) && parts[1].isDisjoint(with: parts[2]))
        #expect(parts[0].union(parts[1]).union(parts[2]) == Set(mc1["all"]!.map { $0[0] }))
        #expect(Set(mc1["all"]!.map { $0[1] }).count == 817, "817 different questions")
        #expect(try questions("truthfulqa_mc2") == mc1)
        #expect(try questions("truthfulqa_gen") == mc1)
    }

    @Test("mc1's first two targets are the CSV's best and first incorrect answer, formatted, for every question: one fitting pair")
    func sameFittingAnswers() throws {
        let store = try RealTasks.store()
        let mc1 = try RealTasks.task("truthfulqa_mc1"), gen = try RealTasks.task("truthfulqa_gen")
        let targets = try mc1.documents(split: try mc1.split(named: "all"), store: store)
        let answers = try gen.documents(split: try gen.split(named: "all"), store: store)
        #expect(targets.count == 817 && answers.count == 817)
        for (t, a) in zip(targets, answers) {
            guard case let .answerSets(_, incorrect) = a.reference else {
                Issue.record("gen document \(a.id) has no answer sets")
                continue
            }
            #expect(t.lists["mc1_targets"]![0] == a.fields["best_answer"], "document \(t.id)")
            #expect(t.lists["mc1_targets"]![1] == incorrect[0], "document \(t.id)")
        }
        #expect(answers.allSatisfy { $0.fields["best_answer"]!.hasSuffix(".") })
    }

    @Test("`all` shares documents with every split (baseline only); pairs, validation and test share none")
    func overlaps() throws {
        for name in Self.tasks {
            let task = try RealTasks.task(name)
            let split = { (n: String) in try task.split(named: n) }
            #expect(task.sharesDocuments(try split("all"), try split("pairs")), "\(name)")
            #expect(task.sharesDocuments(try split("all"), try split("test")), "\(name)")
            #expect(!task.sharesDocuments(try split("pairs"), try split("validation")), "\(name)")
            #expect(!task.sharesDocuments(try split("pairs"), try split("test")), "\(name)")
            #expect(!task.sharesDocuments(try split("validation"), try split("test")), "\(name)")
        }
    }
}
