import Foundation

extension DataStore {
    enum CachedState: Equatable {
        case missing
        case verified
        case corrupt(actual: String)
    }

    func cachedState(_ path: String, sha256 expected: String) throws -> CachedState {
        guard FileManager.default.fileExists(atPath: path) else { return .missing }
        let actual = try hash(path)
        return actual == expected.lowercased() ? .verified : .corrupt(actual: actual)
    }

    /// Downloads `url` into `<target>.partial` (continuing what an interrupted run left),
    /// retrying transient failures with exponential backoff, then verifies the sha256 and
    /// renames the file into place. On a mismatch the partial is deleted, so nothing
    /// unverified survives; on a transient failure that outlasts the retries it is kept,
    /// for the next run's Range request.
    func download(from url: String, to target: URL, sha256 expected: String, label: String) throws {
        let partial = target.path + ".partial"
        let limits = TransferLimits(connectTimeout: connectTimeout, lowSpeedTime: lowSpeedTime)
        var attempts = 0
        // Bytes stitched from two responses (or left by an earlier run) may come from different
        // versions of the file; allow one fresh start when such a file fails to verify or the
        // server refuses to continue it.
        var resumed = false
        var restarted = false
        var mayRestart: Bool { resumed && !restarted }
        let bar =
            progress && ProgressBar.shouldDraw(forced: forceProgressBar)
            ? ProgressBar(label: label, write: progressOutput) : nil

        while true {
            attempts += 1
            if fileSize(partial) > 0 { resumed = true }
            let result = CurlTransfer.download(
                url: url, into: partial, limits: limits,
                progress: bar.map { bar in { bar.update(received: $0, total: $1) } })
            switch result {
            case let .success(size):
                let actual = try hash(partial)
                if actual == expected.lowercased() {
                    bar?.finish(received: size)
                    try promote(partial, to: target.path)
                    return
                }
                try removeIfPresent(partial)
                if mayRestart {
                    restarted = true
                    note("\(label): the continued download did not verify; starting it again from the beginning")
                    continue
                }
                throw DataError.checksumMismatch(path: label, url: url, expected: expected.lowercased(), actual: actual)

            case let .failure(failure):
                if failure.kind == .cannotResume, mayRestart {
                    restarted = true
                    // A 416 for a partial that is already whole: an earlier run died before the rename.
                    if try hash(partial) == expected.lowercased() {
                        bar?.finish(received: fileSize(partial))
                        try promote(partial, to: target.path)
                        return
                    }
                    try removeIfPresent(partial)
                    continue
                }
                if failure.isTransient, attempts <= retries {
                    let delay = backoff(beforeRetry: attempts, retryAfter: failure.retryAfter)
                    note("\(label): \(Self.summary(of: failure)); retry \(attempts) of \(retries) in \(String(format: "%.1f", delay)) s")
                    Thread.sleep(forTimeInterval: delay)
                    continue
                }
                // Keep only a partial worth continuing: transient failure, and bytes in it.
                if !failure.isTransient || fileSize(partial) == 0 { try? removeIfPresent(partial) }
                throw error(for: failure, requested: url, label: label, attempts: attempts)
            }
        }
    }

    func backoff(beforeRetry retry: Int, retryAfter: TimeInterval?) -> TimeInterval {
        let exponential = min(30, retryDelay * pow(2, Double(retry - 1)))
        // Honour a server's Retry-After, within reason for an interactive tool.
        return max(exponential, min(retryAfter ?? 0, 60))
    }

    private func error(for failure: TransferFailure, requested url: String, label: String, attempts: Int) -> DataError {
        switch failure.kind {
        case let .http(code):
            return .httpStatus(code: code, url: failure.url, path: label, attempts: attempts)
        case .connect:
            return .couldNotConnect(url: url, attempts: attempts, reason: failure.message)
        case .timeout:
            return .timedOut(url: url, attempts: attempts, reason: failure.message)
        case .unreadableSource:
            return .unreadableSource(url: url, path: label, reason: failure.message)
        case let .write(code):
            return .cacheNotWritable(directory: cacheDirectory.path, reason: String(cString: strerror(code)))
        case .interrupted, .cannotResume, .other:
            return .transferFailed(url: url, attempts: attempts, reason: failure.message)
        }
    }

    private static func summary(of failure: TransferFailure) -> String {
        if case let .http(code) = failure.kind { return "HTTP \(code)" }
        return failure.message
    }

    func note(_ message: String) {
        guard progress else { return }
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    // MARK: - File system

    func hash(_ path: String) throws -> String {
        do {
            return try SHA256.hex(ofFile: path)
        } catch let error as SHA256.FileError {
            throw DataError.cacheNotWritable(
                directory: cacheDirectory.path,
                reason: "cannot read \(path) (\(String(cString: strerror(error.errno))))")
        }
    }

    /// rename(2) within one folder is atomic: readers see the old state or the verified file.
    func promote(_ partial: String, to target: String) throws {
        guard rename(partial, target) == 0 else {
            let reason = String(cString: strerror(errno))
            try? removeIfPresent(partial)
            throw DataError.cacheNotWritable(directory: cacheDirectory.path, reason: "cannot rename \(partial) (\(reason))")
        }
        // Make the rename itself durable, not only the file's bytes.
        let folder = open((target as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            _ = fsync(folder)
            close(folder)
        }
    }

    func removeIfPresent(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else {
            throw DataError.cacheNotWritable(
                directory: cacheDirectory.path,
                reason: "cannot remove \(path) (\(String(cString: strerror(errno))))")
        }
    }

    /// mkdir -p with POSIX calls, so a failure reports the errno of the folder that failed.
    func makeDirectory(_ url: URL) throws {
        var path = ""
        for component in url.standardizedFileURL.path.split(separator: "/") {
            path += "/" + component
            if mkdir(path, 0o755) != 0 && errno != EEXIST {
                throw DataError.cacheNotWritable(directory: path, reason: String(cString: strerror(errno)))
            }
        }
        guard access(url.path, W_OK) == 0 else {
            throw DataError.cacheNotWritable(directory: url.path, reason: String(cString: strerror(errno)))
        }
    }

    private func fileSize(_ path: String) -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : 0
    }
}
