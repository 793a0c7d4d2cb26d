import Foundation
import TestSupport
import Testing

@testable import Harness

/// Each test starts its own loopback server over ../shared/datasets and injects one fault.
@Suite("Download faults over loopback HTTP")
struct DownloadFaultTests {
    let copaDev = DataFixtures.file("copa/copa-dev.xml")
    let path = "/copa/copa-dev.xml"

    @Test("HTTP 500 twice, then success: retried")
    func serverErrorRetried() throws {
        try withTemporaryDirectory { cache in
            try withServer { server in
                server.setFault(.status(500, times: 2), for: path)
                let url = try DataFixtures.store(cache: cache, mirror: server.baseURL).fetch(copaDev)
                #expect(try SHA256.hex(ofFile: url.path) == copaDev.sha256)
                #expect(server.requests.map(\.status) == [500, 500, 200])
            }
        }
    }

    @Test("HTTP 503 beyond the retries: error names status, URL and attempts")
    func serverErrorExhausted() throws {
        try withTemporaryDirectory { cache in
            try withServer { server in
                server.setFault(.status(503, times: 100), for: path)
                let store = DataFixtures.store(cache: cache, mirror: server.baseURL, retries: 2)
                let error = DataFixtures.dataError { _ = try store.fetch(copaDev) }
                let url = server.baseURL + path
                #expect(error == .httpStatus(code: 503, url: url, path: copaDev.path, attempts: 3))
                #expect(error?.description.hasPrefix("HTTP 503 for \(url) after 3 attempts; check --data-mirror") == true)
                #expect(server.requests.count == 3)
                #expect(DataFixtures.contents(of: cache).allSatisfy { !$0.hasSuffix(".xml") && !$0.hasSuffix(".partial") })
            }
        }
    }

    @Test("connection dropped mid-body: resumed with a Range request")
    func droppedConnectionResumes() throws {
        try withTemporaryDirectory { cache in
            try withServer { server in
                server.setFault(.dropAfter(bytes: 40_000), for: path)
                let url = try DataFixtures.store(cache: cache, mirror: server.baseURL).fetch(copaDev)
                #expect(FileManager.default.contents(atPath: url.path) == DataFixtures.bytes(copaDev.path))
                let requests = server.requests
                #expect(requests.count == 2)
                #expect(requests.first?.range == nil)
                #expect(requests.last?.range == "bytes=40000-")
                #expect(requests.last?.status == 206)
            }
        }
    }

    @Test("a partial file left by an earlier run is continued, not restarted")
    func leftoverPartialContinued() throws {
        try withTemporaryDirectory { cache in
            try withServer { server in
                let store = DataFixtures.store(cache: cache, mirror: server.baseURL)
                let target = store.cachedLocation(of: copaDev)
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try DataFixtures.bytes(copaDev.path).prefix(50_000).write(to: URL(fileURLWithPath: target.path + ".partial"))
                _ = try store.fetch(copaDev)
                #expect(try SHA256.hex(ofFile: target.path) == copaDev.sha256)
                #expect(server.requests.map(\.range) == ["bytes=50000-"])
                #expect(!FileManager.default.fileExists(atPath: target.path + ".partial"))
            }
        }
    }

    @Test("a server that ignores the range (200) restarts the file cleanly")
    func rangeIgnored() throws {
        try withTemporaryDirectory { cache in
            try withServer { server in
                server.setFault(.ignoreRange, for: path)
                let store = DataFixtures.store(cache: cache, mirror: server.baseURL)
                let target = store.cachedLocation(of: copaDev)
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try DataFixtures.bytes(copaDev.path).prefix(30_000).write(to: URL(fileURLWithPath: target.path + ".partial"))
                _ = try store.fetch(copaDev)
                #expect(FileManager.default.contents(atPath: target.path) == DataFixtures.bytes(copaDev.path))
                #expect(server.requests.map(\.status) == [200])
            }
        }
    }

