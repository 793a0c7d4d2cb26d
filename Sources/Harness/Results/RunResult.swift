import Foundation

/// The results file of one run: `results/<model>/<task>/<method>.json`.
public struct RunResult: Codable, Sendable, Equatable {
    public struct Model: Codable, Sendable, Equatable {
        public let name: String
        public let file: String
        public let sha256: String

        public init(name: String, file: String, sha256: String) {
            self.name = name
            self.file = file
            self.sha256 = sha256
        }
    }

    public let task: String
    public let split: String
    public let prompt: String
    public let method: String
    public let model: Model
    /// Every setting that shaped the numbers (limit, seed, batch size, method parameters).
    public let configuration: [String: String]
    public let metrics: [String: MetricValue]
    /// Metric names in the card's order, for tables.
    public let metricOrder: [String]
    public let items: Int
    /// Per metric: the method against the baseline on the same items (absent for the baseline).
    public let comparisons: [String: PairedComparison]?
    /// The validation search K and strength were chosen from (absent when they were given).
    public let validationGrid: [GridCell]?
    public let wallSeconds: Double
    public let tokensPerSecond: Double
    /// Generation's decoding steps only (tokens fed one per sequence, per second of those
    /// steps); absent when nothing was generated.
    public let decodeTokensPerSecond: Double?
    public let gitCommit: String
    public let created: String
    /// The metrics for which smaller is better (toxicity), so tables and comparisons read
    /// them the right way round; absent when there are none.
    public var lowerIsBetter: [String]? = nil

    /// Whether `metric` is lower-is-better.
    public func isLowerBetter(_ metric: String) -> Bool { lowerIsBetter?.contains(metric) == true }

    public init(
        task: String, split: String, prompt: String, method: String, model: Model, configuration: [String: String],
        metrics: [String: MetricValue], metricOrder: [String], items: Int, comparisons: [String: PairedComparison]?,
        validationGrid: [GridCell]? = nil, wallSeconds: Double, tokensPerSecond: Double, decodeTokensPerSecond: Double? = nil,
        gitCommit: String, created: String
    ) {
        self.task = task
        self.split = split
        self.prompt = prompt
        self.method = method
        self.model = model
        self.configuration = configuration
        self.metrics = metrics
        self.metricOrder = metricOrder
        self.items = items
        self.comparisons = comparisons
        self.validationGrid = validationGrid
        self.wallSeconds = wallSeconds
        self.tokensPerSecond = tokensPerSecond
        self.decodeTokensPerSecond = decodeTokensPerSecond
        self.gitCommit = gitCommit
        self.created = created
    }

    enum CodingKeys: String, CodingKey {
        case task, split, prompt, method, model, configuration, metrics, items, comparisons
        case validationGrid = "validation_grid"
        case metricOrder = "metric_order", wallSeconds = "wall_seconds", tokensPerSecond = "tokens_per_second"
        case decodeTokensPerSecond = "decode_tokens_per_second"
        case gitCommit = "git_commit", created
        case lowerIsBetter = "lower_is_better"
    }

    public static func path(outputDirectory: String, model: String, task: String, method: String, suffix: String = ".json") -> String {
        [outputDirectory, model, task, method + suffix].joined(separator: "/")
    }

    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(UInt8(ascii: "\n"))
        try AtomicFile.write(data, to: path)
    }

    public static func read(path: String) throws -> RunResult {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HarnessError.invalidInput("cannot read results file \(path)")
        }
        do {
            return try JSONDecoder().decode(RunResult.self, from: data)
        } catch {
            throw HarnessError.invalidInput(
                "\(path) is not a results file of this tool (\(error)); delete it or move it out of the results folder")
        }
    }
}
