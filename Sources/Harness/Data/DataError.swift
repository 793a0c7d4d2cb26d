import Foundation

/// Why a data file could not be provided. Each description is one sentence that names the
/// file or URL at fault and what would fix it; none of these leaves a file in the cache.
public enum DataError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The server answered with an HTTP error (after `attempts` tries when it was transient).
    case httpStatus(code: Int, url: String, path: String, attempts: Int)
    /// A `file://` mirror has no such file, or it cannot be read.
    case unreadableSource(url: String, path: String, reason: String)
    case checksumMismatch(path: String, url: String, expected: String, actual: String)
    /// Offline, and the cache has no verified copy (`problem` says what is wrong with the one there).
    case notCached(path: String, cachePath: String, problem: String?)
    case cacheNotWritable(directory: String, reason: String)
    case couldNotConnect(url: String, attempts: Int, reason: String)
    case timedOut(url: String, attempts: Int, reason: String)
    /// Any other transfer failure that survived the retries.
    case transferFailed(url: String, attempts: Int, reason: String)
    case extractionFailed(archive: String, member: String, reason: String)
    case invalidMirror(String)
    /// A task card gives a data path that is absolute or leaves its folder.
    case invalidPath(String)

    public var description: String {
        switch self {
        case let .httpStatus(code, url, path, attempts):
            let tries = attempts > 1 ? " after \(attempts) attempts" : ""
            return "HTTP \(code) for \(url)\(tries); check --data-mirror / SADI_DATA_MIRROR, or the URL of \(path) in its task card."
        case let .unreadableSource(url, path, reason):
            return
                "cannot read \(path) at \(url): \(reason); check that --data-mirror / SADI_DATA_MIRROR points at a copy of ../shared/datasets."
        case let .checksumMismatch(path, url, expected, actual):
            return "checksum mismatch for \(path) from \(url): expected \(expected), got \(actual); the file was not cached."
        case let .notCached(path, cachePath, nil):
            return "offline and \(path) is not in the cache at \(cachePath); run once without --offline."
        case let .notCached(path, cachePath, problem?):
            return "offline and the cached \(path) at \(cachePath) is unusable (\(problem)); run once without --offline."
        case let .cacheNotWritable(directory, reason):
            return "cannot write to the cache directory \(directory): \(reason); set SADI_CACHE to a writable folder."
        case let .couldNotConnect(url, attempts, reason):
            return "could not connect to \(url) after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(reason)."
        case let .timedOut(url, attempts, reason):
            return "timed out fetching \(url) after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(reason)."
        case let .transferFailed(url, attempts, reason):
            return "could not download \(url) after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(reason)."
        case let .extractionFailed(archive, member, reason):
            return "cannot extract \(member) from \(archive): \(reason); delete the archive to download it again."
        case let .invalidMirror(mirror):
            return
                "the data mirror \"\(mirror)\" is not a URL (http://, https:// or file://) or an absolute folder path; fix --data-mirror / SADI_DATA_MIRROR."
        case let .invalidPath(path):
            return
                "the data path \"\(path)\" must be relative and stay inside its folder (no \"..\", no empty parts); fix it in the task card."
        }
    }

    public var errorDescription: String? { description }
}
