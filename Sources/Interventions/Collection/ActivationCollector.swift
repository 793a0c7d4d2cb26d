import Engine
import Harness
import Tokenizers

/// Runs contrastive pairs through the network and keeps, for every pair and answer, the
/// activations of chosen site kinds in every layer at one read position.
public struct ActivationCollector {
    public let network: any LanguageModel
    public let tokenizer: any Tokenizer
    public let batchSize: Int

    public init(network: any LanguageModel, tokenizer: any Tokenizer, batchSize: Int = 16) {
        self.network = network
        self.tokenizer = tokenizer
        self.batchSize = max(1, batchSize)
    }

    /// Activations by site kind: `positive[kind][pair]` and `negative[kind][pair]` are flat
    /// [layer × width] vectors.
    public struct Result: Sendable {
        public let layers: Int
        public let widths: [String: Int]
        public let positive: [String: [[Float]]]
        public let negative: [String: [[Float]]]
    }

    /// `kinds`: HookSite kinds such as "attention-heads", "mlp-gate", "mlp-output", "residual".
    /// `progress` hears (pairs done, pairs) after every batch.
    public func collect(
        _ pairs: [ContrastivePair], kinds: [String], at position: ReadPosition, progress: ((Int, Int) -> Void)? = nil
    ) throws -> Result {
        let shape = network.shape
        let layers = shape.layerCount
        var sites: Set<HookSite> = []
        var widths: [String: Int] = [:]
        for kind in kinds {
            guard let probe = HookSite(kind: kind, layer: 0) else {
                throw InterventionError.invalid(
                    "site kind '\(kind)' is not one of attention-heads, attention-output, mlp-gate, mlp-activation, mlp-output, residual")
            }
            widths[kind] = shape.width(of: probe)
            for l in 0..<layers { sites.insert(HookSite(kind: kind, layer: l)!) }
        }
        // Each pair's shared prompt runs once into a KV state and its two answers continue from
        // forks of it (half the tokens of running prompt + answer twice). Read positions are
        // absolute, so a range may fall in the prompt, the answer or both.
        var rows: [[String: [Float]]] = []
        var start = 0
        while start < pairs.count {
            let batch = try pairs[start..<min(start + batchSize, pairs.count)].map(encode)
            let shared = PositionRecorder(
                sites: sites, layers: layers, widths: widths,
                ranges: batch.map { pair in pair.answers.map { position.range(in: $0) } })
            let states = batch.map { _ in network.makeState() }
            if batch.contains(where: { !$0.prefix.isEmpty }) {
                _ = try network.forward(
                    zip(batch, states).map { SequenceInput(tokens: $0.prefix, state: $1, logits: .none) }, editor: shared)
            }
            let answers = batch.flatMap { pair in pair.answers.map { [position.range(in: $0)] } }
            let own = PositionRecorder(sites: sites, layers: layers, widths: widths, ranges: answers)
            let inputs = zip(batch, states).flatMap { pair, state in
                pair.answers.map { SequenceInput(tokens: Array($0.tokens[pair.prefix.count...]), state: state.fork(), logits: .none) }
            }
            _ = try network.forward(inputs, editor: own)
            try Self.checkVisits(of: sites, widths: widths, recorders: [shared, own])
            for (p, pair) in batch.enumerated() {
                for a in pair.answers.indices {
                    rows.append(PositionRecorder.mean(shared.sums[p][a], own.sums[2 * p + a][0], count: answers[2 * p + a][0].count))
                }
            }
            start += batch.count
            progress?(start, pairs.count)
        }
        var positive: [String: [[Float]]] = [:], negative: [String: [[Float]]] = [:]
        for kind in kinds {
            positive[kind] = stride(from: 0, to: rows.count, by: 2).map { rows[$0][kind]! }
            negative[kind] = stride(from: 1, to: rows.count, by: 2).map { rows[$0][kind]! }
        }
        return Result(layers: layers, widths: widths, positive: positive, negative: negative)
    }

