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

    /// Sequences decoding together at most when interventions share a prompt pass.
    public let sequencesPerCall: Int

    public init(
        network: any LanguageModel, tokenizer: any Tokenizer, batchSize: Int,
        sequencesPerCall: Int = GenerationRunner.defaultSequencesPerCall
    ) {
        self.network = network
        self.tokenizer = tokenizer
        self.batchSize = max(1, batchSize)
        self.sequencesPerCall = max(1, sequencesPerCall)
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
    ///
    /// When every intervention leaves the prompt before its last token alone (all methods'
    /// positions policies do), a batch's prompts are computed once, clean, for all of them:
    /// the unsteered run continues from that pass as it would alone, and each intervention
    /// recomputes only the last prompt token on a fork of it under its own edits. The
    /// interventions then decode together, one forward call per step for all their
    /// sequences, so each weight is read once for all. A paired run or a validation grid
    /// otherwise processed the same few-shot prompt once per intervention (TriviaQA's
    /// five-shot prompts are ~190 tokens against ~5 generated).
    public func run(_ prompts: [Prompt], interventions: [(any InterventionRuntime)?]) throws
        -> (results: [[Generation]], throughput: Throughput)
    {
        let encoded = try prompts.map(encode)
        var results: [[Generation]] = interventions.map { _ in [] }
        var throughput = Throughput()
        let shared =
            interventions.count > 1 && interventions.allSatisfy { $0?.leavesPromptPrefixClean ?? true }
        var start = 0
        while start < prompts.count {
            let range = start..<min(start + batchSize, prompts.count)
            let batch = Array(prompts[range]), ids = Array(encoded[range])
            if shared {
                // Chunks of interventions bound a call's sequences (and its logits rows).
                let chunk = max(1, sequencesPerCall / batch.count)
                let roots = try cleanPrompts(batch, ids)
                throughput.tokens += ids.reduce(0) { $0 + $1.count }
                var first = 0
                while first < interventions.count {
                    let some = Array(interventions[first..<min(first + chunk, interventions.count)])
                    let (generations, used) = try generateSharing(roots, batch, ids, some)
                    for (j, texts) in generations.enumerated() { results[first + j] += texts }
                    throughput = throughput + used
                    first += chunk
                }
            } else {
                for (k, intervention) in interventions.enumerated() {
                    let (sequences, logits, tokens) = try prefillAlone(batch, ids, intervention)
                    let (generations, used) = try decode(sequences, logits, [intervention])
                    results[k] += generations[0]
                    throughput = throughput + used
                    throughput.tokens += tokens
                }
            }
            start = range.upperBound
        }
        return (results, throughput)
    }

    /// The default of `sequencesPerCall` (at least one intervention's batch goes in a call).
    /// Every sequence keeps its KV state until the slowest stops, ~46 KB a token in
    /// SmolLM2-135M, so 128 sequences that all run to 256 tokens hold 1.5 GB (a validation
    /// grid of looping settings does that; 512 would hold 6 GB). The prompts are shared
    /// whatever the chunk: each chunk forks the same clean pass.
    public static let defaultSequencesPerCall = 128

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

    /// One sequence being generated, under intervention `arm` of a call.
    private struct Sequence {
        let arm: Int
        let promptLength: Int
        let state: KVState
        let settings: GenerationSettings
        var generator: SplitMix64
        var stream: TextStream
        var tokens: [Int32] = []
        var stoppedBy: Generation.StopReason?

        init(arm: Int, promptLength: Int, state: KVState, settings: GenerationSettings) {
            self.arm = arm
            self.promptLength = promptLength
            self.state = state
            self.settings = settings
            generator = SplitMix64(seed: settings.sampling?.seed ?? 0)
            stream = TextStream(stopStrings: settings.until)
        }
    }

    /// The prompts under one intervention, each in its own state: every prompt in one call
    /// (two for a two-pass intervention). The sequences, their last prompt logits, and the
    /// tokens computed.
    private func prefillAlone(_ prompts: [Prompt], _ encoded: [[Int32]], _ intervention: (any InterventionRuntime)?)
        throws -> ([Sequence], [Logits], Int)
    {
        let sequences = zip(prompts, encoded).map { prompt, ids in
            Sequence(arm: 0, promptLength: ids.count, state: network.makeState(), settings: prompt.generation)
        }
        let tokens = encoded.reduce(0) { $0 + $1.count }
        let sites = intervention?.cleanPassSites ?? []
        guard let intervention, !sites.isEmpty else {
            let spans = encoded.map { SequenceSpan(promptLength: $0.count, firstPosition: 0) }
            let inputs = zip(sequences, encoded).map { SequenceInput(tokens: $1, state: $0.state, logits: .last) }
            return (sequences, try network.forward(inputs, editor: intervention?.editor(for: spans)), tokens)
        }
        // Two passes: the prompt but its last token, clean; the last token once clean (on a
        // fork, recorded) and once with the second pass's editor.
        let prefix = zip(sequences, encoded).map { SequenceInput(tokens: Array($1.dropLast()), state: $0.state, logits: .none) }
        if prefix.contains(where: { !$0.tokens.isEmpty }) { _ = try network.forward(prefix) }
        let clean = try cleanValues(at: sequences.map { $0.state.fork(reserving: 1) }, encoded, sites: sites)
        let last = zip(sequences, encoded).map { SequenceInput(tokens: [$1.last!], state: $0.state, logits: .last) }
        return (sequences, try network.forward(last, editor: intervention.secondPassEditor(clean: clean)), tokens + prompts.count)
    }

    /// Every prompt whole and clean, in one call: the states every intervention forks, and
    /// the unsteered last prompt logits.
    private struct CleanPrompts {
        let states: [KVState]
        let logits: [Logits]
    }

    private func cleanPrompts(_ prompts: [Prompt], _ encoded: [[Int32]]) throws -> CleanPrompts {
        let states = encoded.map { _ in network.makeState() }
        let logits = try network.forward(zip(states, encoded).map { SequenceInput(tokens: $1, state: $0, logits: .last) })
        return CleanPrompts(states: states, logits: logits)
    }

    /// Generates under each of `interventions` from the shared clean prompts: the unsteered
    /// run continues from them; each intervention recomputes the last prompt token on a fork
    /// that keeps the rest, all interventions in one call, then all decode together.
    private func generateSharing(
        _ roots: CleanPrompts, _ prompts: [Prompt], _ encoded: [[Int32]], _ interventions: [(any InterventionRuntime)?]
    ) throws -> ([[Generation]], Throughput) {
        var sequences: [Sequence] = []
        var logits: [Logits?] = []
        var inputs: [SequenceInput] = [], blocks: [RoutingEditor.Block] = [], fedSequences: [Int] = []
        let spans = encoded.map { SequenceSpan(promptLength: $0.count, firstPosition: $0.count - 1) }
        let sites = interventions.reduce(into: Set<HookSite>()) { $0.formUnion($1?.cleanPassSites ?? []) }
        let clean =
            sites.isEmpty
            ? []
            : try cleanValues(at: zip(roots.states, encoded).map { $0.fork(keeping: $1.count - 1, reserving: 1) }, encoded, sites: sites)
        for (arm, intervention) in interventions.enumerated() {
            guard let intervention else {
                for s in encoded.indices {
                    sequences.append(
                        Sequence(
                            arm: arm, promptLength: encoded[s].count, state: roots.states[s].fork(),
                            settings: prompts[s].generation))
                    logits.append(roots.logits[s])
                }
                continue
            }
            let editor =
                intervention.cleanPassSites.isEmpty ? intervention.editor(for: spans) : intervention.secondPassEditor(clean: clean)
            if let editor { blocks.append(.init(editor: editor, firstSequence: inputs.count, sequenceCount: encoded.count)) }
            for s in encoded.indices {
                let state = roots.states[s].fork(keeping: encoded[s].count - 1)
                sequences.append(Sequence(arm: arm, promptLength: encoded[s].count, state: state, settings: prompts[s].generation))
                logits.append(nil)
                fedSequences.append(sequences.count - 1)
                inputs.append(SequenceInput(tokens: [encoded[s].last!], state: state, logits: .last))
            }
        }
        if !inputs.isEmpty {
            let last = try network.forward(inputs, editor: blocks.isEmpty ? nil : RoutingEditor(blocks: blocks))
            for (i, s) in fedSequences.enumerated() { logits[s] = last[i] }
        }
        var (generations, used) = try decode(sequences, logits.map { $0! }, interventions)
        used.tokens += inputs.count + (sites.isEmpty ? 0 : encoded.count)
        return (generations, used)
    }

    /// The clean values of `sites` at each prompt's last token, for a two-pass intervention:
    /// the last tokens fed to `forks` (states holding the rest of each prompt), recorded.
    private func cleanValues(at forks: [KVState], _ encoded: [[Int32]], sites: Set<HookSite>) throws -> [[HookSite: [Float]]] {
        let recorder = ActivationRecorder(sites: sites)
        _ = try network.forward(
            zip(forks, encoded).map { SequenceInput(tokens: [$1.last!], state: $0, logits: .none) }, editor: recorder)
        return encoded.indices.map { s in
            Dictionary(uniqueKeysWithValues: sites.map { ($0, recorder.values[$0]![s]) })
        }
    }

    /// Decodes every sequence from its last prompt logits until it stops, all unfinished
    /// sequences in one forward call a step, each edited by its arm's intervention. The
    /// generations per arm in sequence order, and the decoding's cost.
    private func decode(_ start: [Sequence], _ first: [Logits], _ interventions: [(any InterventionRuntime)?]) throws
        -> ([[Generation]], Throughput)
    {
        var sequences = start
        var logits = first
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
            let inputs = active.map { SequenceInput(tokens: [sequences[$0].tokens.last!], state: sequences[$0].state, logits: .last) }
            logits = try network.forward(inputs, editor: stepEditor(active, sequences, interventions))
            decoded += active.count
        }
        let decodeSeconds = Double(DispatchTime.now().uptimeNanoseconds - decodeStart.uptimeNanoseconds) / 1e9
        var generations: [[Generation]] = interventions.map { _ in [] }
        for s in sequences.indices {
            _ = sequences[s].stream.finish()
            generations[sequences[s].arm].append(
                Generation(
                    text: sequences[s].stream.text, tokenCount: sequences[s].tokens.count,
                    stoppedBy: sequences[s].stoppedBy ?? .maxTokens))
        }
        return (generations, Throughput(tokens: decoded, decodedTokens: decoded, decodeSeconds: decodeSeconds))
    }

    /// The editor of one decoding step over the `active` sequences (ordered by arm): each
    /// arm's intervention edits its own block of rows.
    private func stepEditor(_ active: [Int], _ sequences: [Sequence], _ interventions: [(any InterventionRuntime)?])
        -> ActivationEditor?
    {
        var blocks: [RoutingEditor.Block] = []
        var first = 0
        while first < active.count {
            let arm = sequences[active[first]].arm
            var end = first
            while end < active.count, sequences[active[end]].arm == arm { end += 1 }
            let spans = active[first..<end].map {
                SequenceSpan(promptLength: sequences[$0].promptLength, firstPosition: sequences[$0].state.length)
            }
            if let editor = interventions[arm]?.editor(for: spans) {
                blocks.append(.init(editor: editor, firstSequence: first, sequenceCount: end - first))
            }
            first = end
        }
        if blocks.count == 1, blocks[0].firstSequence == 0, blocks[0].sequenceCount == active.count { return blocks[0].editor }
        return blocks.isEmpty ? nil : RoutingEditor(blocks: blocks)
    }

    private func pick(_ logits: ArraySlice<Float>, _ sequence: inout Sequence) -> Int32 {
        guard let sampling = sequence.settings.sampling else { return TokenSampler.greedy(logits) }
        return TokenSampler.sample(logits, temperature: sampling.temperature, topP: sampling.topP, generator: &sequence.generator)
    }
}
