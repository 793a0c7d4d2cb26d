/// What answering some requests cost: every token through the network, and of them those
/// fed one per sequence in generation's decoding steps, with the seconds those steps took
/// (prompts excluded), so decoding speed is measured apart from prompt processing.
public struct Throughput: Sendable, Equatable {
    public var tokens: Int
    public var decodedTokens: Int
    public var decodeSeconds: Double

    public init(tokens: Int = 0, decodedTokens: Int = 0, decodeSeconds: Double = 0) {
        self.tokens = tokens
        self.decodedTokens = decodedTokens
        self.decodeSeconds = decodeSeconds
    }

    public static func + (a: Throughput, b: Throughput) -> Throughput {
        Throughput(
            tokens: a.tokens + b.tokens, decodedTokens: a.decodedTokens + b.decodedTokens,
            decodeSeconds: a.decodeSeconds + b.decodeSeconds)
    }

    /// Tokens per second of the decoding steps; nil when nothing was decoded.
    public var decodeTokensPerSecond: Double? {
        decodedTokens > 0 && decodeSeconds > 0 ? Double(decodedTokens) / decodeSeconds : nil
    }
}