    /// A site the network never offered (one it does not have, or skips) would leave its rows
    /// at zero, which fitting would take for activations; a site offered at another width
    /// than the shape says would be read out of bounds. Either stops the collection, naming it.
    static func checkVisits(of sites: Set<HookSite>, widths: [String: Int], recorders: [PositionRecorder]) throws {
        var seen: [HookSite: Int] = [:]
        for recorder in recorders { seen.merge(recorder.visited) { a, _ in a } }
        let order = { (a: HookSite, b: HookSite) in (a.layer ?? -1, a.kind) < (b.layer ?? -1, b.kind) }
        let missing = sites.filter { seen[$0] == nil }.sorted(by: order)
        if let first = missing.first {
            throw InterventionError.invalid(
                "the network never offered the site \(first) (\(missing.count) of the \(sites.count) sites asked for are missing), so it has no activations there to collect; collect a site kind this architecture visits"
            )
        }
        for (site, width) in seen.sorted(by: { order($0.key, $1.key) }) where width != widths[site.kind] {
            throw InterventionError.invalid(
                "the network offered the site \(site) with \(width) values a token, but its shape says \(widths[site.kind] ?? 0); its activations cannot be collected"
            )
        }
    }

    /// A pair as token sequences: prompt + positive and prompt + negative, and the prefix
    /// they share (each keeps at least one token of its own).
    struct EncodedPair {
        let answers: [(tokens: [Int32], promptLength: Int)]
        let prefix: [Int32]
    }

    private func encode(_ pair: ContrastivePair) throws -> EncodedPair {
        let answers = try pair.requests.map { request in
            let e = try request.encode(with: tokenizer)
            return (tokens: e.context + e.continuation, promptLength: e.context.count)
        }
        let a = answers[0].tokens, b = answers[1].tokens
        var common = 0
        while common < min(a.count, b.count) - 1 && a[common] == b[common] { common += 1 }
        return EncodedPair(answers: answers, prefix: Array(a[..<common]))
    }
}

extension ReadPosition {
    /// Absolute token positions read in prompt + answer.
    func range(in sequence: (tokens: [Int32], promptLength: Int)) -> Range<Int> {
        switch self {
        case .lastToken: return (sequence.tokens.count - 1)..<sequence.tokens.count
        case .promptLast: return (sequence.promptLength - 1)..<sequence.promptLength
        case .answerMean: return sequence.promptLength..<sequence.tokens.count
        }
    }
}

/// Sums each sequence's rows inside its position ranges (one sum per range), per site,
/// into [layer × width].
final class PositionRecorder: ActivationEditor {
    private let sites: Set<HookSite>
    private let widths: [String: Int]
    private let layers: Int
    private let ranges: [[Range<Int>]]
    private(set) var sums: [[[String: [Float]]]]
    /// Every site the network offered, with its width.
    private(set) var visited: [HookSite: Int] = [:]

    init(sites: Set<HookSite>, layers: Int, widths: [String: Int], ranges: [[Range<Int>]]) {
        self.sites = sites
        self.widths = widths
        self.layers = layers
        self.ranges = ranges
        sums = ranges.map { $0.map { _ in widths.mapValues { [Float](repeating: 0, count: layers * $0) } } }
    }

    func wants(_ site: HookSite) -> Bool { sites.contains(site) }

    func visit(_ view: ActivationView) {
        visited[view.site] = view.width
        guard let layer = view.site.layer, let width = widths[view.site.kind], view.width == width else { return }
        for (r, row) in view.rows.enumerated() {
            for (slot, range) in ranges[row.sequence].enumerated() where range.contains(row.position) {
                let values = view[r]
                sums[row.sequence][slot][view.site.kind]!.withUnsafeMutableBufferPointer { out in
                    for i in 0..<width { out[layer * width + i] += values[i] }
                }
            }
        }
    }

    /// (a + b) / count per site, the mean over a range split between two calls.
    static func mean(_ a: [String: [Float]], _ b: [String: [Float]], count: Int) -> [String: [Float]] {
        let scale = 1 / Float(max(count, 1))
        var out = a
        for (kind, values) in b { out[kind] = zip(a[kind]!, values).map { ($0 + $1) * scale } }
        return out
    }
}
