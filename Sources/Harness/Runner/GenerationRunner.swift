import Dispatch
import Engine
import Tokenizers

/// Generates text for `generate_until` requests, many sequences per forward call: every
/// prompt of a batch is processed in one call, then each step feeds every unfinished
/// sequence its next token in one call. An intervention edits the tokens its positions
/// policy names, generated tokens included (its editor sees each step's positions); a
/// two-pass intervention (SADI's official procedure) records the clean last prompt token and
/// rewrites it in a second pass, as when scoring.
public struct GenerationRunner {
    public let network: any LanguageModel
    public let tokenizer: any Tokenizer
    public let batchSize: Int

    public init(network: any LanguageModel, tokenizer: any Tokenizer, batchSize: Int) {
        self.network = network
        self.tokenizer = tokenizer
        self.batchSize = max(1, batchSize)
    }

    public struct Prompt: Sendable {
        public let context: String
        public let generation: GenerationSettings

        public init(context: String, generation: GenerationSettings) {
            self.context = context
            self.generation = generation
        }
    }

    /// Generations per intervention (nil: none) in prompt order, and what they cost.
    public func run(_ prompts: [Prompt], interventions: [(any InterventionRuntime)?]) throws
        -> (results: [[Generation]], throughput: Throughput)
    {
        let encoded = try prompts.map(encode)
        var results: [[Generation]] = interventions.map { _ in [] }
        var throughput = Throughput()
        for (k, intervention) in interventions.enumerated() {
            var start = 0
            while start < prompts.count {
                let range = start..<min(start + batchSize, prompts.count)
                let (batch, used) = try generate(Array(prompts[range]), Array(encoded[range]), intervention)
                results[k] += batch
                throughput = throughput + used
                start = range.upperBound
            }
        }
        return (results, throughput)
    }

    private func encode(_ prompt: Prompt) throws -> [Int32] {
        guard prompt.generation.maxTokens >= 1 else {
            throw HarnessError.invalidInput(
                "a generation request asks for \(prompt.generation.maxTokens) tokens; the card's generation.max_tokens must be at least 1")
        }
        var ids = tokenizer.encode(prompt.context)
        // lm-eval keeps the last (context length − max tokens) prompt tokens.
        let room = network.contextLength - prompt.generation.maxTokens
        guard room >= 1 else {
            throw HarnessError.invalidInput(
                "a generation request asks for \(prompt.generation.maxTokens) tokens, the model's whole context (\(network.contextLength)); lower the card's generation.max_tokens"
            )
        }
        if ids.count > room { ids = Array(ids.suffix(room)) }
        if !ids.isEmpty { return ids }
        guard let start = tokenizer.bosID ?? tokenizer.eosID else {
            throw HarnessError.invalidInput(
                "a generation request has an empty context and the tokenizer has neither BOS nor EOS to start from")
        }
        return [start]
    }

    /// One sequence being generated.
    private struct Sequence {
        let promptLength: Int
        let state: KVState
        let settings: GenerationSettings
        var generator: SplitMix64
        var stream: TextStream
        var tokens: [Int32] = []
        var stoppedBy: Generation.StopReason?
    }

