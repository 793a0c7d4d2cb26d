import Foundation

/// A results file found under a results folder, with its path relative to that folder: the
/// leaderboard links to it by that path and the CSV names it.
public struct ResultFile: Sendable, Equatable {
    public let path: String
    public let result: RunResult

    public init(path: String, result: RunResult) {
        self.path = path
        self.result = result
    }
}

/// Finds every results file under a folder.
public enum ResultsFolder {
    /// The leaderboard's own JSON lives in the folder it describes; it is never a results file.
    static let ownFiles: Set<String> = [LeaderboardFiles.json]

    /// Every `.json` file that decodes as a `RunResult`, sorted by path. Other JSON files
    /// (sweeps, saved interventions) live beside results and are skipped, and so are the
    /// partial results of shards (`--shard I/N`) until `merge` joins them.
    public static func collect(directory: String) throws -> [ResultFile] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
            let walker = FileManager.default.enumerator(atPath: directory)
        else {
            throw HarnessError.invalidInput("cannot read the results folder \(directory); pass an existing folder")
        }
        var files: [ResultFile] = []
        for case let relative as String in walker where relative.hasSuffix(".json") && !ownFiles.contains(relative) {
            let path = (directory as NSString).appendingPathComponent(relative)
            guard let data = FileManager.default.contents(atPath: path),
                let result = try? JSONDecoder().decode(RunResult.self, from: data), result.configuration["shard"] == nil
            else { continue }
            files.append(ResultFile(path: relative, result: result))
        }
        return files.sorted { $0.path < $1.path }
    }

    /// JSON files under `directory` that are results files gone bad: not JSON at all, or
    /// JSON with a results file's `task` and `metrics` that does not decode as one. Other
    /// JSON kept beside results (sweeps, interventions, checkpoints) is not listed.
    public static func damaged(directory: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var found: [String] = []
        for case let relative as String in walker where relative.hasSuffix(".json") && !ownFiles.contains(relative) {
            let path = (directory as NSString).appendingPathComponent(relative)
            guard let data = FileManager.default.contents(atPath: path) else {
                found.append(path + " cannot be read")
                continue
            }
            guard let object = try? JSONSerialization.jsonObject(with: data) else {
                found.append(path + " is not valid JSON")
                continue
            }
            if let fields = object as? [String: Any], fields["task"] != nil, fields["metrics"] != nil,
                (try? JSONDecoder().decode(RunResult.self, from: data)) == nil
            {
                found.append(path + " looks like a results file but does not decode as one")
            }
        }
        return found.sorted()
    }
}
