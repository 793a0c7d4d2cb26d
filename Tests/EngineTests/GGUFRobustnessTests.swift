import Engine
import Foundation
import TestSupport
import Testing

/// Corrupted GGUF files must be refused with an `EngineError` naming what broke, never
/// crash the process or read past the file. Each test writes damaged copies of a fixture to
/// a private temp directory.
@Suite struct GGUFRobustnessTests {
    static func fixture(_ variant: String = "Q4_1") throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: TestPaths.tinyGGUF(variant)) else {
            throw TestDataError("cannot read \(TestPaths.tinyGGUF(variant))")
        }
        return [UInt8](data)
    }

    enum Outcome {
        case parsed(GGUFFile)
        case refused(EngineError)
    }

    /// Opens `path`; a parsed file must keep every tensor inside itself (its first and last
    /// bytes are read: the mapping is contiguous, so that proves the range is mapped), a
    /// refusal must be an EngineError that mentions the file.
    static func open(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) -> Outcome? {
        do {
            let file = try GGUFFile(path: path)
            for tensor in file.tensors {
                #expect(
                    tensor.fileOffset >= file.dataOffset && tensor.fileOffset + tensor.byteCount <= file.fileSize,
                    "\(tensor.name) lies outside the file", sourceLocation: sourceLocation)
                let data = file.data(of: tensor)
                if let first = data.first, let last = data.last { _ = first &+ last }
            }
            return .parsed(file)
        } catch let error as EngineError {
            #expect(error.description.contains(path), "message does not name the file: \(error)", sourceLocation: sourceLocation)
            // Names read from a damaged file can be binary junk: the message must stay one short line.
            let detail = error.description.replacingOccurrences(of: path, with: "")
            #expect(
                detail.count < 400 && !detail.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F },
                "unreadable message: \(detail.debugDescription.prefix(600))", sourceLocation: sourceLocation)
            return .refused(error)
        } catch {
            Issue.record("\(path): not an EngineError: \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// Patches the fixture, opens it, and expects a refusal whose message contains every
    /// string in `mentions`.
    static func expectRefusal(
        _ bytes: [UInt8], in scratch: ScratchDirectory, mentioning mentions: [String],
        totalSize: Int? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let path = try scratch.write(bytes, totalSize: totalSize)
        guard case let .refused(error)? = open(path, sourceLocation: sourceLocation) else {
            Issue.record("a corrupted file was accepted (expected a message mentioning \(mentions))", sourceLocation: sourceLocation)
            return
        }
        for text in mentions {
            #expect(error.description.contains(text), "message lacks '\(text)': \(error)", sourceLocation: sourceLocation)
        }
    }

    // MARK: truncation

    @Test(arguments: ["Q4_1", "F32"])
    func truncatedFilesAreRefused(variant: String) throws {
        let bytes = try Self.fixture(variant)
        let intact = try GGUFFile(path: TestPaths.tinyGGUF(variant))
        let layout = GGUFByteLayout(bytes)
        let dataEnd = intact.tensors.map { $0.fileOffset + $0.byteCount }.max() ?? intact.dataOffset
        let scratch = try ScratchDirectory()
        var lengths = (0..<64).map { bytes.count * $0 / 64 }
        // Inside the fixed header, a key name, a string value, an array, the tensor infos.
        lengths += [1, 3, 4, 7, 8, 15, 16, 23, 24, 31, 40]
        lengths += layout.keys.prefix(4).flatMap { [$0.start + 4, $0.typeOffset + 2, $0.valueOffset + 3] }
        let tokens = layout.key("tokenizer.ggml.tokens")
        lengths += [tokens.valueOffset + 2, tokens.valueOffset + 9, tokens.valueOffset + 500]
        lengths += layout.tensors.prefix(3).flatMap { [$0.start + 9, $0.rankOffset + 2, $0.typeOffset + 1, $0.offsetOffset + 5] }
        lengths += [layout.headerEnd, intact.dataOffset, dataEnd - 1]
        for length in lengths {
            let path = try scratch.write(Array(bytes.prefix(length)))
            let outcome = Self.open(path)
            if length < dataEnd, case .parsed? = outcome {
                Issue.record("\(variant) truncated to \(length) of \(bytes.count) bytes was accepted")
            }
        }
        // The empty file and the intact copy, for contrast.
        if case .parsed? = Self.open(try scratch.write([])) { Issue.record("an empty file was accepted") }
        if case .refused(let e)? = Self.open(try scratch.write(bytes)) { Issue.record("the intact copy was refused: \(e)") }
    }

    // MARK: random damage

    /// 4 x 120 trials. Split by seed so they run in parallel: under Swift Testing every throw
    /// records a backtrace, which costs tens of milliseconds in a debug build.
    @Test(arguments: [20_240_521, 7, 1_000_003, 424_242] as [UInt64])
    func randomByteDamageInTinyHeader(seed: UInt64) throws {
        let bytes = try Self.fixture("Q4_1")
        let headerEnd = GGUFByteLayout(bytes).headerEnd
        let scratch = try ScratchDirectory()
        var rng = SplitMix64(seed: seed)
        var refused = 0, parsed = 0
        var shapes: [String: Int] = [:]
        let trials = 120
        for _ in 0..<trials {
            var damaged = bytes
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let position = Int.random(in: 0..<headerEnd, using: &rng)
                damaged[position] = rng.next() % 4 == 0 ? 0xFF : UInt8.random(in: 0...255, using: &rng)
            }
            switch Self.open(try scratch.write(damaged)) {
            case .refused(let error)?:
                refused += 1
                shapes[Self.messageShape(error), default: 0] += 1
            case .parsed?: parsed += 1
            case nil: break
            }
        }
        #expect(refused + parsed == trials)
        #expect(refused > trials / 4, "suspiciously few refusals: \(refused)")
        for (shape, count) in shapes.sorted(by: { $0.value > $1.value }) { print("[fuzz tiny \(seed)] \(count)x \(shape)") }
    }

    @Test func randomByteDamageInSmolLM2Header() throws {
        let intact = try GGUFFile(path: TestPaths.smolLM2)
        let header = Array(intact.rawBytes.prefix(intact.dataOffset))
        let layout = GGUFByteLayout(header)
        let infoStart = layout.tensors[0].start
        let scratch = try ScratchDirectory()
        // The weights stay a hole in a sparse file: only the header is written per trial.
        if case .refused(let e)? = Self.open(try scratch.write(header, totalSize: intact.fileSize)) {
            Issue.record("the header-only copy was refused: \(e)")
        }
        var rng = SplitMix64(seed: 135)
        var refused = 0
        let vocabulary = layout.key("tokenizer.ggml.tokens").start
        for trial in 0..<64 {
            var damaged = header
            let region =
                trial % 4 == 0
                ? 0..<vocabulary  // scalar keys before the vocabulary
                : trial % 4 == 1
                    ? 0..<infoStart  // anywhere in the metadata
                    : infoStart..<layout.headerEnd  // tensor infos
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                damaged[Int.random(in: region, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            if case .refused? = Self.open(try scratch.write(damaged, totalSize: intact.fileSize)) { refused += 1 }
        }
        #expect(refused > 10, "suspiciously few refusals: \(refused)")
    }

    /// An array header stretched over the whole file must be refused from its layout alone:
    /// building its 98 million values first took 4 GB and 45 s before the reader was fixed.
    @Test func arraySwallowingTheSmolLM2FileIsRefusedWithoutBuildingIt() throws {
        let intact = try GGUFFile(path: TestPaths.smolLM2)
        var header = Array(intact.rawBytes.prefix(intact.dataOffset))
        let languages = GGUFByteLayout(header).key("general.languages")
        header.patch(UInt32(0), at: languages.valueOffset)
        header.patch(UInt64(intact.fileSize - languages.valueOffset - 12), at: languages.valueOffset + 4)
        let scratch = try ScratchDirectory()
        try Self.expectRefusal(header, in: scratch, mentioning: ["after 'general.languages'"], totalSize: intact.fileSize)
    }

    /// A message with its numbers and quoted names blanked, to tally kinds of refusal.
    static func messageShape(_ error: EngineError) -> String {
        var shape = "\(error)"
        if case let .malformedGGUF(path, _) = error { shape = shape.replacingOccurrences(of: path, with: "<file>") }
        shape = shape.replacingOccurrences(of: "'[^']*'", with: "'…'", options: .regularExpression)
        return shape.replacingOccurrences(of: "[0-9]+", with: "#", options: .regularExpression)
    }
}
