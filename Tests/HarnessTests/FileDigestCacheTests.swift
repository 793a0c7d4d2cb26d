import Foundation
import Harness
import TestSupport
import Testing

@Suite("Model digest cache")
struct FileDigestCacheTests {
    @Test("a file is hashed once, remembered by path, size and mtime, and hashed again when it changes")
    func remembersAndNotices() throws {
        let scratch = try TestPaths.scratchDirectory("digests")
        let file = scratch + "/model.bin"
        try Data("first version".utf8).write(to: URL(fileURLWithPath: file))
        let cache = FileDigestCache(directory: scratch + "/digests")
        let first = try cache.sha256(ofFile: file)
        #expect(first == SHA256.hex(of: Data("first version".utf8)))
        let entries = try FileManager.default.contentsOfDirectory(atPath: scratch + "/digests")
        #expect(entries.count == 1 && entries[0].hasSuffix(".json"))

        // The remembered digest is what the cache answers while size and mtime agree: plant a
        // different digest in the entry and it comes back (no re-hash happened).
        let entry = scratch + "/digests/" + entries[0]
        let planted = String(repeating: "f", count: 64)
        let text = try String(contentsOfFile: entry, encoding: .utf8).replacingOccurrences(of: first, with: planted)
        try text.write(toFile: entry, atomically: true, encoding: .utf8)
        #expect(try cache.sha256(ofFile: file) == planted)

        // A change of content (and size and mtime) is noticed.
        try Data("second, longer version".utf8).write(to: URL(fileURLWithPath: file))
        #expect(try cache.sha256(ofFile: file) == SHA256.hex(of: Data("second, longer version".utf8)))
        // A corrupt entry is ignored and replaced.
        try "not json".write(toFile: entry, atomically: true, encoding: .utf8)
        #expect(try cache.sha256(ofFile: file) == SHA256.hex(of: Data("second, longer version".utf8)))
        // No cache folder: always hashes.
        #expect(try FileDigestCache(directory: nil).sha256(ofFile: file) == SHA256.hex(of: Data("second, longer version".utf8)))
        #expect(throws: (any Error).self) { try cache.sha256(ofFile: scratch + "/missing") }
    }
}
