import Foundation
import TestSupport
import Testing

@testable import Harness

@Suite("SHA256 through OpenSSL EVP")
struct SHA256Tests {
    @Test("FIPS 180-2 vectors")
    func vectors() {
        #expect(SHA256.hex(of: [UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test("streaming in uneven pieces equals hashing at once")
    func streaming() {
        let bytes = DataFixtures.bytes("copa/copa-dev.xml")
        var hasher = SHA256()
        var offset = 0
        var piece = 1
        while offset < bytes.count {
            let end = min(bytes.count, offset + piece)
            hasher.update(bytes.subdata(in: offset..<end))
            offset = end
            piece = piece * 3 + 7
        }
        #expect(hasher.finalizeHex() == SHA256.hex(of: bytes))
    }

    @Test("every COPA file hashes to its MANIFEST.md sha256")
    func manifestFiles() throws {
        let paths = DataFixtures.manifest.keys.filter { $0.hasPrefix("copa/") }.sorted()
        #expect(paths.count == 6)
        for path in paths {
            #expect(try SHA256.hex(ofFile: TestPaths.datasets + "/" + path) == DataFixtures.manifest[path]!.sha256, "\(path)")
        }
    }

    @Test("a missing file is a clear error")
    func missingFile() {
        #expect(throws: SHA256.FileError.self) { try SHA256.hex(ofFile: "/nonexistent/file") }
    }

    /// Correctness on the 98 MB model; the throughput is printed for the record, not asserted.
    @Test("the model file matches the Makefile's sha256", .enabled(if: FileManager.default.fileExists(atPath: TestPaths.smolLM2)))
    func modelFile() throws {
        // Thread CPU time as well as wall time: the figure should not depend on what else the machine runs.
        func cpuSeconds() -> Double {
            var time = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
            return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
        }
        let start = Date()
        let cpuStart = cpuSeconds()
        let digest = try SHA256.hex(ofFile: TestPaths.smolLM2)
        let cpu = cpuSeconds() - cpuStart
        let seconds = Date().timeIntervalSince(start)
        let megabytes = Double(try FileManager.default.attributesOfItem(atPath: TestPaths.smolLM2)[.size] as? Int ?? 0) / 1e6
        print(
            String(
                format: "sha256 of %@: %.1f MB in %.3f s wall (%.0f MB/s), %.3f s CPU (%.0f MB/s)",
                (TestPaths.smolLM2 as NSString).lastPathComponent, megabytes, seconds, megabytes / seconds,
                cpu, megabytes / cpu))
        let makefile = try String(contentsOfFile: TestPaths.repositoryRoot + "/Makefile", encoding: .utf8)
        let expected = makefile.split(separator: "\n").first { $0.hasPrefix("MODEL_SHA256") }?
            .split(separator: "=").last?.trimmingCharacters(in: .whitespaces)
        #expect(digest == expected)
    }
}
