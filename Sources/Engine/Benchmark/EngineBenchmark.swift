import Foundation

/// Measures what evaluation costs: prompt processing at several batch shapes, decoding
/// with a KV state (one sequence, and several decoded together), load time and peak memory.
/// Token ids are drawn from a fixed seed so runs are comparable.
public struct EngineBenchmark {
    public struct Figure: Encodable, Sendable {
        public let name: String
        public let tokens: Int
        public let seconds: Double
        /// CPU time of the process (all threads, user and system) over the same run: on a
        /// machine shared with other work it says what the run cost when wall time cannot.
        public let cpuSeconds: Double
        /// The process's peak resident set size once this figure was measured.
        public let peakRSSMegabytes: Double
        public var tokensPerSecond: Double { Double(tokens) / seconds }

        enum CodingKeys: String, CodingKey { case name, tokens, seconds, cpuSeconds, peakRSSMegabytes, tokensPerSecond }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(tokens, forKey: .tokens)
            try c.encode(seconds, forKey: .seconds)
            try c.encode(cpuSeconds, forKey: .cpuSeconds)
            try c.encode(peakRSSMegabytes, forKey: .peakRSSMegabytes)
            try c.encode(tokensPerSecond, forKey: .tokensPerSecond)
        }
    }

    public struct Report: Encodable, Sendable {
        public let model: String
        public let threads: Int
        public let loadSeconds: Double
        public let figures: [Figure]
        public let peakRSSMegabytes: Double
        /// The instruction set of the decoding kernels, e.g. "AVX-512".
        public let kernels: String
        /// The precision of the activations in the few-row products, "float32" or "int8".
        public let activations: String
        /// The 1-minute load average when the run ended (Linux), to judge how shared the machine was.
        public let loadAverage: Double?
    }

    public let model: any LanguageModel
    public let repeats: Int

    /// Prompt shapes (batch × length) measured unless others are given.
    public static let defaultShapes = [(1, 64), (8, 64), (1, 512)]
    /// Sequences decoded together in the batched-decoding figure unless told otherwise.
    public static let defaultDecodeBatch = 16
    /// The prompt each decoded sequence starts from.
    public static let decodePrompt = 64

    /// Loads the model at `path` and measures every figure the README quotes: the prompt
    /// shapes, then (unless `decodeSteps` is 0) `decodeSteps` tokens decoded after a 64-token
    /// prompt for one sequence and for `decodeBatch` sequences together (0: skip).
    public static func run(
        modelPath path: String, threads: Int, activations: ActivationPrecision = .float32, repeats: Int,
        shapes: [(batch: Int, length: Int)] = defaultShapes, decodeSteps: Int = 64, decodeBatch: Int = defaultDecodeBatch,
        progress: (Figure) -> Void = { _ in }
    ) throws -> Report {
        let start = DispatchTime.now()
        let network = try LlamaModel(gguf: GGUFFile(path: path), threads: threads, activations: activations)
        let load = seconds(since: start)
        // Lengths past the model's context would measure nothing it can run (and a 100k
        // prompt's attention scores alone need tens of GB).
        for (b, n) in shapes where n > network.contextLength {
            throw EngineError.invalidArgument(
                "--shapes \(b)x\(n): \(n) tokens is more than the model's context of \(network.contextLength); use at most \(b)x\(network.contextLength)"
            )
        }
        if decodeSteps > 0 && decodePrompt + decodeSteps > network.contextLength {
            throw EngineError.invalidArgument(
                "--decode-steps \(decodeSteps): a \(decodePrompt)-token prompt and \(decodeSteps) tokens pass the model's context of \(network.contextLength)"
            )
        }
        let bench = EngineBenchmark(model: network, repeats: repeats)
        var figures: [Figure] = []
        for (b, n) in shapes {
            figures.append(try bench.promptProcessing(batch: b, length: n))
            progress(figures.last!)
        }
        if decodeSteps > 0 {
            for sequences in decodeBatch > 1 ? [1, decodeBatch] : [1] {
                figures.append(try bench.decode(prompt: decodePrompt, steps: decodeSteps, sequences: sequences))
                progress(figures.last!)
            }
        }
        return Report(
            model: (path as NSString).lastPathComponent, threads: threads, loadSeconds: load,
            figures: figures, peakRSSMegabytes: peakRSSMegabytes,
            kernels: activations == .int8 ? RowKernels.activeInt8.description : RowKernels.active.description,
            activations: activations.rawValue, loadAverage: loadAverage)
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
        let best = try Self.best(of: repeats) { _ = try model.forward(inputs) }
        return Figure(
            name: "prompt \(batch)x\(length)" + label, tokens: batch * length, seconds: best.seconds, cpuSeconds: best.cpu,
            peakRSSMegabytes: Self.peakRSSMegabytes)
    }

    /// Greedy decoding of `steps` tokens for each of `sequences` sequences, each after its own
    /// `prompt`-token context, all sequences advancing together: one forward call per step
    /// with one new token per sequence. The best of `repeats` runs, each from freshly computed
    /// prompts (their computation is not timed).
    public func decode(prompt: Int, steps: Int, sequences: Int = 1) throws -> Figure {
        var generator = SplitMix64(seed: 7)
        let vocab = UInt64(model.shape.vocabularySize)
        let prompts = (0..<sequences).map { _ in (0..<prompt).map { _ in Int32(generator.next() % vocab) } }
        var best = (seconds: Double.infinity, cpu: 0.0)
        for _ in 0..<repeats {
            let states = prompts.map { _ in model.makeState() }
            var next = try model.forward(zip(prompts, states).map { SequenceInput(tokens: $0, state: $1) })
                .map(\.last.argmaxIndex)
            let run = try Self.best(of: 1) {
                for _ in 0..<steps {
                    next = try model.forward(zip(next, states).map { SequenceInput(tokens: [$0], state: $1) })
                        .map(\.last.argmaxIndex)
                }
            }
            if run.seconds < best.seconds { best = run }
        }
        let name = (sequences == 1 ? "decode after \(prompt)" : "decode \(sequences) sequences after \(prompt)") + label
        return Figure(
            name: name, tokens: steps * sequences, seconds: best.seconds, cpuSeconds: best.cpu,
            peakRSSMegabytes: Self.peakRSSMegabytes)
    }

    /// What figure names carry besides the shape: the precision when activations are not float32
    /// (the logits rows of a prompt are a few-row product too, so prompt figures carry it as well).
    var label: String { model.activations == .float32 ? "" : " (\(model.activations) activations)" }

    /// The fastest of `count` runs of `body`: its wall and process CPU seconds.
    static func best(of count: Int, _ body: () throws -> Void) rethrows -> (seconds: Double, cpu: Double) {
        var best = (seconds: Double.infinity, cpu: 0.0)
        for _ in 0..<max(count, 1) {
            let cpu = cpuSeconds, start = DispatchTime.now()
            try body()
            let run = (seconds: seconds(since: start), cpu: cpuSeconds - cpu)
            if run.seconds < best.seconds { best = run }
        }
        return best
    }

    /// CPU time of this process so far (all threads, user and system).
    static var cpuSeconds: Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// The 1-minute load average (Linux's /proc/loadavg), nil where it cannot be read.
    static var loadAverage: Double? {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return nil }
        return text.split(separator: " ").first.flatMap { Double($0) }
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
