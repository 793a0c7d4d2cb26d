import Engine
import Foundation

/// A method against the baseline on the same items: both accuracies, the exact McNemar test
/// on the discordant items, and a paired-bootstrap interval of the accuracy difference.
/// Items are aligned by position: `method[i]` and `baseline[i]` score the same document.
public struct PairedComparison: Codable, Sendable, Equatable {
    public struct Interval: Codable, Sendable, Equatable {
        public let lower: Double
        public let upper: Double
        public let level: Double
    }

    public let n: Int
    public let baselineAccuracy: Double
    public let methodAccuracy: Double
    /// methodAccuracy − baselineAccuracy.
    public let difference: Double
    /// Items the method gets right and the baseline wrong (nil for non-binary scores).
    public let b: Int?
    /// Items the baseline gets right and the method wrong (nil for non-binary scores).
    public let c: Int?
    /// Exact two-sided McNemar p-value (nil for non-binary scores).
    public let pValue: Double?
    /// Percentile interval of the mean per-item difference (method − baseline).
    public let interval: Interval
    public let resamples: Int
    public let seed: UInt64

    public init(method: [Bool], baseline: [Bool], resamples: Int = 10_000, seed: UInt64 = 0) throws {
        try self.init(
            method: method.map { $0 ? 1.0 : 0.0 }, baseline: baseline.map { $0 ? 1.0 : 0.0 },
            resamples: resamples, seed: seed)
    }

    /// Per-item scores; McNemar is reported when every score is 0 or 1.
    public init(method: [Double], baseline: [Double], resamples: Int = 10_000, seed: UInt64 = 0) throws {
        guard !method.isEmpty, method.count == baseline.count else {
            throw HarnessError.invalidInput(
                "a paired comparison needs the same non-zero number of items for the method and the baseline, got \(method.count) and \(baseline.count); compare runs over the same documents"
            )
        }
        guard resamples > 0 else {
            throw HarnessError.invalidInput("--bootstrap-resamples \(resamples) must be at least 1")
        }
        guard (method + baseline).allSatisfy(\.isFinite) else {
            throw HarnessError.invalidInput("a per-item score is NaN or infinite; rescore the run")
        }
        n = method.count
        methodAccuracy = method.reduce(0, +) / Double(n)
        baselineAccuracy = baseline.reduce(0, +) / Double(n)
        difference = methodAccuracy - baselineAccuracy
        if (method + baseline).allSatisfy({ $0 == 0 || $0 == 1 }) {
            let b = zip(method, baseline).filter { $0 == 1 && $1 == 0 }.count
            let c = zip(method, baseline).filter { $0 == 0 && $1 == 1 }.count
            self.b = b
            self.c = c
            pValue = McNemar.exactPValue(b: b, c: c)
        } else {
            b = nil
            c = nil
            pValue = nil
        }
        let (lower, upper) = PairedBootstrap.percentileInterval(
            differences: zip(method, baseline).map { $0 - $1 },
            resamples: resamples, seed: seed, level: 0.95)
        interval = Interval(lower: lower, upper: upper, level: 0.95)
        self.resamples = resamples
        self.seed = seed
    }
}

/// The exact McNemar test: under the null each discordant item is equally likely to favour
/// either side, so min(b, c) is Binomial(b + c, ½) and p = min(1, 2·P(X ≤ min(b, c))).
public enum McNemar {
    /// Beyond n = 1000, computed as T_k·(1 + r_k + r_k·r_{k−1} + …) with T_k = C(n, k)/2ⁿ in log space and
    /// ratios T_{i−1}/T_i = i/(n − i + 1) ≤ 1: no huge binomials, no cancellation, right to
    /// ~1e−11 relative for n in the tens of thousands (and 0 where p underflows a Double).
    public static func exactPValue(b: Int, c: Int) -> Double {
        precondition(b >= 0 && c >= 0, "discordant counts cannot be negative")
        let n = b + c
        guard n > 0 else { return 1 }
        let k = min(b, c)
        if n <= 1000 {
            // 2⁻ⁿ is still a normal Double: sum the terms upward from T₀ = 2⁻ⁿ. Exact for small
            // tables (b = 3, c = 0 gives 0.25, not 0.2500000000000001).
            var term = scalbn(1.0, -n)
            var sum = term
            for i in 0..<k {
                term = term * Double(n - i) / Double(i + 1)
                sum += term
            }
            return min(1, 2 * sum)
        }
        let logTop = lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1)) - Double(n) * M_LN2
        var sum = 1.0
        var term = 1.0
        var i = k
        while i > 0 {
            term *= Double(i) / Double(n - i + 1)
            sum += term
            if term < 1e-17 * sum { break }
            i -= 1
        }
        return min(1, 2 * exp(logTop) * sum)
    }
}

/// The paired bootstrap: resample items with replacement (SplitMix64(seed), index =
/// next() % n as SeededSubset draws), take the mean difference of each resample, and report
/// the percentiles with NumPy's default linear interpolation.
public enum PairedBootstrap {
    public static func percentileInterval(
        differences: [Double], resamples: Int, seed: UInt64,
        level: Double = 0.95
    ) -> (lower: Double, upper: Double) {
        precondition(!differences.isEmpty && resamples > 0)
        var generator = SplitMix64(seed: seed)
        let n = differences.count
        var means = [Double](repeating: 0, count: resamples)
        differences.withUnsafeBufferPointer { d in
            for r in 0..<resamples {
                var sum = 0.0
                for _ in 0..<n { sum += d[Int(generator.next() % UInt64(n))] }
                means[r] = sum / Double(n)
            }
        }
        means.sort()
        let tail = (1 - level) / 2
        return (percentile(means, tail), percentile(means, 1 - tail))
    }

    /// NumPy's `percentile(..., method="linear")` of sorted values, q in [0, 1].
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let low = Int(position.rounded(.down))
        let high = min(low + 1, sorted.count - 1)
        let fraction = position - Double(low)
        return sorted[low] + (sorted[high] - sorted[low]) * fraction
    }
}
