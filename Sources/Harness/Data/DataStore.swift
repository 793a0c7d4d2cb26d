import Foundation

/// Provides verified local copies of task data files: from the cache when it holds the
/// right bytes, otherwise downloaded through libcurl (from a mirror or upstream), checked
/// against the sha256 and then renamed into `<cache>/data/<path>`. A file in that place has
/// always been verified, so no later run can pick up half a download.
public struct DataStore: Sendable {
    public let cacheDirectory: URL
    /// Base URL replacing every upstream URL; holds the same relative paths as ../shared/datasets.
    public let mirror: String?
    /// Use the cache only and never touch the network.
    public let offline: Bool
    /// Extra attempts after the first for transient failures (connection, timeout, 5xx, 429).
    public let retries: Int
    public let connectTimeout: TimeInterval
    /// Seconds below 1 KB/s after which a transfer counts as stalled.
    public let lowSpeedTime: TimeInterval
    /// Backoff before retry n is `retryDelay * 2^(n-1)`, capped at 30 s.
    public let retryDelay: TimeInterval
    /// Report on stderr: a progress bar on a terminal (or always, if forced) and retry notes.
    public let progress: Bool
    public let forceProgressBar: Bool
    /// Where the progress bar's text goes: stderr (tests substitute a sink).
    var progressOutput: @Sendable (String) -> Void = ProgressBar.writeToStandardError

    public init(
        cacheDirectory: URL, mirror: String?, offline: Bool, retries: Int = 4,
        connectTimeout: TimeInterval = 15, lowSpeedTime: TimeInterval = 30,
        retryDelay: TimeInterval = 0.5, progress: Bool, forceProgressBar: Bool = false
    ) {
        self.cacheDirectory = cacheDirectory
        self.mirror = mirror.flatMap { $0.isEmpty ? nil : $0 }
        self.offline = offline
        self.retries = max(0, retries)
        self.connectTimeout = connectTimeout
        self.lowSpeedTime = lowSpeedTime
        self.retryDelay = retryDelay
        self.progress = progress
        self.forceProgressBar = forceProgressBar
    }

    /// Where a verified copy of `file` lives (whether or not it is there yet).
    public func cachedLocation(of file: DataFile) -> URL {
        cacheDirectory.appendingPathComponent("data").appendingPathComponent(file.path)
    }

    /// The URL `fetch` downloads `file` from: the mirror's copy, else upstream (an archive
    /// when `file.archive` is set).
    public func sourceURL(for file: DataFile) throws -> String {
        guard let base = try mirrorBase() else { return file.url }
        let encoded = file.path.split(separator: "/").map {
            String($0).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? String($0)
        }.joined(separator: "/")
        return base + "/" + encoded
    }

    /// Returns the location of a verified copy of `file`, downloading it if needed. Runs
    /// sharing the cache take turns per file (a lock beside it): the second finds the first's
    /// verified copy instead of writing the same partial file.
    public func fetch(_ file: DataFile) throws -> URL {
        try Self.checkRelativePath(file.path)
        let target = cachedLocation(of: file)
        let state = try cachedState(target.path, sha256: file.sha256)
        if case .verified = state { return target }
        // Offline, nothing will be fetched: the error comes before any lock file is made.
        if offline, case .missing = state, file.archive == nil || mirror != nil {
            throw DataError.notCached(path: file.path, cachePath: target.path, problem: nil)
        }
        if offline, case let .corrupt(actual) = state {
            throw DataError.notCached(path: file.path, cachePath: target.path, problem: "sha256 \(actual), expected \(file.sha256)")
        }
        try makeDirectory(target.deletingLastPathComponent())
        return try FileLock.withLock(try lockPath(for: target)) { try fetchLocked(file, target: target) }
    }

    /// `<cache>/locks/<sha256 of the path>.lock`: apart from the data, so a failed fetch
    /// leaves nothing beside it, and never deleted (deleting a lock file others wait on would
    /// let two runs hold "the" lock at once).
    func lockPath(for target: URL) throws -> String {
        let locks = cacheDirectory.appendingPathComponent("locks")
        try makeDirectory(locks)
        return locks.appendingPathComponent(SHA256.hex(of: Array(target.path.utf8)) + ".lock").path
    }

