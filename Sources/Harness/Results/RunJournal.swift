import Foundation

/// The per-document record of a run, written as it goes (one JSON line per document after
/// a header line naming the run), so a run that is killed resumes where it stopped. A
/// trailing line cut short by the kill is dropped on reopening.
public final class RunJournal {
    public let path: String
    public private(set) var samples: [Sample] = []
    private var handle: FileHandle?

    /// What must match for a journal to be continued.
    public struct Header: Codable, Equatable, Sendable {
        public let run: [String: String]
        public init(run: [String: String]) { self.run = run }
    }

    /// `batchSize`: records are appended a batch at a time; a resumed run keeps only whole
    /// batches so it continues on the same batch boundaries as an uninterrupted run, unless
    /// the journal already holds all `total` documents (its last batch may be short).
    public init(path: String, header: Header, batchSize: Int = 1, total: Int? = nil) throws {
        self.path = path
        let manager = FileManager.default
        if let data = manager.contents(atPath: path), !data.isEmpty {
            // The part after the last newline is either empty or a line a kill cut short.
            let lines = Array(data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast())
            guard let first = lines.first,
                let found = try? JSONDecoder().decode(Header.self, from: Data(first))
            else {
                throw HarnessError.resultsConflict(path: path, detail: "is not a samples file of this tool")
            }
            guard found == header else {
                let differing = header.run.keys.filter { header.run[$0] != found.run[$0] }.sorted()
                throw HarnessError.resultsConflict(
                    path: path, detail: "holds a run with other settings (\(differing.joined(separator: ", ")) differ)")
            }
            let decoder = JSONDecoder()
            for (index, line) in lines.dropFirst().enumerated() {
                do {
                    samples.append(try decoder.decode(Sample.self, from: Data(line)))
                } catch {
                    throw HarnessError.resultsConflict(path: path, detail: "has an unreadable line \(index + 2)")
                }
            }
            if samples.count < total ?? Int.max {
                samples = Array(samples.prefix(samples.count / max(batchSize, 1) * max(batchSize, 1)))
            }
            let keep = lines.prefix(samples.count + 1).reduce(0) { $0 + $1.count + 1 }
            guard truncate(path, off_t(keep)) == 0 else {
                throw HarnessError.fileSystem(path: path, detail: String(cString: strerror(errno)))
            }
        } else {
            let directory = (path as NSString).deletingLastPathComponent
            do {
                try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw HarnessError.fileSystem(path: directory, detail: error.localizedDescription)
            }
            var line = try Self.encoder.encode(header)
            line.append(UInt8(ascii: "\n"))
            guard manager.createFile(atPath: path, contents: line) else {
                throw HarnessError.fileSystem(path: path, detail: String(cString: strerror(errno)))
            }
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle?.seekToEnd()
    }

    deinit { try? handle?.close() }

    /// The header of the journal or samples log at `path`, if it has one.
    public static func header(at path: String) -> Header? {
        guard let data = FileManager.default.contents(atPath: path),
            let first = data.split(separator: UInt8(ascii: "\n"), maxSplits: 1).first
        else { return nil }
        return try? JSONDecoder().decode(Header.self, from: Data(first))
    }

    /// The header and every sample of a finished samples log, read without changing it.
    public static func read(at path: String) throws -> (header: Header, samples: [Sample]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HarnessError.invalidInput("cannot read the samples file \(path)")
        }
        let lines = data.split(separator: UInt8(ascii: "\n"))
        guard let first = lines.first, let header = try? JSONDecoder().decode(Header.self, from: Data(first)) else {
            throw HarnessError.resultsConflict(path: path, detail: "is not a samples file of this tool")
        }
        let decoder = JSONDecoder()
        var samples: [Sample] = []
        for (index, line) in lines.dropFirst().enumerated() {
            do {
                samples.append(try decoder.decode(Sample.self, from: Data(line)))
            } catch {
                throw HarnessError.resultsConflict(path: path, detail: "has an unreadable line \(index + 2)")
            }
        }
        return (header, samples)
    }

    /// Writes a whole samples log at once (atomically): the header line, then one line a sample.
    public static func write(header: Header, samples: [Sample], to path: String) throws {
        let encoder = Self.encoder
        var data = try encoder.encode(header)
        data.append(UInt8(ascii: "\n"))
        for sample in samples {
            data.append(try encoder.encode(sample))
            data.append(UInt8(ascii: "\n"))
        }
        try AtomicFile.write(data, to: path)
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Appends records and flushes them to disk before returning.
    public func append(_ new: [Sample]) throws {
        guard let handle else { return }
        var data = Data()
        let encoder = Self.encoder
        for sample in new {
            data.append(try encoder.encode(sample))
            data.append(UInt8(ascii: "\n"))
        }
        do {
            try handle.write(contentsOf: data)
            try handle.synchronize()
        } catch {
            throw HarnessError.fileSystem(path: path, detail: error.localizedDescription)
        }
        samples += new
    }

    /// Closes the journal; removes it unless it is to be kept as the samples log.
    public func finish(keep: Bool) throws {
        try handle?.close()
        handle = nil
        if !keep { try? FileManager.default.removeItem(atPath: path) }
    }
}
