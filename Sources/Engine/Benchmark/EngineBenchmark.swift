import Foundation

/// Measures what evaluation costs: prompt processing at several batch shapes, decoding
/// with a KV state, load time and peak memory. Token ids are drawn from a fixed seed so
/// runs are comparable.
public struct EngineBenchmark {
    public struct Figure: Encodable, Sendable {
        public let name: String
        public let tokens: Int
        public let seconds: Double
        public var tokensPerSecond: Double { Double(tokens) / seconds }

        enum CodingKeys: String, CodingKey { case name, tokens, seconds, tokensPerSecond }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(tokens, forKey: .tokens)
            try c.encode(seconds, forKey: .seconds)
            try c.encode(tokensPerSecond, forKey: .tokensPerSecond)
        }
    }

    public struct Report: Encodable, Sendable {
        public let model: String
        public let threads: Int
        public let loadSeconds: Double
        public let figures: [Figure]
        public let peakRSSMegabytes: Double
    }

    public let model: any LanguageModel
    public let repeats: Int

    /// Prompt shapes (batch × length) measured unless others are given.
    public static let defaultShapes = [(1, 64), (8, 64), (1, 512)]

    /// Loads the model at `path` and measures every figure the README quotes.
    public static func run(
        modelPath path: String, threads: Int, repeats: Int,
        shapes: [(batch: Int, length: Int)] = defaultShapes, decodeSteps: Int = 64,
        progress: (Figure) -> Void = { _ in }
    ) throws -> Report {
        let start = DispatchTime.now()
        let network = try LlamaModel(gguf: GGUFFile(path: path), threads: threads)
        let load = seconds(since: start)
        // Lengths past the model's context would measure nothing it can run (and a 100k
        // prompt's attention scores alone need tens of GB).
        for (b, n) in shapes where n > network.contextLength {
            throw EngineError.invalidArgument(
                "--shapes \(b)x\(n): \(n) tokens is more than the model's context of \(network.contextLength); use at most \(b)x\(network.contextLength)"
            )
        }
        if decodeSteps > 0 && 64 + decodeSteps > network.contextLength {
            throw EngineError.invalidArgument(
                "--decode-steps \(decodeSteps): a 64-token prompt and \(decodeSteps) tokens pass the model's context of \(network.contextLength)"
            )
        }
        let bench = EngineBenchmark(model: network, repeats: repeats)
        var figures: [Figure] = []
        for (b, n) in shapes {
            figures.append(try bench.promptProcessing(batch: b, length: n))
            progress(figures.last!)
        }
        if decodeSteps > 0 {
            figures.append(try bench.decode(prompt: 64, steps: decodeSteps))
            progress(figures.last!)
        }
        return Report(
            model: (path as NSString).lastPathComponent, threads: threads, loadSeconds: load,
            figures: figures, peakRSSMegabytes: peakRSSMegabytes)
    }

    public init(model: any LanguageModel, repeats: Int = 3) {
        self.model = model
        self.repeats = repeats
    }

    /// Prompt processing of `batch` sequences of `length` tokens (logits at the last token
    /// of each, as scoring needs); the best of `repeats` runs after one warm-up.
    public func promptProcessing(batch: Int, length: Int) throws -> Figure {
        var generator = SplitMix64(seed: 42)
        let vocab = UInt64(model.shape.vocabularySize)
        let inputs = (0..<batch).map { _ in
            SequenceInput(tokens: (0..<length).map { _ in Int32(generator.next() % vocab) })
        }
        _ = try model.forward(inputs)
        var best = Double.infinity
        for _ in 0..<repeats {
            let start = DispatchTime.now()
            _ = try model.forward(inputs)
            best = min(best, Self.seconds(since: start))
        }
        return Figure(name: "prompt \(batch)x\(length)", tokens: batch * length, seconds: best)
    }

    /// Greedy decoding of `steps` tokens after a `prompt`-token context, one token per call.
    public func decode(prompt: Int, steps: Int) throws -> Figure {
        var generator = SplitMix64(seed: 7)
        let vocab = UInt64(model.shape.vocabularySize)
        let tokens = (0..<prompt).map { _ in Int32(generator.next() % vocab) }
        let state = model.makeState()
        var next = try model.forward([SequenceInput(tokens: tokens, state: state)])[0].last.argmaxIndex
        let start = DispatchTime.now()
        for _ in 0..<steps {
            next = try model.forward([SequenceInput(tokens: [next], state: state)])[0].last.argmaxIndex
        }
        return Figure(name: "decode after \(prompt)", tokens: steps, seconds: Self.seconds(since: start))
    }

    static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    /// Peak resident set size of this process so far.
    public static var peakRSSMegabytes: Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}

extension ArraySlice where Element == Float {
    /// Index (from 0) of the largest value; the first one on ties.
    public var argmaxIndex: Int32 {
        var best = startIndex
        for i in indices where self[i] > self[best] { best = i }
        return Int32(best - startIndex)
    }
}
