import Foundation

/// SHA-256 digests of large files (models), remembered by path, size and modification time
/// so a file of gigabytes is read once, not on every run. Entries are small JSON files
/// written atomically, so concurrent runs never see half an entry; a file that changed
/// (size or mtime) is hashed again.
public struct FileDigestCache: Sendable {
    /// Nil: nothing is remembered between calls.
    public let directory: String?

    public init(directory: String?) {
        self.directory = directory
    }

    struct Entry: Codable, Equatable {
        let path: String
        let size: Int64
        let modifiedNanoseconds: Int64
        let sha256: String
    }

    public func sha256(ofFile path: String) throws -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var info = stat()
        guard stat(absolute, &info) == 0 else { throw SHA256.FileError(path: path, errno: errno) }
        let size = Int64(info.st_size)
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        let entryPath = directory.map { $0 + "/" + SHA256.hex(of: Data(absolute.utf8)) + ".json" }
        if let entryPath, let data = FileManager.default.contents(atPath: entryPath),
            let entry = try? JSONDecoder().decode(Entry.self, from: data),
            entry.path == absolute, entry.size == size, entry.modifiedNanoseconds == modified
        {
            return entry.sha256
        }
        let digest = try SHA256.hex(ofFile: absolute)
        if let entryPath {
            let entry = Entry(path: absolute, size: size, modifiedNanoseconds: modified, sha256: digest)
            // A cache that cannot be written only costs a re-hash next time.
            try? AtomicFile.write(try JSONEncoder().encode(entry), to: entryPath)
        }
        return digest
    }
}

extension DataStore {
    /// Digests remembered under the data cache (`<cache>/digests`).
    public var digests: FileDigestCache {
        FileDigestCache(directory: cacheDirectory.appendingPathComponent("digests").path)
    }
}
