import Foundation
import Harness

/// A finished run a sweep may take instead of running again (`sweep --reuse-results`): the
/// results file the run would write, made for the same model, split, prompt, method label,
/// protocol, limit, seed, few-shot count, batch size and fitting task, and, when the file
/// records one, the same request digest (the method's fitting flags and grid). Files made
/// before results recorded their request are taken with `requestChecked` false, so the
/// caller can say that their fitting flags were not compared.
public struct FinishedRun {
    public let result: RunResult
    public let path: String
    public let requestChecked: Bool
}

extension Experiment {
    /// What decides a run's numbers beyond what its results file is named after: for a
    /// method, everything that fits and chooses it (as a killed run's checkpoint records
    /// it) and the task it was fitted on; for the baseline, the prompt and the model.
    public func request(_ method: MethodSettings, evaluation: EvaluationSettings, fitTask: String? = nil) -> [String: String] {
        guard method.method != "baseline" else {
            return [
                "task": task.card.task, "method": "baseline", "protocol": evaluation.scoring.rawValue,
                "prompt": evaluation.prompt ?? "default", "num_fewshot": String(evaluation.numFewshot),
                "model_sha256": model.sha256,
            ].merging(model.computeSettings) { $1 }
        }
        var request = PreparedCheckpoint.request(
            method, scoring: evaluation.scoring, prompt: evaluation.prompt, numFewshot: evaluation.numFewshot, model: model,
            task: fitTask ?? task.card.task, fluencyGuard: searchGuard(method, scoring: evaluation.scoring))
        request["intervention_file"] = method.interventionFile ?? "-"
        return request
    }

    /// The fluency guard's thresholds when it takes part in choosing K and strength (a
    /// validation search, under a guard that is on).
    func searchGuard(_ method: MethodSettings, scoring: ScoringProtocol) -> String? {
        guard method.interventionFile == nil, method.k == nil || method.strength == nil else { return nil }
        return (try? fluencyGuard(method, scoring: scoring))?.summary
    }

    /// The request as the short digest results files record under `request`.
    public static func digest(_ request: [String: String]) -> String {
        let text = request.keys.sorted().map { "\($0)=\(request[$0]!)\n" }.joined()
        return String(SHA256.hex(of: Data(text.utf8)).prefix(16))
    }

    /// The settings `run` scores with: the method (or `label`) names the file, and a method
    /// fitted on fewer pairs gets its own.
    func resolved(_ evaluation: EvaluationSettings, method: MethodSettings, label: String?) -> EvaluationSettings {
        var evaluation = evaluation
        evaluation.method = label ?? method.method
        if method.method != "baseline" && method.interventionFile == nil {
            evaluation.pairLimit = method.fitting.pairLimit
            evaluation.pairsSplit = method.fitting.pairsSplit
            evaluation.fitPrompt = method.fitting.fitPrompt.flatMap { $0 == evaluation.scoring.fitPrompt(of: task.card) ? nil : $0 }
        }
        return evaluation
    }

    /// The finished run of these settings, if its results file is there and was made for them.
    public func finished(_ evaluation: EvaluationSettings, method: MethodSettings, label: String? = nil, fitTask: String? = nil)
        -> FinishedRun?
    {
        let settings = resolved(evaluation, method: method, label: label)
        let path = Evaluation(task: task, model: model, store: store, settings: settings, scorers: scorers).resultPath
        guard FileManager.default.fileExists(atPath: path), let result = try? RunResult.read(path: path) else { return nil }
        let expected: [String: String?] = [
            "limit": settings.limit.map(String.init) ?? "none", "seed": String(settings.seed),
            "num_fewshot": String(settings.numFewshot), "protocol": settings.scoring.rawValue,
            "batch_size": String(settings.batchSize), "fit_task": fitTask,
            "max_tokens": task.card.maxTokens.map(String.init),
        ]
        let split = settings.split ?? task.card.splits(role: .test).first?.name
        guard result.model.sha256 == model.sha256, result.method == settings.method, result.split == split,
            expected.allSatisfy({ result.configuration[$0.key] == $0.value })
        else { return nil }
        guard let recorded = result.configuration["request"] else {
            return FinishedRun(result: result, path: path, requestChecked: false)
        }
        guard recorded == Self.digest(request(method, evaluation: settings, fitTask: fitTask)) else { return nil }
        return FinishedRun(result: result, path: path, requestChecked: true)
    }
}
