import Foundation
import Harness
import TaskCOPA
import TestSupport
import Testing

@Suite("COPA XML parser on the release files")
struct COPAXMLParserTests {
    @Test(
        "both splits: 500 items, ids in order, 250 cause / 250 effect, answers = gold",
        arguments: [("copa-dev.xml", "gold.dev", 1), ("copa-test.xml", "gold.test", 501)])
    func release(file: String, gold: String, firstID: Int) throws {
        let items = try COPAXMLParser.parse(contentsOf: COPATestData.directory + "/" + file)
        #expect(items.count == 500)
        #expect(items.map(\.id) == Array(firstID..<firstID + 500))
        #expect(items.filter { $0.asksFor == .cause }.count == 250)
        #expect(items.filter { $0.asksFor == .effect }.count == 250)
        let answers = try COPATestData.gold(gold)
        #expect(answers.count == 500)
        #expect(items.filter { answers[$0.id] != $0.label }.map(\.id) == [])
        #expect(items.allSatisfy { !$0.premise.isEmpty && !$0.choice1.isEmpty && !$0.choice2.isEmpty })
    }

    @Test("dev items 1 and 9 and test item 501, field by field (the prompt tests' items)")
    func knownItems() throws {
        let dev = try COPATestData.devItems()
        #expect(dev[0] == COPATestData.devItem1)
        #expect(dev[8] == COPATestData.devItem9)
        let test = try #require(COPATestData.testItems().first)
        #expect(test == COPATestData.testItem501)
        #expect(test.label == 0 && test.choice1 == "It was fragile." && test.choice2 == "It was small.")
    }

    @Test("tasks/copa.yaml's templates give exactly the reference formats' text for all 1000 items")
    func cardTemplatesOnRelease() throws {
        let card = try TaskCard.load(name: "copa", directory: COPATestData.tasksDirectory)
        let mismatches = try (COPATestData.devItems() + COPATestData.testItems()).compactMap {
            try COPATemplateCheck.mismatch(card: card, item: $0)
        }
        #expect(mismatches == [])
    }

    @Test("the card's split of dev: 210 cause / 190 effect pairs, 40 / 60 validation")
    func splitBalance() throws {
        let card = try TaskCard.load(name: "copa", directory: COPATestData.tasksDirectory)
        let dev = try COPATestData.devItems()
        let pairs = try SeededSubset.items(of: card.splits[0], from: dev)
        let validation = try SeededSubset.items(of: card.splits[1], from: dev)
        #expect(pairs.filter { $0.asksFor == .cause }.count == 210)
        #expect(validation.filter { $0.asksFor == .cause }.count == 40)
    }

    @Test("the card's files arrive through DataStore from a file:// mirror, verified, and parse")
    func throughDataStore() throws {
        let card = try TaskCard.load(name: "copa", directory: COPATestData.tasksDirectory)
        let cache = try COPATestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let store = DataStore(cacheDirectory: cache, mirror: "file://" + TestPaths.datasets, offline: false, progress: false)
        for split in card.splits {
            let location = try store.fetch(card.dataFile(for: split))
            let items = try SeededSubset.items(of: split, from: COPAXMLParser.parse(contentsOf: location.path))
            #expect(items.count == (split.subset?.count ?? 500), "\(split.name)")
        }
    }

    @Test("stray spaces in the release (dev 129, 210; test 691, 705) are trimmed")
    func strayWhitespace() throws {
        let dev = Dictionary(uniqueKeysWithValues: try COPATestData.devItems().map { ($0.id, $0) })
        let test = Dictionary(uniqueKeysWithValues: try COPATestData.testItems().map { ($0.id, $0) })
        #expect(dev[129]?.choice1 == "The driver talked the whole way.")
        #expect(dev[210]?.premise == "The parents forbade their children from watching the movie.")
        #expect(test[691]?.choice2 == "There was no evidence against him.")
        #expect(test[705]?.choice2 == "They dropped out.")
    }

    @Test("the DTD beside the file is never needed")
    func withoutDTD() throws {
        let directory = try COPATestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = try COPATestData.write(try COPATestData.text(COPATestData.dev), named: "copa-dev.xml", in: directory)
        #expect(try COPAXMLParser.parse(contentsOf: copy) == COPATestData.devItems())
    }

    @Test("parses on several threads at once give the same items")
    func concurrent() async throws {
        let expected = try COPATestData.devItems() + COPATestData.testItems()
        try await withThrowingTaskGroup(of: [COPAItem].self) { group in
            for _ in 0..<8 {
                group.addTask { try COPATestData.devItems() + COPATestData.testItems() }
            }
            for try await items in group { #expect(items == expected) }
        }
    }
}
