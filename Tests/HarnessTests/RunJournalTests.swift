import Foundation
import Harness
import Testing

@Suite("Run journal")
struct RunJournalTests {
    func samples(_ ids: ClosedRange<Int>) -> [Sample] {
        ids.map { i in
            let request = Request.loglikelihood(choices: [
                Choice(context: "c", continuation: " a", text: "a"),
                Choice(context: "c", continuation: " b", text: "b"),
            ])
            let results = [
                ChoiceResult(logprob: -Double(i) / 3, isGreedy: true, tokenCount: 1, greedyText: " a"),
                ChoiceResult(logprob: -0.5, isGreedy: false, tokenCount: 2, greedyText: " é\n"),
            ]
            return Sample(
                docID: "\(i)", request: request, reference: .choice(index: i % 2), response: .choices(results),
                baseline: i % 3 == 0 ? .choices(results.reversed()) : nil)
        }
    }

    func generations(_ ids: ClosedRange<Int>) -> [Sample] {
        ids.map { i in
            let settings = GenerationSettings(until: ["\n"], maxTokens: 8, sampling: .init(temperature: 0.7, seed: UInt64(i)))
            return Sample(
                docID: "g\(i)", request: .generateUntil(context: "Q\(i):", generation: settings),
                reference: i % 2 == 0 ? .answers(["x", "y"]) : .answerSets(correct: ["a"], incorrect: ["b"]),
                response: .generation(Generation(text: "x\(i)", tokenCount: 3, stoppedBy: .stopString)),
                baseline: .generation(Generation(text: "", tokenCount: 0, stoppedBy: .endOfSequence)))
        }
    }

    @Test("every output type and reference kind survives the journal exactly")
    func everyOutputType() throws {
        let p = path()
        let all = samples(1...3) + generations(1...3)
        try RunJournal(path: p, header: header, batchSize: 1).append(all)
        #expect(try RunJournal(path: p, header: header, batchSize: 1).samples == all)
    }

    let header = RunJournal.Header(run: ["task": "copa", "method": "baseline"])

    func path() -> String { NSTemporaryDirectory() + "journal-\(UUID().uuidString)/run.samples.jsonl" }

    @Test("records survive reopening, in order, with exact doubles")
    func reopen() throws {
        let p = path()
        let journal = try RunJournal(path: p, header: header, batchSize: 2)
        try journal.append(samples(1...4))
        let again = try RunJournal(path: p, header: header, batchSize: 2)
        #expect(again.samples == samples(1...4))
    }

    @Test("a line cut short by a kill is dropped, and only whole batches are kept")
    func truncatedTail() throws {
        let p = path()
        try RunJournal(path: p, header: header, batchSize: 2).append(samples(1...5))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: p))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"doc_id\":\"6\",\"lo".utf8))
        try handle.close()
        let again = try RunJournal(path: p, header: header, batchSize: 2)
        #expect(again.samples.map(\.docID) == ["1", "2", "3", "4"])
        try again.append(samples(5...6))
        #expect(try RunJournal(path: p, header: header, batchSize: 2).samples.count == 6)
    }

    @Test("a journal of another run is refused, naming what differs")
    func mismatch() throws {
        let p = path()
        _ = try RunJournal(path: p, header: header)
        let error = #expect(throws: HarnessError.self) {
            try RunJournal(path: p, header: .init(run: ["task": "copa", "method": "sadi-head"]))
        }
        #expect(error?.description.contains("method differ") == true)
    }
}