    @Test("a leftover partial from other bytes fails to verify once, then downloads afresh")
    func foreignPartialDiscarded() throws {
        try withTemporaryDirectory { cache in
            try withServer { server in
                let store = DataFixtures.store(cache: cache, mirror: server.baseURL)
                let target = store.cachedLocation(of: copaDev)
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(repeating: 0x41, count: 1000).write(to: URL(fileURLWithPath: target.path + ".partial"))
                _ = try store.fetch(copaDev)
                #expect(try SHA256.hex(ofFile: target.path) == copaDev.sha256)
                #expect(server.requests.map(\.range) == ["bytes=1000-", nil])
            }
        }
    }

    @Test("a complete partial (HTTP 416 for its range) is verified and kept")
    func completePartialPromoted() throws {
        try withTemporaryDirectory { cache in
            try withServer { server in
                let store = DataFixtures.store(cache: cache, mirror: server.baseURL)
                let target = store.cachedLocation(of: copaDev)
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try DataFixtures.bytes(copaDev.path).write(to: URL(fileURLWithPath: target.path + ".partial"))
                _ = try store.fetch(copaDev)
                #expect(try SHA256.hex(ofFile: target.path) == copaDev.sha256)
                #expect(server.requests.map(\.status) == [416])
            }
        }
    }