    private func generate(_ prompts: [Prompt], _ encoded: [[Int32]], _ intervention: (any InterventionRuntime)?) throws
        -> ([Generation], Throughput)
    {
        var sequences = zip(prompts, encoded).map { prompt, ids in
            Sequence(
                promptLength: ids.count,
                state: network.makeState(),
                settings: prompt.generation,
                generator: SplitMix64(seed: prompt.generation.sampling?.seed ?? 0),
                stream: TextStream(stopStrings: prompt.generation.until))
        }
        var tokens = encoded.reduce(0) { $0 + $1.count }
        var logits = try prefill(sequences, encoded, intervention)
        let decodeStart = DispatchTime.now()
        var decoded = 0
        var active = Array(sequences.indices)
        while !active.isEmpty {
            var fed: [Int] = []
            for (a, s) in active.enumerated() {
                // argmax or sampling over NaN would still name a token: the sequence stops
                // there, marked, and the caller fails its cell or its run.
                guard logits[a].last.allSatisfy(\.isFinite) else {
                    sequences[s].stoppedBy = .nonFiniteLogits
                    continue
                }
                let next = pick(logits[a].last, &sequences[s])
                if sequences[s].settings.stopAtEndOfSequence, next == tokenizer.eosID {
                    sequences[s].stoppedBy = .endOfSequence
                    continue
                }
                sequences[s].tokens.append(next)
                _ = sequences[s].stream.append(tokenizer.bytes(of: next))
                if sequences[s].stream.stopped {
                    sequences[s].stoppedBy = .stopString
                } else if sequences[s].tokens.count >= sequences[s].settings.maxTokens {
                    sequences[s].stoppedBy = .maxTokens
                } else {
                    fed.append(s)
                }
            }
            active = fed
            guard !active.isEmpty else { break }
            let spans = active.map { SequenceSpan(promptLength: sequences[$0].promptLength, firstPosition: sequences[$0].state.length) }
            let inputs = active.map { SequenceInput(tokens: [sequences[$0].tokens.last!], state: sequences[$0].state, logits: .last) }
            logits = try network.forward(inputs, editor: intervention?.editor(for: spans))
            tokens += active.count
            decoded += active.count
        }
        let decodeSeconds = Double(DispatchTime.now().uptimeNanoseconds - decodeStart.uptimeNanoseconds) / 1e9
        let generations = sequences.indices.map { s -> Generation in
            _ = sequences[s].stream.finish()
            return Generation(
                text: sequences[s].stream.text, tokenCount: sequences[s].tokens.count,
                stoppedBy: sequences[s].stoppedBy ?? .maxTokens)
        }
        return (generations, Throughput(tokens: tokens, decodedTokens: decoded, decodeSeconds: decodeSeconds))
    }

    /// Every prompt in one call (two for a two-pass intervention); the last prompt logits.
    private func prefill(_ sequences: [Sequence], _ encoded: [[Int32]], _ intervention: (any InterventionRuntime)?) throws
        -> [Logits]
    {
        let sites = intervention?.cleanPassSites ?? []
        guard let intervention, !sites.isEmpty else {
            let spans = encoded.map { SequenceSpan(promptLength: $0.count, firstPosition: 0) }
            let inputs = zip(sequences, encoded).map { SequenceInput(tokens: $1, state: $0.state, logits: .last) }
            return try network.forward(inputs, editor: intervention?.editor(for: spans))
        }
        // Two passes: the prompt but its last token, clean; the last token once clean (on a
        // fork, recorded) and once with the second pass's editor.
        let prefix = zip(sequences, encoded).map { SequenceInput(tokens: Array($1.dropLast()), state: $0.state, logits: .none) }
        if prefix.contains(where: { !$0.tokens.isEmpty }) { _ = try network.forward(prefix) }
        let recorder = ActivationRecorder(sites: sites)
        let forks = sequences.map { $0.state.fork(reserving: 1) }
        _ = try network.forward(
            zip(forks, encoded).map { SequenceInput(tokens: [$1.last!], state: $0, logits: .none) },
            editor: recorder)
        let clean = sequences.indices.map { s in
            Dictionary(uniqueKeysWithValues: sites.map { ($0, recorder.values[$0]![s]) })
        }
        let last = zip(sequences, encoded).map { SequenceInput(tokens: [$1.last!], state: $0.state, logits: .last) }
        return try network.forward(last, editor: intervention.secondPassEditor(clean: clean))
    }

    private func pick(_ logits: ArraySlice<Float>, _ sequence: inout Sequence) -> Int32 {
        guard let sampling = sequence.settings.sampling else { return TokenSampler.greedy(logits) }
        return TokenSampler.sample(logits, temperature: sampling.temperature, topP: sampling.topP, generator: &sequence.generator)
    }
}
