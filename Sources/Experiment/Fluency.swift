import Engine
import Foundation
import Harness

/// How likely the unsteered model finds the text a run generated: its perplexity on each
/// continuation given the request's own context. A method that lowers toxicity (or changes
/// any generation metric) by derailing the model into unrelated or broken text shows here as
/// a perplexity far above the baseline's, on the same prompts.
///
/// Perplexity of a set of continuations is exp(Σ negative log-likelihood / Σ tokens) over the
/// non-empty ones (an empty continuation, or one that merges into the context's last token, has
/// no tokens of its own to judge; they are counted apart as empty). The
/// paired comparison is over documents where both continuations are non-empty: the
/// difference of their per-token negative log-likelihoods (log-perplexities), method minus
/// baseline, with a paired-bootstrap interval.
public struct Fluency: Sendable, Codable, Equatable {
    public struct Side: Sendable, Codable, Equatable {
        public let perplexity: Double?
        public let continuations: Int
        public let empty: Int
        public let meanTokens: Double
        /// Share of non-empty continuations that are the model's own greedy choice at every
        /// token (1 for an unsteered greedy run re-tokenised the same way).
        public let greedyShare: Double?

        enum CodingKeys: String, CodingKey {
            case perplexity, continuations, empty, meanTokens = "mean_tokens", greedyShare = "greedy_share"
        }
    }

    public struct Comparison: Sendable, Codable, Equatable {
        public let documents: Int
        /// Mean of method − baseline per-token negative log-likelihood.
        public let logPerplexityDifference: Double
        public let interval: Interval
        /// Share of documents whose method continuation has the higher per-token NLL.
        public let methodWorseShare: Double
        public let resamples: Int
        public let seed: UInt64

        enum CodingKeys: String, CodingKey {
            case documents, interval, resamples, seed
            case logPerplexityDifference = "log_perplexity_difference", methodWorseShare = "method_worse_share"
        }
    }

    public struct Interval: Sendable, Codable, Equatable {
        public let level: Double
        public let lower: Double
        public let upper: Double
    }

    public let samplesFile: String
    public let task: String
    public let method: String
    public let modelSHA256: String
    public let response: Side
    public let baseline: Side?
    public let comparison: Comparison?
    /// The commit of the tool that measured it (the run's own is in the samples log).
    public let gitCommit: String
    /// Every document's scores, in the log's order: what pooling several logs reads.
    public let documents: [Document]

    enum CodingKeys: String, CodingKey {
        case task, method, response, baseline, comparison, documents
        case samplesFile = "samples_file", modelSHA256 = "model_sha256", gitCommit = "git_commit"
    }

    /// One continuation under the unsteered model: its summed negative log-likelihood, its
    /// tokens (0 for an empty continuation), and whether every token was the model's argmax.
    public struct Score: Sendable, Codable, Equatable {
        public let nll: Double
        public let tokens: Int
        public let greedy: Bool

        static let empty = Score(nll: 0, tokens: 0, greedy: false)
    }

    public struct Document: Sendable, Codable, Equatable {
        public let docID: String
        public let response: Score
        /// nil when the run had no paired baseline.
        public let baseline: Score?

        enum CodingKeys: String, CodingKey { case response, baseline, docID = "doc_id" }
    }