    @Test("wrong bytes: checksum error with both hashes, nothing cached, a later fetch succeeds")
    func wrongBytes() throws {
        try withTemporaryDirectory { cache in
            try withServer { server in
                let wrong = DataFixtures.bytes("copa/copa-test.xml")
                server.setFault(.body(wrong), for: path)
                let store = DataFixtures.store(cache: cache, mirror: server.baseURL)
                let error = DataFixtures.dataError { _ = try store.fetch(copaDev) }
                let url = server.baseURL + path
                let actual = SHA256.hex(of: wrong)
                #expect(error == .checksumMismatch(path: copaDev.path, url: url, expected: copaDev.sha256, actual: actual))
                #expect(
                    error?.description
                        == "checksum mismatch for copa/copa-dev.xml from \(url): expected \(copaDev.sha256), got \(actual); the file was not cached."
                )
                #expect(server.requests.count == 1)
                #expect(DataFixtures.contents(of: cache).allSatisfy { !$0.hasPrefix("data/copa/") })

                server.setFault(nil, for: path)
                let url2 = try store.fetch(copaDev)
                #expect(try SHA256.hex(ofFile: url2.path) == copaDev.sha256)
            }
        }
    }

    @Test("HTTP 404: clear error naming status and URL, not retried")
    func notFound() throws {
        try withTemporaryDirectory { cache in
            try withServer { server in
                server.setFault(.notFound, for: path)
                let error = DataFixtures.dataError { _ = try DataFixtures.store(cache: cache, mirror: server.baseURL).fetch(copaDev) }
                let url = server.baseURL + path
                #expect(error == .httpStatus(code: 404, url: url, path: copaDev.path, attempts: 1))
                #expect(error?.description.hasPrefix("HTTP 404 for \(url); check --data-mirror / SADI_DATA_MIRROR") == true)
                #expect(server.requests.count == 1)
                #expect(DataFixtures.contents(of: cache).allSatisfy { !$0.hasPrefix("data/copa/") })
            }
        }
    }

    /// The server never answers (and, should the client wait for ever, hangs up after 30 s, which
    /// gives another error); the store's own stall limit, 1 s below 1024 bytes/s, must end each attempt.
    @Test("a stalled server is given up on by the store's stall limit, after the retries")
    func stalledServer() throws {
        try withTemporaryDirectory { cache in
            try withServer { server in
                server.setFault(.stall, for: path)
                let store = DataFixtures.store(cache: cache, mirror: server.baseURL, retries: 1)
                #expect(store.lowSpeedTime == 1)
                let error = DataFixtures.dataError { _ = try store.fetch(copaDev) }
                guard case let .timedOut(url, attempts, reason) = error else {
                    Issue.record("expected timedOut, got \(String(describing: error))")
                    return
                }
                #expect(url == server.baseURL + path)
                #expect(attempts == 2)
                // libcurl names the limit that fired: the store's, not a default.
                #expect(reason == "Operation too slow. Less than 1024 bytes/sec transferred the last 1 seconds")
                #expect(server.requests.map(\.status) == [0, 0], "two requests, neither answered")
                #expect(!FileManager.default.fileExists(atPath: store.cachedLocation(of: copaDev).path))
                #expect(!FileManager.default.fileExists(atPath: store.cachedLocation(of: copaDev).path + ".partial"))
            }
        }
    }

    @Test("a redirect is followed")
    func redirectFollowed() throws {
        try withTemporaryDirectory { cache in
            try withServer { server in
                server.setFault(.redirect(to: path), for: "/old" + path)
                let store = DataFixtures.store(cache: cache, mirror: server.baseURL + "/old")
                let url = try store.fetch(copaDev)
                #expect(try SHA256.hex(ofFile: url.path) == copaDev.sha256)
                #expect(server.requests.map(\.status) == [302, 200])
                #expect(server.requests.map(\.path) == ["/old" + path, path])
            }
        }
    }

    @Test("a redirect to a file:// URL is refused")
    func redirectToFileRefused() throws {
        try withTemporaryDirectory { cache in
            try withServer { server in
                server.setFault(.redirect(to: DataFixtures.fileMirror + "copa/copa-dev.xml"), for: path)
                let error = DataFixtures.dataError { _ = try DataFixtures.store(cache: cache, mirror: server.baseURL).fetch(copaDev) }
                guard case let .transferFailed(_, attempts, _) = error else {
                    Issue.record("expected transferFailed, got \(String(describing: error))")
                    return
                }
                #expect(attempts == 1)
                #expect(!FileManager.default.fileExists(atPath: cache.path + "/data/copa/copa-dev.xml"))
            }
        }
    }

    /// The kernel drops the SYNs, so only a client-side timer ends the connect; without the
    /// store's, the kernel gives up after ~2 min with "Couldn't connect to server".
    @Test("a host that never completes the TCP handshake hits the store's connect timeout, after the retries")
    func connectTimeout() throws {
        try withTemporaryDirectory { cache in
            let blackHole = try LoopbackHTTPServer.Unresponsive()
            defer { blackHole.release() }
            let store = DataStore(
                cacheDirectory: cache, mirror: "http://127.0.0.1:\(blackHole.port)", offline: false,
                retries: 1, connectTimeout: 1, lowSpeedTime: 30, retryDelay: 0.01, progress: false)
            let error = DataFixtures.dataError { _ = try store.fetch(copaDev) }
            guard case let .timedOut(url, attempts, reason) = error else {
                Issue.record("expected timedOut, got \(String(describing: error))")
                return
            }
            #expect(url == "http://127.0.0.1:\(blackHole.port)" + path)
            #expect(attempts == 2)
            // "Failed to connect to 127.0.0.1 port P after N ms: Timeout was reached": the connect
            // phase timed out, and not before the 1 s the store allows (libcurl measures N).
            let prefix = "Failed to connect to 127.0.0.1 port \(blackHole.port) after "
            #expect(reason.hasPrefix(prefix) && reason.hasSuffix(" ms: Timeout was reached"), "\(reason)")
            let waited = Int(reason.dropFirst(prefix.count).prefix { $0.isNumber })
            #expect((waited ?? 0) >= 1000, "\(reason)")
            #expect(DataFixtures.contents(of: cache).allSatisfy { !$0.hasSuffix(".xml") && !$0.hasSuffix(".partial") })
        }
    }

    @Test("nothing listening: could not connect, after the retries")
    func connectionRefused() throws {
        try withTemporaryDirectory { cache in
            let port = try LoopbackHTTPServer.unusedPort()
            let store = DataFixtures.store(cache: cache, mirror: "http://127.0.0.1:\(port)", retries: 2)
            let error = DataFixtures.dataError { _ = try store.fetch(copaDev) }
            guard case let .couldNotConnect(url, attempts, _) = error else {
                Issue.record("expected couldNotConnect, got \(String(describing: error))")
                return
            }
            #expect(url == "http://127.0.0.1:\(port)/copa/copa-dev.xml")
            #expect(attempts == 3)
            #expect(error!.description.hasPrefix("could not connect to \(url) after 3 attempts: "))
        }
    }
}