    private func fetchLocked(_ file: DataFile, target: URL) throws -> URL {
        switch try cachedState(target.path, sha256: file.sha256) {
        case .verified:
            return target
        case let .corrupt(actual):
            if offline {
                throw DataError.notCached(
                    path: file.path, cachePath: target.path,
                    problem: "sha256 \(actual), expected \(file.sha256)")
            }
            // Known-bad bytes: drop them and fetch afresh.
            try removeIfPresent(target.path)
        case .missing:
            if offline, file.archive == nil || mirror != nil {
                throw DataError.notCached(path: file.path, cachePath: target.path, problem: nil)
            }
        }
        try makeDirectory(target.deletingLastPathComponent())

        if mirror == nil, let archive = file.archive {
            try fetchFromArchive(file, archive: archive, target: target)
        } else {
            try download(from: sourceURL(for: file), to: target, sha256: file.sha256, label: file.path)
        }
        return target
    }

    /// Upstream ships the file inside an archive: cache the verified archive (once for all its
    /// members), then extract the member and verify it before it takes its place.
    private func fetchFromArchive(_ file: DataFile, archive: ArchiveMember, target: URL) throws {
        let archiveFile = archiveLocation(for: file.url)
        switch try cachedState(archiveFile.path, sha256: archive.sha256) {
        case .verified:
            break
        case let .corrupt(actual):
            if offline {
                throw DataError.notCached(
                    path: file.path, cachePath: archiveFile.path,
                    problem: "not extracted, and its archive has sha256 \(actual), expected \(archive.sha256)")
            }
            try removeIfPresent(archiveFile.path)
            fallthrough
        case .missing:
            if offline {
                throw DataError.notCached(path: file.path, cachePath: target.path, problem: nil)
            }
            try makeDirectory(archiveFile.deletingLastPathComponent())
            try FileLock.withLock(try lockPath(for: archiveFile)) {
                // Another run may have fetched it while this one waited.
                if case .verified = try cachedState(archiveFile.path, sha256: archive.sha256) { return }
                try download(from: file.url, to: archiveFile, sha256: archive.sha256, label: archiveFile.lastPathComponent)
            }
        }
        let partial = target.path + ".partial"
        do {
            try ArchiveExtractor.extract(member: archive.member, from: archiveFile.path, to: partial)
        } catch {
            try? removeIfPresent(partial)
            throw error
        }
        let actual = try hash(partial)
        guard actual == file.sha256 else {
            try? removeIfPresent(partial)
            throw DataError.checksumMismatch(
                path: file.path, url: "\(file.url) :: \(archive.member)",
                expected: file.sha256, actual: actual)
        }
        try promote(partial, to: target.path)
    }

    /// `<cache>/archives/<host>/<path of the URL>`, so archives from different places never collide.
    func archiveLocation(for url: String) -> URL {
        let archives = cacheDirectory.appendingPathComponent("archives")
        guard let parsed = URL(string: url), let host = parsed.host, !parsed.path.isEmpty,
            (try? Self.checkRelativePath(String(parsed.path.dropFirst()))) != nil
        else {
            return archives.appendingPathComponent(SHA256.hex(of: Array(url.utf8)))
        }
        return archives.appendingPathComponent(host).appendingPathComponent(String(parsed.path.dropFirst()))
    }

    /// The mirror as a base URL without a trailing slash; an absolute folder path becomes file://.
    func mirrorBase() throws -> String? {
        guard let mirror else { return nil }
        var base = mirror
        if base.hasPrefix("/") {
            base = URL(fileURLWithPath: base, isDirectory: true).absoluteString
        } else if !["http://", "https://", "file://"].contains(where: { base.lowercased().hasPrefix($0) }) {
            throw DataError.invalidMirror(mirror)
        }
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    /// Task cards are data; a path must stay inside the cache.
    static func checkRelativePath(_ path: String) throws {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, !path.hasPrefix("/"), !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            throw DataError.invalidPath(path)
        }
    }
}
