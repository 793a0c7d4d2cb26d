import ArgumentParser
import Experiment
import Harness
import Interventions

/// How a method is fitted and applied (shared by `run` and `sweep`).
struct FittingFlags: ParsableArguments {
    @Option(
        help:
            "Tokens edited: all, prompt-last, from-prompt-last, generated (default: the method's; on a generation task SADI's prompt-last carries on to every generated token, from-prompt-last)."
    ) var policy: PositionsPolicy?
    @Option(
        help:
            "live (edit inside the pass) or two-pass (SADI's official procedure). Default: two-pass for the SADI methods under --protocol official, else live."
    )
    var application: InterventionPlan.Application?
    @Option(
        name: .customLong("protocol"),
        help: "harness (the card's prompt and metrics, as lm-eval) or official (the card's `official` prompt and metrics: SADI's).")
    var scoring: ScoringProtocol = .harness
    @Option(help: "Where pair activations are read: last-token, prompt-last, answer-mean.") var position: ReadPosition = .lastToken
    @Option(help: "Rank units by signed difference or magnitude.") var ranking: UnitRanking = .signed
    @Option(name: .customLong("head-score"), help: "Score a head by mean, l2 or mean-abs of its differences.") var headScore: HeadScoring =
        .mean
    @Option(parsing: .unconditional, help: "Restrict units to layers FIRST-LAST, e.g. 10-20.") var layers: String?
    @Option(help: "Site kind for the ablations: attention-heads, mlp-gate, mlp-activation, mlp-output, residual.") var site: String?
    @Option(help: "Fit on the first N contrastive pairs only (default: the whole pairs split).") var pairs: Int?
    @Option(
        name: .customLong("pairs-split"),
        help:
            "Fit on this split of the card (default: its pairs split); e.g. copa's dev, all 500 items, as SADI's code fits. A split sharing documents with validation needs --k and --strength."
    )
    var pairsSplit: String?
    @Option(
        name: .customLong("fit-prompt"),
        help:
            "How pair texts are written for fitting: scored (as the task scores them) or stripped (SADI's code: f'{q.strip()} {a.strip()}', pairs past 700 tokens skipped). Default: the protocol's (the card's official fit_prompt under official)."
    )
    var fitPrompt: FitPrompt?

    func validate() throws {
        _ = try layerRange()
        if let pairs, pairs < 1 { throw ValidationError("--pairs must be at least 1, got \(pairs)") }
        if let pairsSplit, pairsSplit.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--pairs-split is empty; name a split of the task's card (`sadi-eval tasks` lists them)")
        }
    }

    func layerRange() throws -> ClosedRange<Int>? {
        guard let layers else { return nil }
        let parts = layers.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2, parts[0] >= 0, parts[0] <= parts[1] else {
            throw ValidationError("--layers: '\(layers)' is not FIRST-LAST (e.g. 10-20)")
        }
        return parts[0]...parts[1]
    }

    func options(seed: UInt64) throws -> FittingOptions {
        var options = FittingOptions()
        options.position = position
        options.ranking = ranking
        options.headScoring = headScore
        options.layers = try layerRange()
        options.policy = policy
        options.siteKind = site
        options.seed = seed
        options.pairLimit = pairs
        options.pairsSplit = pairsSplit
        options.fitPrompt = fitPrompt
        return options
    }
}

/// K and strength for `run`: given, or searched on validation.
struct MethodOptions: ParsableArguments {
    // Options that take numbers parse their value unconditionally, so CAA's negative
    // multipliers (--strength -2, --strengths -4,-2) are values, not flags.
    @Option(parsing: .unconditional, help: "Units to edit (SADI), or the layer (CAA). Without it, chosen on validation from --ks.")
    var k: Int?
    @Option(
        parsing: .unconditional,
        help: "Strength s: SADI multiplies the selected activations by s (δ = s − 1); CAA's multiplier. Without it, chosen on validation.")
    var strength: Double?
    @Option(parsing: .unconditional, help: "δ directly (SADI: A' = A + δ·A⊙M); the same as --strength δ+1.") var delta: Double?
    @Option(parsing: .unconditional, help: "K values of the validation search, comma-separated (default: the method's grid).")
    var ks: String?
    @Option(parsing: .unconditional, help: "Strengths of the validation search, comma-separated (default: the method's grid).")
    var strengths: String?
    @OptionGroup var fluencyGuard: FluencyGuardOptions

    func validate() throws {
        if strength != nil && delta != nil { throw ValidationError("give --strength or --delta, not both") }
        for value in [strength, delta].compactMap({ $0 }) where !value.isFinite {
            throw ValidationError("--strength/--delta must be a finite number, got \(value)")
        }
        _ = try ks.map { try ListParsing.integers($0, flag: "--ks") }
        _ = try strengths.map { try ListParsing.numbers($0, flag: "--strengths") }
        if fluencyGuard.mode == .on && k != nil && (strength ?? delta) != nil {
            throw ValidationError(
                "--fluency-guard on guards the validation search for K and strength, and --k with --strength skips it; drop one of them")
        }
    }

    func settings(method: String, fitting: FittingFlags, seed: UInt64) throws -> MethodSettings {
        MethodSettings(
            method: method, fitting: try fitting.options(seed: seed), application: fitting.application,
            k: k, strength: strength ?? delta.map { $0 + 1 },
            ks: try ks.map { try ListParsing.integers($0, flag: "--ks") },
            strengths: try strengths.map { try ListParsing.numbers($0, flag: "--strengths") },
            fluencyGuardMode: fluencyGuard.mode, fluencyGuard: fluencyGuard.thresholds)
    }
}

/// Comma-separated flag values.
enum ListParsing {
    /// The comma-separated items, none of them empty: "" and "1,,2" name no value.
    static func items(_ text: String, flag: String, example: String) throws -> [Substring] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty,
            !items.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty })
        else {
            throw ValidationError("\(flag): '\(text)' lists no value or an empty one; write e.g. \(flag) \(example)")
        }
        return items
    }

    static func integers(_ text: String, flag: String) throws -> [Int] {
        try items(text, flag: flag, example: "1,2,4").map {
            guard let v = Int($0.trimmingCharacters(in: .whitespaces)), v >= 0 else {
                throw ValidationError("\(flag): '\($0)' is not a whole number; write e.g. \(flag) 1,2,4")
            }
            return v
        }
    }

    static func numbers(_ text: String, flag: String) throws -> [Double] {
        try items(text, flag: flag, example: "5,10,20").map {
            guard let v = Double($0.trimmingCharacters(in: .whitespaces)), v.isFinite else {
                throw ValidationError("\(flag): '\($0)' is not a number; write e.g. \(flag) 5,10,20")
            }
            return v
        }
    }
}

extension PositionsPolicy: ExpressibleByArgument {}
extension InterventionPlan.Application: ExpressibleByArgument {}
extension ScoringProtocol: ExpressibleByArgument {}
extension ReadPosition: ExpressibleByArgument {}
extension UnitRanking: ExpressibleByArgument {}
extension HeadScoring: ExpressibleByArgument {}
extension FitPrompt: ExpressibleByArgument {}
