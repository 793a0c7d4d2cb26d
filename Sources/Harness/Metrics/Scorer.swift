/// Turns a batch of samples into per-document scores, and those into the run's metric.
/// A scorer may hold a resource loaded once (a classifier), which is why it scores batches.
/// Cards name scorers in `metrics`; `ScorerRegistry` builds them with the card's options.
public protocol Scorer: Sendable {
    /// The metric's name in results and tables.
    var name: String { get }
    /// One score per sample, in order. A sample the scorer cannot judge (a generation given
    /// to a choice metric) is an error naming the document, never a silent 0.
    func scores(_ samples: [Sample]) throws -> [Double]
    /// The run's value from the per-document scores; the mean ± standard error by default.
    func aggregate(_ scores: [Double]) -> MetricValue
    /// Whether a larger value is better (accuracy) or worse (toxicity): validation searches
    /// minimise a lower-is-better metric, tables mark it and bold its smallest value.
    var higherIsBetter: Bool { get }
}

extension Scorer {
    public var higherIsBetter: Bool { true }
    public func aggregate(_ scores: [Double]) -> MetricValue { MetricValue(scores: scores) }
}

/// Why a scorer refused a sample.
public struct ScoringError: Error, CustomStringConvertible, Equatable {
    public let metric: String
    public let docID: String
    public let problem: String

    public init(metric: String, docID: String, problem: String) {
        self.metric = metric
        self.docID = docID
        self.problem = problem
    }

    public var description: String {
        "metric \(metric), document \(docID): \(problem); check that the task card's metrics suit its output_type."
    }
}
