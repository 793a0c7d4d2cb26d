import Foundation
import Harness
import Interventions

/// A method run's fitted and chosen intervention, saved beside its journal before scoring
/// starts, so a killed run resumes without fitting or searching the grid again and applies
/// the very same edits. `request` holds everything that chose it (method, fitting options,
/// grid, protocol, prompt, few-shot count, model); a checkpoint made for other settings is
/// replaced, never used. It is removed with the journal when the run completes.
struct PreparedCheckpoint: Codable {
    let request: [String: String]
    let configuration: [String: String]
    let grid: GridSearch.Result?
    let artifact: InterventionArtifact

    static func request(
        _ settings: MethodSettings, scoring: ScoringProtocol, prompt: String?, numFewshot: Int, model: ModelUnderTest, task: String,
        fluencyGuard: String? = nil
    ) -> [String: String] {
        var request = [
            "task": task, "method": settings.method, "fitting": String(describing: settings.fitting),
            "application": settings.application.map { $0.rawValue } ?? "default",
            "k": settings.k.map(String.init) ?? "-", "strength": settings.strength.map { String($0) } ?? "-",
            "ks": settings.ks.map { $0.map(String.init).joined(separator: ",") } ?? "default",
            "strengths": settings.strengths.map { $0.map { String($0) }.joined(separator: ",") } ?? "default",
            "protocol": scoring.rawValue, "prompt": prompt ?? "default", "num_fewshot": String(numFewshot),
            "model_sha256": model.sha256,
        ].merging(model.computeSettings) { $1 }
        // Only when a guard chooses, so the requests of runs without one stay as they were.
        if let fluencyGuard { request["fluency_guard"] = fluencyGuard }
        return request
    }

    /// The checkpoint at `path` if it was made for `request`.
    static func load(path: String, request: [String: String]) -> PreparedCheckpoint? {
        guard let data = FileManager.default.contents(atPath: path),
            let checkpoint = try? JSONDecoder().decode(PreparedCheckpoint.self, from: data), checkpoint.request == request
        else { return nil }
        return checkpoint
    }

    func save(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(try encoder.encode(self), to: path)
    }
}
