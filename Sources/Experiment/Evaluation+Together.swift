import Foundation
import Harness

extension Evaluation {
    /// Several runs of one task's documents, each with its own intervention (nil: the
    /// baseline), scored in the same batches: each batch is answered once under every
    /// intervention and the unsteered model, so the prompts are computed once for all
    /// (five-shot TriviaQA spends most of its time on them), and each run writes its own
    /// journal, results and samples exactly as it would alone. The runs must score the same
    /// documents in the same batches (same task, split, limit, shard and batch size).
    ///
    /// `progress` is told the documents every run has and may throw to stop them all; each
    /// journal keeps what was scored and the same call resumes.
    public static func runTogether(
        _ runs: [(evaluation: Evaluation, intervention: (any InterventionRuntime)?)],
        progress: (_ done: Int, _ total: Int) throws -> Void = { _, _ in }
    ) throws -> [RunResult] {
        guard let first = runs.first else { return [] }
        let opened = try runs.map { try $0.evaluation.open() }
        let documents = opened[0].instances.map(\.docID)
        for (run, open) in zip(runs, opened).dropFirst() {
            guard open.instances.map(\.docID) == documents, run.evaluation.settings.batchSize == first.evaluation.settings.batchSize
            else {
                throw HarnessError.invalidInput(
                    "runs scored together must score the same documents in the same batches: \(run.evaluation.settings.method) and \(first.evaluation.settings.method) differ in split, limit, shard or batch size"
                )
            }
        }
        // Arm k answers run k; the unsteered model is one more arm, shared by every run's
        // paired comparison and by the baseline's own run.
        let steered = runs.contains { $0.intervention != nil }
        let unsteered = runs.count
        let arms = runs.map(\.intervention) + (steered ? [nil] : [])
        // The arm whose responses are run j's own: the baseline's is the unsteered arm.
        let own = runs.indices.map { runs[$0].intervention == nil && steered ? unsteered : $0 }
        let pending = opened[0].instances.filter { instance in opened.contains { !$0.done.contains(instance.docID) } }
        let total = documents.count
        var scored = total - pending.count
        try progress(scored, total)
        let throughput = try EvaluationLoop(model: first.evaluation.model.loaded, batchSize: first.evaluation.settings.batchSize)
            .run(pending, interventions: arms) { batch, responses in
                for (j, run) in runs.enumerated() {
                    for (i, instance) in batch.enumerated() {
                        if !responses[own[j]][i].isFinite { throw run.evaluation.nonFinite(instance, steered: run.intervention != nil) }
                        if run.intervention != nil, !responses[unsteered][i].isFinite {
                            throw run.evaluation.nonFinite(instance, steered: false)
                        }
                    }
                }
                for (j, run) in runs.enumerated() {
                    let samples = batch.enumerated().compactMap { i, instance -> Sample? in
                        guard !opened[j].done.contains(instance.docID) else { return nil }
                        return instance.sample(
                            response: responses[own[j]][i], baseline: run.intervention == nil ? nil : responses[unsteered][i])
                    }
                    try opened[j].journal.append(samples)
                    let seconds = opened[j].earlier + Date().timeIntervalSince(opened[j].started)
                    try AtomicFile.write(Data(String(seconds).utf8), to: run.evaluation.secondsPath)
                }
                scored += batch.count
                try progress(scored, total)
            }
        return try zip(runs, opened).map { run, open in
            var open = open
            if runs.count > 1 {
                // The wall time and throughput are the shared batches'.
                open.configuration["scored_with"] = runs.map(\.evaluation.settings.method).filter { $0 != run.evaluation.settings.method }
                    .joined(separator: ",")
            }
            return try run.evaluation.finish(open, throughput: throughput, paired: run.intervention != nil)
        }
    }
}
