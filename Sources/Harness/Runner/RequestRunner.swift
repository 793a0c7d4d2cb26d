import Engine
import Tokenizers

/// Answers requests of every output type under several interventions at once (nil: none):
/// log-likelihood choices through `LoglikelihoodRunner` (shared contexts computed once),
/// generations through `GenerationRunner`.
public struct RequestRunner {
    public let network: any LanguageModel
    public let tokenizer: any Tokenizer
    public let batchSize: Int

    public init(network: any LanguageModel, tokenizer: any Tokenizer, batchSize: Int) {
        self.network = network
        self.tokenizer = tokenizer
        self.batchSize = max(1, batchSize)
    }

    /// `responses[k][i]`: request i under intervention k; and what they cost.
    public func run(_ requests: [Request], interventions: [(any InterventionRuntime)?]) throws
        -> (responses: [[Response]], throughput: Throughput)
    {
        var responses = [[Response?]](repeating: [Response?](repeating: nil, count: requests.count), count: interventions.count)
        var throughput = Throughput()

        // Log-likelihood requests: one runner request per choice, in request order.
        var owners: [(request: Int, choices: Int)] = []
        var flat: [LoglikelihoodRequest] = []
        for (i, request) in requests.enumerated() {
            guard case let .loglikelihood(choices) = request else { continue }
            guard !choices.isEmpty else {
                throw HarnessError.invalidInput("a log-likelihood request has no choices; check the task card's doc_to_choice")
            }
            owners.append((i, choices.count))
            flat += choices.map(\.loglikelihoodRequest)
        }
        if !flat.isEmpty {
            let output = try LoglikelihoodRunner(network: network, tokenizer: tokenizer, batchSize: batchSize)
                .run(flat, interventions: interventions)
            throughput.tokens += output.tokens
            for k in interventions.indices {
                var offset = 0
                for owner in owners {
                    let results = output.results[k][offset..<(offset + owner.choices)].map {
                        ChoiceResult(
                            logprob: $0.logprob, isGreedy: $0.isGreedy, tokenCount: $0.tokenCount,
                            greedyText: tokenizer.decode($0.argmaxTokens))
                    }
                    responses[k][owner.request] = .choices(results)
                    offset += owner.choices
                }
            }
        }

        // Generations.
        var generationOwners: [Int] = []
        var prompts: [GenerationRunner.Prompt] = []
        for (i, request) in requests.enumerated() {
            guard case let .generateUntil(context, generation) = request else { continue }
            generationOwners.append(i)
            prompts.append(.init(context: context, generation: generation))
        }
        if !prompts.isEmpty {
            let output = try GenerationRunner(network: network, tokenizer: tokenizer, batchSize: batchSize)
                .run(prompts, interventions: interventions)
            throughput = throughput + output.throughput
            for k in interventions.indices {
                for (j, i) in generationOwners.enumerated() { responses[k][i] = .generation(output.results[k][j]) }
            }
        }
        return (responses.map { $0.map { $0! } }, throughput)
    }
}
