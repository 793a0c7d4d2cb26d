import Foundation
import TestSupport
import Testing

@testable import Harness

@Suite("DataStore: cache, mirrors, offline")
struct DataStoreTests {
    let copaDev = DataFixtures.file("copa/copa-dev.xml")

    @Test("fetches real files through a file:// mirror into <cache>/data/<path>")
    func fileMirror() throws {
        try withTemporaryDirectory { cache in
            let store = DataFixtures.store(cache: cache, mirror: DataFixtures.fileMirror)
            for path in ["copa/copa-dev.xml", "copa/copa.dtd", "copa/gold.dev", "boolq/dev.jsonl"] {
                let file = DataFixtures.file(path)
                let url = try store.fetch(file)
                #expect(url.path == cache.path + "/data/" + path)
                #expect(try SHA256.hex(ofFile: url.path) == file.sha256)
                #expect(FileManager.default.contents(atPath: url.path) == DataFixtures.bytes(path))
            }
            #expect(!DataFixtures.contents(of: cache).contains { $0.hasSuffix(".partial") })
        }
    }

    @Test("a bare folder path works as a mirror")
    func folderMirror() throws {
        try withTemporaryDirectory { cache in
            let store = DataFixtures.store(cache: cache, mirror: TestPaths.datasets + "/")
            #expect(try store.sourceURL(for: copaDev) == DataFixtures.fileMirror + "copa/copa-dev.xml")
            _ = try store.fetch(copaDev)
        }
    }

    @Test("fetches over loopback HTTP, then serves the verified cache without contacting the server")
    func loopbackThenCache() throws {
        try withTemporaryDirectory { cache in
            try withServer { server in
                let store = DataFixtures.store(cache: cache, mirror: server.baseURL)
                let first = try store.fetch(copaDev)
                #expect(try SHA256.hex(ofFile: first.path) == copaDev.sha256)
                #expect(server.requests.count == 1)

                let again = DataFixtures.store(cache: cache, mirror: server.baseURL)
                #expect(try again.fetch(copaDev) == first)
                #expect(server.requests.count == 1)
                let offline = DataFixtures.store(cache: cache, mirror: nil, offline: true)
                #expect(try offline.fetch(copaDev) == first)
                #expect(server.requests.count == 1)
            }
        }
    }

    @Test("offline with an empty cache is one clear error")
    func offlineEmptyCache() throws {
        try withTemporaryDirectory { cache in
            let store = DataFixtures.store(cache: cache, mirror: DataFixtures.fileMirror, offline: true)
            let error = DataFixtures.dataError { _ = try store.fetch(copaDev) }
            let expectedPath = cache.path + "/data/copa/copa-dev.xml"
            #expect(error == .notCached(path: "copa/copa-dev.xml", cachePath: expectedPath, problem: nil))
            #expect(
                error?.description == "offline and copa/copa-dev.xml is not in the cache at \(expectedPath); run once without --offline.")
            #expect(DataFixtures.contents(of: cache).isEmpty)
        }
    }

    @Test("a corrupt cached file is detected and downloaded again (and refused offline)")
    func corruptCacheReplaced() throws {
        try withTemporaryDirectory { cache in
            try withServer { server in
                let store = DataFixtures.store(cache: cache, mirror: server.baseURL)
                let target = store.cachedLocation(of: copaDev)
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                var damaged = DataFixtures.bytes(copaDev.path)
                damaged[100] ^= 0x20
                try damaged.write(to: target)

                let offline = DataFixtures.store(cache: cache, mirror: nil, offline: true)
                let error = DataFixtures.dataError { _ = try offline.fetch(copaDev) }
                guard case let .notCached(_, _, problem?) = error else {
                    Issue.record("expected notCached with a problem, got \(String(describing: error))")
                    return
                }
                #expect(problem.contains(SHA256.hex(of: damaged)) && problem.contains(copaDev.sha256))

                #expect(try store.fetch(copaDev) == target)
                #expect(try SHA256.hex(ofFile: target.path) == copaDev.sha256)
                #expect(server.requests.count == 1)
            }
        }
    }

    @Test("an unwritable cache directory is one clear error")
    func unwritableCache() throws {
        try withTemporaryDirectory { folder in
            // A path below a regular file cannot be created, even by root (unlike chmod 0555).
            let blocker = folder.appendingPathComponent("not-a-folder")
            try Data("x".utf8).write(to: blocker)
            let store = DataFixtures.store(cache: blocker.appendingPathComponent("cache"), mirror: DataFixtures.fileMirror)
            let error = DataFixtures.dataError { _ = try store.fetch(copaDev) }
            guard case let .cacheNotWritable(directory, _) = error else {
                Issue.record("expected cacheNotWritable, got \(String(describing: error))")
                return
            }
            #expect(directory.hasPrefix(blocker.path))
            #expect(error!.description.hasPrefix("cannot write to the cache directory \(directory): "))
            #expect(error!.description.hasSuffix("; set SADI_CACHE to a writable folder."))
        }
    }

    @Test("SADI_CACHE and SADI_DATA_MIRROR configure the store; --data-mirror wins")
    func environment() {
        let env = ["SADI_CACHE": "/tmp/sadi-cache-x", "SADI_DATA_MIRROR": "file:///mirror", "HOME": "/home/u"]
        let fromEnv = DataStore.fromEnvironment(environment: env)
        #expect(fromEnv.cacheDirectory.path == "/tmp/sadi-cache-x")
        #expect(fromEnv.mirror == "file:///mirror")
        #expect(!fromEnv.offline)
        let flagged = DataStore.fromEnvironment(mirror: "http://127.0.0.1:1", offline: true, environment: env)
        #expect(flagged.mirror == "http://127.0.0.1:1")
        #expect(flagged.offline)
        let defaults = DataStore.fromEnvironment(environment: ["HOME": "/home/u", "SADI_DATA_MIRROR": ""])
        #expect(defaults.cacheDirectory.path == "/home/u/.cache/sadi-eval")
        #expect(defaults.mirror == nil)
        #expect(DataStore.fromEnvironment(environment: ["XDG_CACHE_HOME": "/x"]).cacheDirectory.path == "/x/sadi-eval")
    }

    @Test("a mirror that is not a URL, and a path leaving its folder, are rejected")
    func invalidInputs() throws {
        try withTemporaryDirectory { cache in
            let store = DataFixtures.store(cache: cache, mirror: "mirror.example.org/data")
            #expect(DataFixtures.dataError { _ = try store.fetch(copaDev) } == .invalidMirror("mirror.example.org/data"))
            let escaping = DataFile(path: "../escape.txt", url: "http://127.0.0.1/x", sha256: copaDev.sha256)
            #expect(DataFixtures.dataError { _ = try store.fetch(escaping) } == .invalidPath("../escape.txt"))
        }
    }

    @Test("a file:// mirror without the file names it")
    func fileMirrorMissingFile() throws {
        try withTemporaryDirectory { cache in
            let store = DataFixtures.store(cache: cache, mirror: DataFixtures.fileMirror)
            let missing = DataFile(path: "copa/no-such-file.xml", url: "", sha256: copaDev.sha256)
            let error = DataFixtures.dataError { _ = try store.fetch(missing) }
            guard case let .unreadableSource(url, path, _) = error else {
                Issue.record("expected unreadableSource, got \(String(describing: error))")
                return
            }
            #expect(url == DataFixtures.fileMirror + "copa/no-such-file.xml")
            #expect(path == "copa/no-such-file.xml")
            #expect(!FileManager.default.fileExists(atPath: store.cachedLocation(of: missing).path + ".partial"))
        }
    }
}
