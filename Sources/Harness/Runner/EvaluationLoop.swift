import Engine

/// The one loop every run, sweep and validation search goes through: instances in batches
/// of `batchSize` documents, each batch answered under every intervention at once (so the
/// clean prompt prefixes are computed once for all of them).
public struct EvaluationLoop {
    public let runner: RequestRunner
    public let batchSize: Int

    public init(model: LoadedModel, batchSize: Int) {
        runner = RequestRunner(network: model.network, tokenizer: model.tokenizer, batchSize: batchSize)
        self.batchSize = max(1, batchSize)
    }

    /// Calls `onBatch(instances, responses)` after each batch, `responses[k][i]` being the
    /// batch's instance i under intervention k; returns what the batches cost.
    @discardableResult
    public func run(
        _ instances: [Instance], interventions: [(any InterventionRuntime)?],
        onBatch: (ArraySlice<Instance>, [[Response]]) throws -> Void
    ) throws -> Throughput {
        var throughput = Throughput()
        var start = 0
        while start < instances.count {
            let batch = instances[start..<min(start + batchSize, instances.count)]
            let output = try runner.run(batch.map(\.request), interventions: interventions)
            throughput = throughput + output.throughput
            try onBatch(batch, output.responses)
            start = batch.endIndex
        }
        return throughput
    }
}
