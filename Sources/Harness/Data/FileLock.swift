import Foundation

/// An exclusive advisory lock (flock) on `<path>`, held while `body` runs, so processes that
/// share a cache or a results folder take turns: two runs on a cold cache do not write one
/// download's partial file at once, two finishing runs do not rewrite the leaderboard from
/// stale listings. The lock file stays (empty); the kernel releases the lock if the holder dies.
public enum FileLock {
    public static func withLock<T>(_ path: String, _ body: () throws -> T) throws -> T {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw HarnessError.fileSystem(path: path, detail: "cannot create the lock file (\(String(cString: strerror(errno))))")
        }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw HarnessError.fileSystem(path: path, detail: "cannot lock (\(String(cString: strerror(errno))))")
            }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}
