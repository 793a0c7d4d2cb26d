import Engine
import Foundation
import Harness
import TestSupport
import Testing

@Suite("Loglikelihood requests and runner", .serialized)
struct LoglikelihoodRunnerTests {
    static let model = try! ModelLoader.load(path: TestPaths.smolLM2)

    @Test("trailing whitespace of the context moves into the continuation, as lm-eval splits it")
    func encodingSplit() throws {
        let tok = Self.model.tokenizer
        let a = try LoglikelihoodRequest(context: "The capital of France is ", continuation: "Paris").encode(with: tok)
        let b = try LoglikelihoodRequest(context: "The capital of France is", continuation: " Paris").encode(with: tok)
        #expect(a == b)
        #expect(a.context == [504, 3575, 282, 4649, 314] && a.continuation == [7042])
        // Continuation tokens are those of the whole text after the context's count.
        let whole = tok.encode("The capital of France is Paris")
        #expect(a.context + a.continuation == whole)
    }

    @Test("a continuation that encodes to nothing is a clear error")
    func emptyContinuation() throws {
        #expect(throws: HarnessError.self) {
            try LoglikelihoodRequest(context: "Hello", continuation: "").encode(with: Self.model.tokenizer)
        }
    }

    @Test("log-likelihoods equal the engine's single-sequence scoring whatever the batch size")
    func batchInvariance() throws {
        let contexts = [
            "My body cast a shadow over the grass because", "The woman tolerated her friend's difficult behavior because",
            "The physician misdiagnosed the patient. As a result,", "Question:\nWhat is 2+2?\nAnswer:",
        ]
        let continuations = [
            " the sun was rising.", " the grass was cut.", " she knew her friend was going through a hard time.", " 4", " 5 apples",
        ]
        var requests: [LoglikelihoodRequest] = []
        for c in contexts { for k in continuations { requests.append(.init(context: c, continuation: k)) } }

        // Reference: each request alone, as one full sequence without any state sharing.
        var reference: [Double] = []
        for r in requests {
            let e = try r.encode(with: Self.model.tokenizer)
            let all = e.context + e.continuation
            let rows = Array((e.context.count - 1)..<(all.count - 1))
            let logits = try Self.model.network.forward([SequenceInput(tokens: all, logits: .indices(rows))])[0]
            var sum = 0.0
            for (i, t) in e.continuation.enumerated() {
                let row = Array(logits[i])
                let m = Double(row.max()!)
                let lse = m + log(row.reduce(0.0) { $0 + exp(Double($1) - m) })
                sum += Double(row[Int(t)]) - lse
            }
            reference.append(sum)
        }
        for batch in [1, 3, 16] {
            let runner = LoglikelihoodRunner(network: Self.model.network, tokenizer: Self.model.tokenizer, batchSize: batch)
            let results = try runner.run(requests, interventions: [nil]).results[0]
            for (r, want) in zip(results, reference) {
                #expect(abs(r.logprob - want) < 1e-4, "batch \(batch): \(r.logprob) vs \(want)")
            }
        }
        // "Paris" after "The capital of France is" is the model's greedy choice.
        let paris = try LoglikelihoodRunner(network: Self.model.network, tokenizer: Self.model.tokenizer, batchSize: 4)
            .run([.init(context: "The capital of France is", continuation: " Paris")], interventions: [nil]).results[0][0]
        #expect(paris.isGreedy && paris.tokenCount == 1 && abs(paris.logprob - -0.2580728530883789) < 1e-3)
    }
}

/// Requests longer than the model's context are left-truncated as lm-eval truncates them.
@Suite("Context-length guard")
struct ContextLengthGuardTests {
    @Test("the last contextLength + 1 tokens of context + continuation, taken from the context's left")
    func truncation() throws {
        let request = EncodedRequest(context: Array(1...10), continuation: [11, 12, 13])
        #expect(try LoglikelihoodRunner.fitting(request, context: 20) == request)
        #expect(try LoglikelihoodRunner.fitting(request, context: 12) == request)
        let cut = try LoglikelihoodRunner.fitting(request, context: 8)
        #expect(cut.context == [5, 6, 7, 8, 9, 10] && cut.continuation == [11, 12, 13])
        #expect(throws: HarnessError.self) { try LoglikelihoodRunner.fitting(request, context: 3) }
    }
}
