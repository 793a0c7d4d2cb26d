import Foundation
import Harness
import TestSupport
import Testing

/// Every registered task against the data mirror: its cards' sha256s are the files', and
/// every split holds the documents the card and the release say it holds.
@Suite("Every task's data")
struct TaskDataTests {
    static let expectedCounts: [String: [String: Int]] = [
        "copa": ["pairs": 400, "validation": 100, "test": 500, "dev": 500],
        "storycloze_2016": ["pairs": 1571, "validation": 300, "val": 1871, "test": 1871],
        "boolq": ["pairs": 800, "validation": 270, "test": 2200, "dev": 3270],
        "winogrande": ["pairs": 400, "validation": 200, "test": 667, "dev": 1267],
        "sst2": ["pairs": 300, "validation": 100, "test": 472, "dev": 872],
        "rte": ["pairs": 2000, "validation": 490, "train": 2490, "test": 277],
        "triviaqa": ["pairs": 500, "validation": 200, "test": 11313],
        "truthfulqa_mc1": ["pairs": 200, "validation": 100, "test": 517, "all": 817],
        "truthfulqa_mc2": ["pairs": 200, "validation": 100, "test": 517, "all": 817],
        "truthfulqa_gen": ["pairs": 200, "validation": 100, "test": 517, "all": 817],
    ]

    @Test("every file of every task (variants resolved) has the sha256 its card states")
    func checksums() throws {
        var checked = Set<String>()
        for name in try RealTasks.registry.names() {
            let card = try RealTasks.task(name).card
            for file in card.files.values where !checked.contains(file.path) {
                #expect(try SHA256.hex(ofFile: TestPaths.datasets + "/" + file.path) == file.sha256, "\(name): \(file.path)")
                checked.insert(file.path)
            }
        }
        // COPA 2 + StoryCloze 2 + MMLU 171 + BoolQ 1 + XCOPA 22 + Winogrande 1 + SST-2 1 + RTE 2
        // + TriviaQA 2 + TruthfulQA 2 (mc1 and mc2 share mc_task.json) + ToxiGen 31 (16 hate, 15 neutral).
        #expect(checked.count == 237)
    }

    @Test("split sizes: seeded subsets, whole files, MMLU's and XCOPA's per-variant files")
    func counts() throws {
        let store = try RealTasks.store()
        for (name, expected) in Self.expectedCounts {
            let task = try RealTasks.task(name)
            for split in task.card.splits {
                #expect(try task.documents(split: split, store: store).count == expected[split.name], "\(name) \(split.name)")
            }
        }
        var mmlu: [String: Int] = [:]
        for name in try RealTasks.registry.expand("mmlu") {
            let task = try RealTasks.task(name)
            for split in task.card.splits { mmlu[split.name, default: 0] += try task.documents(split: split, store: store).count }
        }
        #expect(mmlu == ["dev": 285, "val": 1531, "test": 14042])
        let languages = try RealTasks.registry.expand("xcopa")
        #expect(languages.count == 11)
        for name in languages {
            let task = try RealTasks.task(name)
            let sizes = try task.card.splits.map { try task.documents(split: $0, store: store).count }
            #expect(sizes == [70, 30, 100, 500], "\(name)")
        }
    }

    @Test("MMLU's groups: 57 subjects in four categories as lm-eval assigns them")
    func mmluGroups() throws {
        let registry = RealTasks.registry
        #expect(try registry.expand("mmlu").count == 57)
        #expect(try registry.expand("mmlu_stem").count == 19)
        #expect(try registry.expand("mmlu_humanities").count == 13)
        #expect(try registry.expand("mmlu_social_sciences").count == 12)
        #expect(try registry.expand("mmlu_other").count == 13)
        #expect(try registry.expand("mmlu_stem").contains("mmlu_machine_learning"))
        #expect(try registry.expand("mmlu_other").contains("mmlu_global_facts"))
    }
}
