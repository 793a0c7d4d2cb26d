import Engine
import Foundation
import Harness

/// How likely the unsteered model finds the text a run generated: its perplexity on each
/// continuation given the request's own context. A method that lowers toxicity (or changes
/// any generation metric) by derailing the model into unrelated or broken text shows here as
/// a perplexity far above the baseline's, on the same prompts.
///
/// Perplexity of a set of continuations is exp(Σ negative log-likelihood / Σ tokens) over the
/// non-empty ones (an empty continuation has no tokens to judge; they are counted apart). The
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

    enum CodingKeys: String, CodingKey {
        case task, method, response, baseline, comparison
        case samplesFile = "samples_file", modelSHA256 = "model_sha256", gitCommit = "git_commit"
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
        // One request a document: its continuation and the paired baseline's, as two choices
        // after the same context, so the context is computed once for both. An empty
        // continuation has no tokens to score: it is counted, not requested.
        var instances: [Instance] = []
        var slots: [(response: Int?, baseline: Int?, request: Int?)] = []
        for sample in samples {
            guard case let .generateUntil(context, _) = sample.request, let text = sample.response.generatedText else {
                throw HarnessError.invalidInput(
                    "\(path): document \(sample.docID) is not a generation (task \(header.run["task"] ?? "?")); fluency reads the samples log of a generate_until task, written with --log-samples"
                )
            }
            var choices: [Choice] = []
            func add(_ continuation: String?) -> Int? {
                guard let continuation, !continuation.isEmpty else { return nil }
                choices.append(Choice(context: context, continuation: continuation, text: continuation))
                return choices.count - 1
            }
            let response = add(text), baseline = add(sample.baseline?.generatedText)
            slots.append((response, baseline, choices.isEmpty ? nil : instances.count))
            if !choices.isEmpty {
                instances.append(Instance(docID: sample.docID, request: .loglikelihood(choices: choices), reference: sample.reference))
            }
        }
        let paired = samples.contains { $0.baseline != nil }
        var scored: [[ChoiceResult]] = []
        try EvaluationLoop(model: model.loaded, batchSize: batchSize).run(instances, interventions: [nil]) { _, responses in
            scored += responses[0].map(\.choiceResults)
            progress(scored.count, instances.count)
        }
        let empty = ChoiceResult(logprob: 0, isGreedy: false, tokenCount: 0, greedyText: "")
        let responses = slots.map { slot in slot.response.map { scored[slot.request!][$0] } ?? empty }
        let response = side(responses)
        var baseline: Side?
        var comparison: Comparison?
        if paired {
            let baselines = zip(slots, samples).map { slot, sample in
                sample.baseline == nil ? nil : slot.baseline.map { scored[slot.request!][$0] } ?? empty
            }
            baseline = side(baselines.compactMap { $0 })
            var differences: [Double] = []
            for (result, other) in zip(responses, baselines) {
                guard let other, result.tokenCount > 0, other.tokenCount > 0 else { continue }
                differences.append(-result.logprob / Double(result.tokenCount) + other.logprob / Double(other.tokenCount))
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
            samplesFile: (path as NSString).lastPathComponent, task: header.run["task"] ?? "", method: header.run["method"] ?? "",
            modelSHA256: model.sha256, response: response, baseline: baseline, comparison: comparison, gitCommit: sourceRevision)
    }

    static func side(_ results: [ChoiceResult]) -> Side {
        let judged = results.filter { $0.tokenCount > 0 }
        let tokens = judged.reduce(0) { $0 + $1.tokenCount }
        let nll = judged.reduce(0.0) { $0 - $1.logprob }
        return Side(
            perplexity: tokens > 0 ? exp(nll / Double(tokens)) : nil, continuations: results.count,
            empty: results.count - judged.count,
            meanTokens: results.isEmpty ? 0 : Double(tokens) / Double(results.count),
            greedyShare: judged.isEmpty ? nil : Double(judged.filter(\.isGreedy).count) / Double(judged.count))
    }

    /// `<run>.samples.jsonl` → `<run>.fluency.json`, beside it.
    public static func outputPath(forSamples path: String) -> String {
        let stem = path.hasSuffix(".samples.jsonl") ? String(path.dropLast(".samples.jsonl".count)) : path
        return stem + ".fluency.json"
    }
}