    /// Scores the generations of the samples log at `path` with `model` (no intervention).
    /// Refuses a log of another model or of a task that does not generate.
    public static func measure(
        samplesAt path: String, model: ModelUnderTest, batchSize: Int = 32, seed: UInt64 = 1234, resamples: Int = 10_000,
        sourceRevision: String = "unknown",
        progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws -> Fluency {
        let (header, samples) = try RunJournal.read(at: path)
        if let recorded = header.run["model_sha256"], recorded != model.sha256 {
            throw HarnessError.invalidInput(
                "\(path): its generations come from the model with sha256 \(recorded.prefix(12))…, not \((model.loaded.path as NSString).lastPathComponent) (\(model.sha256.prefix(12))…); pass that model with --model"
            )
        }
        var continuations: [Continuations] = []
        for sample in samples {
            guard case let .generateUntil(context, _) = sample.request, let text = sample.response.generatedText else {
                throw HarnessError.invalidInput(
                    "\(path): document \(sample.docID) is not a generation (task \(header.run["task"] ?? "?")); fluency reads the samples log of a generate_until task, written with --log-samples"
                )
            }
            continuations.append(
                Continuations(docID: sample.docID, context: context, texts: [text, sample.baseline?.generatedText]))
        }
        let scored = try scores(of: continuations, model: model, batchSize: batchSize, progress: progress)
        let documents = zip(scored, samples).map { scores, sample in
            Document(docID: sample.docID, response: scores[0], baseline: sample.baseline == nil ? nil : scores[1])
        }
        return summary(
            of: documents, samplesFile: (path as NSString).lastPathComponent, task: header.run["task"] ?? "",
            method: header.run["method"] ?? "", modelSHA256: model.sha256, seed: seed, resamples: resamples,
            sourceRevision: sourceRevision)
    }

    /// Texts generated after one context: a run's continuation and its baseline's, or every
    /// setting of a validation grid.
    public struct Continuations: Sendable {
        public let docID: String
        public let context: String
        /// nil where that side generated nothing to judge (no paired baseline).
        public let texts: [String?]

        public init(docID: String, context: String, texts: [String?]) {
            self.docID = docID
            self.context = context
            self.texts = texts
        }
    }

    /// Every text scored by `model` without intervention after its context: one request a
    /// document, its texts as choices, so the context is computed once for all of them. An
    /// empty or missing text, or one that merges into the context's last token (a "," after
    /// "-"), has no tokens of its own to judge: it scores as empty, without a request.
    public static func scores(
        of documents: [Continuations], model: ModelUnderTest, batchSize: Int,
        progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws -> [[Score]] {
        var instances: [Instance] = []
        var slots: [(choices: [Int?], request: Int?)] = []
        for document in documents {
            var choices: [Choice] = []
            let indices = document.texts.map { text -> Int? in
                guard let text, !text.isEmpty else { return nil }
                let request = LoglikelihoodRequest(context: document.context, continuation: text)
                guard (try? request.encode(with: model.loaded.tokenizer)) != nil else { return nil }
                choices.append(Choice(context: document.context, continuation: text, text: text))
                return choices.count - 1
            }
            slots.append((indices, choices.isEmpty ? nil : instances.count))
            if !choices.isEmpty {
                instances.append(Instance(docID: document.docID, request: .loglikelihood(choices: choices), reference: .none))
            }
        }
        var scored: [[ChoiceResult]] = []
        try EvaluationLoop(model: model.loaded, batchSize: batchSize).run(instances, interventions: [nil]) { _, responses in
            scored += responses[0].map(\.choiceResults)
            progress(scored.count, instances.count)
        }
        return slots.map { slot in
            slot.choices.map { index in
                guard let index, let request = slot.request else { return .empty }
                let result = scored[request][index]
                return Score(nll: -result.logprob, tokens: result.tokenCount, greedy: result.isGreedy)
            }
        }
    }

    /// The documents of several logs as one set (a task group such as ToxiGen's 16 target
    /// groups): perplexities over all their continuations, the paired comparison over all
    /// their documents.
    public static func pooled(_ parts: [Fluency], seed: UInt64 = 1234, resamples: Int = 10_000, sourceRevision: String) -> Fluency {
        let methods = Set(parts.map(\.method)), models = Set(parts.map(\.modelSHA256))
        return summary(
            of: parts.flatMap(\.documents), samplesFile: "\(parts.count) logs", task: "all",
            method: methods.count == 1 ? methods.first! : methods.sorted().joined(separator: ","),
            modelSHA256: models.count == 1 ? models.first! : "", seed: seed, resamples: resamples, sourceRevision: sourceRevision)
    }

    static func summary(
        of documents: [Document], samplesFile: String, task: String, method: String, modelSHA256: String, seed: UInt64,
        resamples: Int, sourceRevision: String
    ) -> Fluency {
        let paired = documents.contains { $0.baseline != nil }
        var baseline: Side?
        var comparison: Comparison?
        if paired {
            baseline = side(documents.compactMap(\.baseline))
            let differences = documents.compactMap { document -> Double? in
                guard let other = document.baseline, document.response.tokens > 0, other.tokens > 0 else { return nil }
                return document.response.nll / Double(document.response.tokens) - other.nll / Double(other.tokens)
            }
            if !differences.isEmpty {
                let (lower, upper) = PairedBootstrap.percentileInterval(differences: differences, resamples: resamples, seed: seed)
                comparison = Comparison(
                    documents: differences.count, logPerplexityDifference: differences.reduce(0, +) / Double(differences.count),
                    interval: Interval(level: 0.95, lower: lower, upper: upper),
                    methodWorseShare: Double(differences.filter { $0 > 0 }.count) / Double(differences.count),
                    resamples: resamples, seed: seed)
            }
        }
        return Fluency(
            samplesFile: samplesFile, task: task, method: method, modelSHA256: modelSHA256,
            response: side(documents.map(\.response)), baseline: baseline, comparison: comparison, gitCommit: sourceRevision,
            documents: documents)
    }

    static func side(_ scores: [Score]) -> Side {
        let judged = scores.filter { $0.tokens > 0 }
        let tokens = judged.reduce(0) { $0 + $1.tokens }
        let nll = judged.reduce(0.0) { $0 + $1.nll }
        return Side(
            perplexity: tokens > 0 ? exp(nll / Double(tokens)) : nil, continuations: scores.count,
            empty: scores.count - judged.count,
            meanTokens: scores.isEmpty ? 0 : Double(tokens) / Double(scores.count),
            greedyShare: judged.isEmpty ? nil : Double(judged.filter(\.greedy).count) / Double(judged.count))
    }

    /// `<run>.samples.jsonl` → `<run>.fluency.json`, beside it.
    public static func outputPath(forSamples path: String) -> String {
        let stem = path.hasSuffix(".samples.jsonl") ? String(path.dropLast(".samples.jsonl".count)) : path
        return stem + ".fluency.json"
    }
}
