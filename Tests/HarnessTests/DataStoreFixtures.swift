import Foundation
import TestSupport

@testable import Harness

/// The real dataset files, as MANIFEST.md describes them, and small helpers the data tests share.
enum DataFixtures {
    struct Entry {
        let sha256: String
        let size: Int
        /// Upstream URL and, for files shipped in an archive, the member after " :: ".
        let upstream: String
        let member: String?
    }

    /// Rows of the manifest's file table, by path.
    static let manifest: [String: Entry] = {
        let text = (try? String(contentsOfFile: TestPaths.datasets + "/MANIFEST.md", encoding: .utf8)) ?? ""
        var entries: [String: Entry] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| ") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count > 6, cells[3].count == 64, let size = Int(cells[4]) else { continue }
            let upstream = cells[5].components(separatedBy: " :: ")
            let member = upstream.count > 1 ? upstream[1].trimmingCharacters(in: .whitespaces) : nil
            let url = String(upstream[0].split(separator: " ").first ?? "")
            entries[cells[1]] = Entry(sha256: cells[3], size: size, upstream: url, member: member)
        }
        return entries
    }()

    static func file(_ path: String) -> DataFile {
        let entry = manifest[path]!
        return DataFile(path: path, url: entry.upstream, sha256: entry.sha256)
    }

    static func bytes(_ path: String) -> Data {
        FileManager.default.contents(atPath: TestPaths.datasets + "/" + path)!
    }

    static var fileMirror: String { URL(fileURLWithPath: TestPaths.datasets, isDirectory: true).absoluteString }

    /// Settings that keep fault tests fast: millisecond backoff and a one-second stall limit.
    static func store(cache: URL, mirror: String?, offline: Bool = false, retries: Int = 2) -> DataStore {
        DataStore(
            cacheDirectory: cache, mirror: mirror, offline: offline, retries: retries,
            connectTimeout: 2, lowSpeedTime: 1, retryDelay: 0.01, progress: false)
    }

    /// The DataError a call throws, or nil when it succeeds or throws something else.
    static func dataError(_ body: () throws -> Void) -> DataError? {
        do {
            try body()
            return nil
        } catch let error as DataError {
            return error
        } catch {
            return nil
        }
    }

    /// Everything under `directory`, as relative paths, for "nothing was left behind" checks.
    static func contents(of directory: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        return (enumerator.allObjects as? [String] ?? []).sorted()
    }
}

/// A fresh folder per test, removed afterwards, so tests can run in parallel.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("sadi-data-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}

/// A loopback server over `root` (the dataset mirror by default), stopped when `body` returns.
func withServer<T>(root: String = TestPaths.datasets, _ body: (LoopbackHTTPServer) throws -> T) throws -> T {
    let server = try LoopbackHTTPServer(root: URL(fileURLWithPath: root, isDirectory: true))
    defer { server.stop() }
    return try body(server)
}
