import Foundation
import TestSupport
import Testing

@testable import Harness

/// Upstream COPA ships as COPA-resources.tgz; here a small .tgz with the real files plays
/// upstream on a loopback server (no mirror), as it would for a first run without ../shared.
@Suite("DataStore: files inside an upstream archive")
struct DataStoreArchiveTests {
    static let members = [
        "copa/copa-dev.xml": "COPA-resources/datasets/copa-dev.xml",
        "copa/copa.dtd": "COPA-resources/datasets/copa.dtd",
    ]

    /// Builds `<root>/downloads/COPA-resources.tgz` and returns its sha256.
    static func buildArchive(in root: URL) throws -> String {
        let staging = root.appendingPathComponent("staging")
        for (path, member) in members {
            let destination = staging.appendingPathComponent(member)
            try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            try DataFixtures.bytes(path).write(to: destination)
        }
        let downloads = root.appendingPathComponent("downloads")
        try FileManager.default.createDirectory(at: downloads, withIntermediateDirectories: true)
        let archive = downloads.appendingPathComponent("COPA-resources.tgz")
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "-czf", archive.path, "-C", staging.path, "COPA-resources"]
        try tar.run()
        tar.waitUntilExit()
        #expect(tar.terminationStatus == 0)
        return try SHA256.hex(ofFile: archive.path)
    }

    static func file(_ path: String, server: LoopbackHTTPServer, archiveSHA: String, member: String? = nil) -> DataFile {
        let manifest = DataFixtures.file(path)
        return DataFile(
            path: path, url: server.baseURL + "/downloads/COPA-resources.tgz", sha256: manifest.sha256,
            archive: ArchiveMember(member: member ?? members[path]!, sha256: archiveSHA))
    }

    @Test("downloads the archive once, extracts and verifies each member; offline re-extracts from the cached archive")
    func extractsMembers() throws {
        try withTemporaryDirectory { folder in
            let upstream = folder.appendingPathComponent("upstream")
            let archiveSHA = try Self.buildArchive(in: upstream)
            let cache = folder.appendingPathComponent("cache")
            try withServer(root: upstream.path) { server in
                let store = DataFixtures.store(cache: cache, mirror: nil)
                for path in Self.members.keys.sorted() {
                    let url = try store.fetch(Self.file(path, server: server, archiveSHA: archiveSHA))
                    #expect(url.path == cache.path + "/data/" + path)
                    #expect(FileManager.default.contents(atPath: url.path) == DataFixtures.bytes(path))
                }
                #expect(server.requests.map(\.path) == ["/downloads/COPA-resources.tgz"])
                let cachedArchive = cache.path + "/archives/127.0.0.1/downloads/COPA-resources.tgz"
                #expect(try SHA256.hex(ofFile: cachedArchive) == archiveSHA)

                try FileManager.default.removeItem(atPath: cache.path + "/data/copa/copa-dev.xml")
                let offline = DataFixtures.store(cache: cache, mirror: nil, offline: true)
                _ = try offline.fetch(Self.file("copa/copa-dev.xml", server: server, archiveSHA: archiveSHA))
                #expect(server.requests.count == 1)
            }
        }
    }

    @Test("a wrong archive hash is a checksum error and leaves no archive behind")
    func wrongArchiveHash() throws {
        try withTemporaryDirectory { folder in
            let upstream = folder.appendingPathComponent("upstream")
            let archiveSHA = try Self.buildArchive(in: upstream)
            let cache = folder.appendingPathComponent("cache")
            try withServer(root: upstream.path) { server in
                let wrongSHA = String(repeating: "0", count: 64)
                let file = Self.file("copa/copa-dev.xml", server: server, archiveSHA: wrongSHA)
                let error = DataFixtures.dataError { _ = try DataFixtures.store(cache: cache, mirror: nil).fetch(file) }
                #expect(error == .checksumMismatch(path: "COPA-resources.tgz", url: file.url, expected: wrongSHA, actual: archiveSHA))
                #expect(
                    DataFixtures.contents(of: cache).allSatisfy {
                        !$0.hasSuffix(".tgz") && !$0.hasSuffix(".partial") && !$0.hasSuffix(".xml")
                    })
            }
        }
    }

    @Test("a member missing from the archive is an extraction error and leaves no partial")
    func missingMember() throws {
        try withTemporaryDirectory { folder in
            let upstream = folder.appendingPathComponent("upstream")
            let archiveSHA = try Self.buildArchive(in: upstream)
            let cache = folder.appendingPathComponent("cache")
            try withServer(root: upstream.path) { server in
                let file = Self.file(
                    "copa/copa-dev.xml", server: server, archiveSHA: archiveSHA,
                    member: "COPA-resources/datasets/nope.xml")
                let error = DataFixtures.dataError { _ = try DataFixtures.store(cache: cache, mirror: nil).fetch(file) }
                guard case let .extractionFailed(_, member, reason) = error else {
                    Issue.record("expected extractionFailed, got \(String(describing: error))")
                    return
                }
                #expect(member == "COPA-resources/datasets/nope.xml")
                #expect(!reason.isEmpty)
                #expect(!FileManager.default.fileExists(atPath: cache.path + "/data/copa/copa-dev.xml.partial"))
                #expect(!FileManager.default.fileExists(atPath: cache.path + "/data/copa/copa-dev.xml"))
            }
        }
    }

    @Test("with a mirror, the extracted file is fetched directly and the archive is never used")
    func mirrorSkipsArchive() throws {
        try withTemporaryDirectory { cache in
            let file = DataFile(
                path: "copa/copa-dev.xml", url: "https://asgordon.github.io/downloads/COPA-resources.tgz",
                sha256: DataFixtures.file("copa/copa-dev.xml").sha256,
                archive: ArchiveMember(
                    member: "COPA-resources/datasets/copa-dev.xml",
                    sha256: "5145348834d2081ad90da0397d1db3d70fa044e506bd8ce224194d24b04cdbbe"))
            let url = try DataFixtures.store(cache: cache, mirror: DataFixtures.fileMirror).fetch(file)
            #expect(try SHA256.hex(ofFile: url.path) == file.sha256)
            #expect(!FileManager.default.fileExists(atPath: cache.path + "/archives"))
        }
    }
}
