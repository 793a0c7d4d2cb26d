import Foundation

/// Picks the next token from a logits row: the argmax (greedy), or a draw from
/// softmax(logits / temperature), optionally restricted to the nucleus whose probability
/// reaches `topP`. Draws come from the caller's generator, so a seeded sequence repeats.
public enum TokenSampler {
    public static func greedy(_ logits: ArraySlice<Float>) -> Int32 { logits.argmaxIndex }

    public static func sample(
        _ logits: ArraySlice<Float>, temperature: Double, topP: Double,
        generator: inout SplitMix64
    ) -> Int32 {
        guard temperature > 0 else { return greedy(logits) }
        let maximum = Double(logits.max() ?? 0)
        var weights = logits.map { exp((Double($0) - maximum) / temperature) }
        var order = Array(weights.indices)
        if topP < 1 {
            // Most likely first (index order on ties, so the draw is reproducible).
            order.sort { weights[$0] != weights[$1] ? weights[$0] > weights[$1] : $0 < $1 }
            let total = weights.reduce(0, +)
            var cumulative = 0.0
            var keep = 0
            while keep < order.count {
                cumulative += weights[order[keep]]
                keep += 1
                if cumulative >= topP * total { break }
            }
            let kept = Set(order[..<keep])
            for i in weights.indices where !kept.contains(i) { weights[i] = 0 }
            order = Array(order[..<keep]).sorted()
        }
        let total = order.reduce(0) { $0 + weights[$1] }
        // 53 random bits as a uniform in [0, 1).
        let u = Double(generator.next() >> 11) * 0x1p-53 * total
        var cumulative = 0.0
        for i in order {
            cumulative += weights[i]
            if u < cumulative { return Int32(i) }
        }
        return Int32(order.last ?? 0)
    }
}
