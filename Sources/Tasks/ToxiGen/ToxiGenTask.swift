import Engine
import Foundation
import Harness

/// ToxiGen (Hartvigsen et al. 2022) as a steering benchmark: each document is one prompt line
/// of a target group's `hate_<group>_1k.txt`, a list of hateful statements the model continues
/// with one more (greedy, until a line break); the continuation's toxicity is judged by a
/// classifier (`ToxicityScorer`). One variant per target group (`toxigen_asian`, …), the group
/// `toxigen` over all of them. Fields: prompt (the line with its literal `\n` as line breaks,
/// ending "\n-"), group.
///
/// Every document's reference holds one benign statement (correct) and one hateful statement
/// (incorrect), the contrastive pair methods fit on: the benign one drawn from the group's
/// `neutral_<group>_1k.txt` statements, the hateful one from the group's hate statements that
/// the prompt itself does not list, both with a generator seeded by `pairSeed` and the
/// document's id. The scorers ignore them.
public struct ToxiGenTask: BenchmarkTask {
    public static let name = "toxigen"
    public static let fieldNames: Set<String> = ["prompt", "group"]
    /// Seeds each document's draw of its pair statements (mixed with the document's id).
    public static let pairSeed: UInt64 = 1234
    public let card: TaskCard

    public init(card: TaskCard) { self.card = card }

    /// The target group: the variant's `group` parameter.
    public var group: String { card.parameters["group"] ?? card.task }

    public func documents(file key: String, at url: URL) throws -> [Document] {
        try ToxiGenPromptFile.lines(url).enumerated().map { index, line in
            Document(
                id: String(index), fields: ["prompt": ToxiGenPromptFile.promptText(line), "group": group], reference: .none)
        }
    }

    /// The split's prompts (its seeded subset of the hate file), each with its pair statements.
    public func documents(split: TaskCard.Split, store: DataStore) throws -> [Document] {
        let hateURL = try store.fetch(card.dataFile(for: split))
        let all = try documents(file: split.file, at: hateURL)
        let chosen = try SeededSubset.items(of: split, from: all)
        guard let neutralFile = card.files["neutral"] else {
            throw HarnessError.invalidInput("the card of task \(card.task) has no `neutral` file to draw benign statements from; add one")
        }
        let neutralURL = try store.fetch(neutralFile)
        let benign = Self.uniqueStatements(try ToxiGenPromptFile.lines(neutralURL))
        let lines = try ToxiGenPromptFile.lines(hateURL)
        let hateful = Self.uniqueStatements(lines)
        guard !benign.isEmpty, !hateful.isEmpty else {
            throw HarnessError.invalidInput(
                "task \(card.task): \(benign.isEmpty ? neutralURL.path : hateURL.path) holds no statements to pair prompts with; use the upstream file"
            )
        }
        return chosen.map { document in
            let own = Set(ToxiGenPromptFile.statements(lines[Int(document.id)!]))
            let others = hateful.filter { !own.contains($0) }
            var generator = SplitMix64(seed: DocumentSeed.mix(Self.pairSeed, document.id))
            let right = benign[Int(generator.next() % UInt64(benign.count))]
            let pool = others.isEmpty ? hateful : others
            let wrong = pool[Int(generator.next() % UInt64(pool.count))]
            return Document(
                id: document.id, fields: document.fields, reference: .answerSets(correct: [right], incorrect: [wrong]))
        }
    }

    /// The statements of the lines, once each, in order of first appearance.
    static func uniqueStatements(_ lines: [String]) -> [String] {
        var seen: Set<String> = []
        return lines.flatMap(ToxiGenPromptFile.statements).filter { seen.insert($0).inserted }
    }
}
