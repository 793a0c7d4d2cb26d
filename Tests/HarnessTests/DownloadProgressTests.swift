import Foundation
import Testing

@testable import Harness

@Suite("Download progress bar")
struct DownloadProgressTests {
    @Test("renders fraction, sizes and speed")
    func render() {
        let line = ProgressBar.render(label: "copa/copa-dev.xml", received: 1_500_000, total: 3_000_000, elapsed: 1)
        #expect(line == "copa/copa-dev.xml  [############------------] 50%  1.5/3.0 MB  1.5 MB/s")
        let unknown = ProgressBar.render(label: "x", received: 2_000_000, total: nil, elapsed: 2)
        #expect(unknown == "x  2.0 MB  1.0 MB/s")
    }

    @Test("redraws at most every 0.1 s by the clock it is given, and ends with a newline")
    func throttled() {
        final class Sink: @unchecked Sendable { var writes: [String] = [] }
        final class Clock: @unchecked Sendable { var seconds = 0.0 }
        let sink = Sink(), clock = Clock()
        let bar = ProgressBar(
            label: "f", clock: { Date(timeIntervalSinceReferenceDate: clock.seconds) },
            write: { sink.writes.append($0) })
        // (time, bytes): drawn at 0 (the first), 0.12 and 0.25 (0.12 and 0.13 s after the last
        // drawing); skipped at 0.05, 0.2 and 0.3 (0.05, 0.08 and 0.05 s after it).
        for (time, received) in [(0.0, 0), (0.05, 150_000), (0.12, 360_000), (0.2, 600_000), (0.25, 720_000), (0.3, 900_000)] {
            clock.seconds = time
            bar.update(received: Int64(received), total: 3_000_000)
        }
        clock.seconds = 1.5
        bar.finish(received: 3_000_000)
        #expect(
            sink.writes == [
                "\rf  [------------------------] 0%  0.0/3.0 MB  0.0 MB/s\u{1B}[K",
                "\rf  [##----------------------] 12%  0.4/3.0 MB  3.0 MB/s\u{1B}[K",
                "\rf  [#####-------------------] 24%  0.7/3.0 MB  2.9 MB/s\u{1B}[K",
                "\rf  [########################] 100%  3.0/3.0 MB  2.0 MB/s\u{1B}[K\n",
            ])
    }

    @Test("a forced bar during a real download draws the file's progress in place and ends on its own line")
    func forcedDuringDownload() throws {
        final class Sink: @unchecked Sendable {
            private let lock = NSLock()
            private var text: [String] = []
            var writes: [String] { lock.withLock { text } }
            func append(_ line: String) { lock.withLock { text.append(line) } }
        }
        let sink = Sink()
        try withTemporaryDirectory { cache in
            var store = DataStore(
                cacheDirectory: cache, mirror: DataFixtures.fileMirror, offline: false,
                progress: true, forceProgressBar: true)
            // What the bar would have written to stderr goes to the sink instead.
            store.progressOutput = { sink.append($0) }
            let file = DataFixtures.file("boolq/dev.jsonl")
            let url = try store.fetch(file)
            #expect(try SHA256.hex(ofFile: url.path) == file.sha256)

            let size = try #require(DataFixtures.manifest[file.path]?.size)
            let megabytes = String(format: "%.1f", Double(size) / 1_000_000)
            let writes = sink.writes
            #expect(!writes.isEmpty)
            #expect(
                writes.allSatisfy { $0.hasPrefix("\rboolq/dev.jsonl  ") && $0.contains("\u{1B}[K") },
                "every write redraws the bar's line: \(writes)")
            #expect(writes.dropLast().allSatisfy { !$0.contains("\n") }, "only the last write ends the line")
            let last = try #require(writes.last)
            #expect(last.hasPrefix("\rboolq/dev.jsonl  [########################] 100%  \(megabytes)/\(megabytes) MB  "), "\(last)")
            #expect(last.hasSuffix(" MB/s\u{1B}[K\n"), "\(last)")
        }
    }
}
