import Foundation
import Harness

/// One shard of a K × strength sweep (`sweep --shard I/N`): the settings, the documents of
/// the shard's batches, and every configuration's score on each of them, so `merge` can
/// aggregate each cell over all documents as the unsharded sweep does.
public struct SweepShard: Codable, Sendable, Equatable {
    public let task, split, method, scoring, application: String
    public let pairs: Int
    public let pairsSplit, fitPrompt, metric: String
    public let ks: [Int]
    public let strengths: [Double]
    public let shard: String
    public let batchSize: Int
    public let limit: Int?
    public let numFewshot: Int
    /// The model's results folder name and its sha256.
    public let model: String
    public let modelSHA256: String
    /// Documents of the whole sweep; `documentIDs` are this shard's, in order.
    public let documents: Int
    public let documentIDs: [String]
    /// Per configuration (K-major, as the grid), each document's score; null for a
    /// configuration whose log-probabilities were not all finite.
    public let scores: [[Double]?]
    public let fitSeconds, gridSeconds: Double

    enum CodingKeys: String, CodingKey {
        case task, split, method, scoring, application, pairs, metric, ks, strengths, shard, limit, documents, scores, model
        case pairsSplit = "pairs_split", fitPrompt = "fit_prompt", batchSize = "batch_size", numFewshot = "num_fewshot"
        case modelSHA256 = "model_sha256", documentIDs = "document_ids", fitSeconds = "fit_seconds"
        case gridSeconds = "grid_seconds"
    }

    /// Everything two shards of one sweep share.
    var settings: [String: String] {
        [
            "task": task, "split": split, "method": method, "scoring": scoring, "application": application,
            "pairs": String(pairs), "pairs_split": pairsSplit, "fit_prompt": fitPrompt, "metric": metric,
            "ks": ks.map(String.init).joined(separator: ","), "strengths": strengths.map { "\($0)" }.joined(separator: ","),
            "batch_size": String(batchSize), "limit": limit.map(String.init) ?? "none", "num_fewshot": String(numFewshot),
            "model": model, "model_sha256": modelSHA256, "documents": String(documents),
        ]
    }

    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = try encoder.encode(self)
        data.append(UInt8(ascii: "\n"))
        try AtomicFile.write(data, to: path)
    }

    public static func read(path: String) throws -> SweepShard {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HarnessError.invalidInput("cannot read the sweep shard \(path)")
        }
        do {
            return try JSONDecoder().decode(SweepShard.self, from: data)
        } catch {
            throw HarnessError.invalidInput("\(path) is not a sweep shard of this tool (\(error)); run that shard again")
        }
    }
}
