import Engine
import Foundation
import Tokenizers

/// Scores loglikelihood requests on a network. Requests that share a context form a
/// group: the context runs once into a KV state and every continuation continues from a
/// copy of it. Groups go `batchSize` at a time through batched forward calls. When several
/// interventions are scored at once (a sweep), the clean part of each prompt is computed
/// once and shared by all of them.
public struct LoglikelihoodRunner {
    public let network: any LanguageModel
    public let tokenizer: any Tokenizer
    public let batchSize: Int

    public init(network: any LanguageModel, tokenizer: any Tokenizer, batchSize: Int) {
        self.network = network
        self.tokenizer = tokenizer
        self.batchSize = max(1, batchSize)
    }

    /// Results per intervention (nil: none) in request order, and the tokens processed.
    public func run(_ requests: [LoglikelihoodRequest], interventions: [(any InterventionRuntime)?]) throws
        -> (results: [[LoglikelihoodResult]], tokens: Int)
    {
        let whole = try requests.map { try $0.encode(with: tokenizer) }
        let encoded = try whole.map { try Self.fitting($0, context: network.contextLength) }
        let truncated = zip(whole, encoded).filter { $0.context.count != $1.context.count }.count
        if truncated > 0 {
            FileHandle.standardError.write(
                Data(
                    "warning: \(truncated) of \(requests.count) requests are longer than the model's context (\(network.contextLength) tokens); their contexts were left-truncated, as lm-eval does\n"
                        .utf8))
        }
        var groupOf: [[Int32]: Int] = [:]
        var groups: [RequestGroup] = []
        for (i, request) in encoded.enumerated() {
            if let g = groupOf[request.context] {
                groups[g].members.append(i)
            } else {
                groupOf[request.context] = groups.count
                groups.append(RequestGroup(context: request.context, members: [i]))
            }
        }
        var results = [[LoglikelihoodResult?]](
            repeating: [LoglikelihoodResult?](repeating: nil, count: requests.count),
            count: interventions.count)
        var tokens = 0
        var start = 0
        while start < groups.count {
            let batch = Array(groups[start..<min(start + batchSize, groups.count)])
            tokens += try score(batch, encoded, interventions, into: &results)
            start += batchSize
        }
        return (results.map { $0.map { $0! } }, tokens)
    }

    /// The request within the model's context, as lm-eval truncates it: of context +
    /// continuation, the last `contextLength + 1` tokens (the last is only predicted), taken
    /// from the context's left. A continuation that alone does not fit is an error.
    public static func fitting(_ request: EncodedRequest, context length: Int) throws -> EncodedRequest {
        let total = request.context.count + request.continuation.count
        guard total > length + 1 else { return request }
        guard request.continuation.count < length else {
            throw HarnessError.invalidInput(
                "a continuation of \(request.continuation.count) tokens does not fit the model's context of \(length) tokens; shorten the card's choices"
            )
        }
        return EncodedRequest(
            context: Array(request.context.suffix(length + 1 - request.continuation.count)), continuation: request.continuation)
    }

    /// Sequences per forward call when interventions share one: the weights are read once
    /// for all of them (measured: 512 one-token rows a call score 12% faster than 256).
    static let sequencesPerCall = 512
    /// Positions a continuation call may score at once. Their logits are never held whole
    /// (`LanguageModel.score` keeps a summary per row), but each position's activations are.
    static let logitRowsPerCall = 4096

    struct RequestGroup {
        let context: [Int32]
        var members: [Int]
    }

    /// The context states of a batch, after the whole prompt, with the scores of the last
    /// prompt position: one row per group, scoring each member's first continuation token.
    struct Contexts {
        let states: [KVState]
        let lastScores: [ScoredRow]
    }

    /// The tokens the last prompt position scores for each group: every member's first.
    private func firstTokens(_ batch: [RequestGroup], _ encoded: [EncodedRequest]) -> [[[Int32]]] {
        batch.map { group in [group.members.map { encoded[$0].continuation[0] }] }
    }

    private func score(
        _ batch: [RequestGroup], _ encoded: [EncodedRequest], _ interventions: [(any InterventionRuntime)?],
        into results: inout [[LoglikelihoodResult?]]
    ) throws -> Int {
        var tokens = 0
        let shareable = interventions.allSatisfy { $0?.leavesPromptPrefixClean ?? true }
        let needsSplit = interventions.contains { !($0?.cleanPassSites.isEmpty ?? true) }
        var prefix: [KVState]? = nil
        var clean: [[HookSite: [Float]]]? = nil
        if shareable && (interventions.count > 1 || needsSplit) {
            // Everything before the last prompt token, once and clean.
            let states = batch.map { _ in network.makeState() }
            let inputs = zip(batch, states).map { SequenceInput(tokens: Array($0.context.dropLast()), state: $1, logits: .none) }
            if inputs.contains(where: { !$0.tokens.isEmpty }) { _ = try network.forward(inputs) }
            tokens += batch.reduce(0) { $0 + $1.context.count - 1 }
            prefix = states
            let sites = interventions.reduce(into: Set<HookSite>()) { $0.formUnion($1?.cleanPassSites ?? []) }
            if !sites.isEmpty {
                let recorder = ActivationRecorder(sites: sites)
                let copies = states.map { $0.fork(reserving: 1) }
                _ = try network.forward(
                    zip(batch, copies).map { SequenceInput(tokens: [$0.context.last!], state: $1, logits: .none) },
                    editor: recorder)
                tokens += batch.count
                clean = batch.indices.map { s in
                    var bySite: [HookSite: [Float]] = [:]
                    for site in sites { bySite[site] = recorder.values[site]![s] }
                    return bySite
                }
            }
        }
        if let prefix {
            // Interventions' last prompt tokens, and then their continuations, go through one
            // forward call per chunk of interventions, so the weights are read once for many
            // of them; chunks bound a call's sequences and its logits.
            let continuationRows = batch.reduce(0) { sum, group in
                sum + group.members.reduce(0) { $0 + max(encoded[$1].continuation.count - 1, 0) }
            }
            let chunk = max(1, min(Self.sequencesPerCall / max(batch.count, 1), Self.logitRowsPerCall / max(continuationRows, 1)))
            var first = 0
            while first < interventions.count {
                let range = first..<min(first + chunk, interventions.count)
                let some = Array(interventions[range])
                let contexts = try finishContexts(batch, encoded, from: prefix, some, clean: clean)
                var part = Array(results[range])
                tokens += batch.count * some.count
                tokens += try scoreContinuations(batch, encoded, contexts, some, into: &part)
                results.replaceSubrange(range, with: part)
                first += chunk
            }
        } else {
            for (k, intervention) in interventions.enumerated() {
                let contexts = try fullContexts(batch, encoded, intervention)
                tokens += batch.reduce(0) { $0 + $1.context.count }
                var one = [results[k]]
                tokens += try scoreContinuations(batch, encoded, [contexts], [intervention], into: &one)
                results[k] = one[0]
            }
        }
        return tokens
    }

    private func fullContexts(
        _ batch: [RequestGroup], _ encoded: [EncodedRequest], _ intervention: (any InterventionRuntime)?
    ) throws -> Contexts {
        let states = batch.map { _ in network.makeState() }
        let spans = batch.map { SequenceSpan(promptLength: $0.context.count, firstPosition: 0) }
        let inputs = zip(batch, states).map { SequenceInput(tokens: $0.context, state: $1, logits: .last) }
        let scores = try network.score(inputs, editor: intervention?.editor(for: spans), tokens: firstTokens(batch, encoded))
        return Contexts(states: states, lastScores: scores.map { $0[0] })
    }

    /// The last prompt token on copies of the shared clean prefix, once per intervention,
    /// all in one call; each intervention edits only its own block of sequences.
    private func finishContexts(
        _ batch: [RequestGroup], _ encoded: [EncodedRequest], from prefix: [KVState],
        _ interventions: [(any InterventionRuntime)?], clean: [[HookSite: [Float]]]?
    ) throws -> [Contexts] {
        var inputs: [SequenceInput] = [], states: [[KVState]] = [], blocks: [RoutingEditor.Block] = []
        let spans = batch.map { SequenceSpan(promptLength: $0.context.count, firstPosition: $0.context.count - 1) }
        for intervention in interventions {
            let copies = prefix.map { $0.fork(reserving: 1) }
            let editor: ActivationEditor?
            if let intervention, !intervention.cleanPassSites.isEmpty, let clean {
                editor = intervention.secondPassEditor(clean: clean)
            } else {
                editor = intervention?.editor(for: spans)
            }
            if let editor { blocks.append(.init(editor: editor, firstSequence: inputs.count, sequenceCount: batch.count)) }
            inputs += zip(batch, copies).map { SequenceInput(tokens: [$0.context.last!], state: $1, logits: .last) }
            states.append(copies)
        }
        let first = firstTokens(batch, encoded)
        let scores = try network.score(
            inputs, editor: blocks.isEmpty ? nil : RoutingEditor(blocks: blocks),
            tokens: Array(repeatElement(first, count: interventions.count).joined()))
        return states.indices.map { k in
            Contexts(states: states[k], lastScores: scores[(k * batch.count)..<((k + 1) * batch.count)].map { $0[0] })
        }
    }

    /// Continuations of every intervention in one call: every token but the last is fed, each
    /// fed position scoring the next; the context's last position scores the first.
    private func scoreContinuations(
        _ batch: [RequestGroup], _ encoded: [EncodedRequest], _ contexts: [Contexts],
        _ interventions: [(any InterventionRuntime)?], into results: inout [[LoglikelihoodResult?]]
    ) throws -> Int {
        var inputs: [SequenceInput] = [], targets: [[[Int32]]] = [], owners: [(k: Int, request: Int)] = []
        var blocks: [RoutingEditor.Block] = []
        for (k, intervention) in interventions.enumerated() {
            let first = inputs.count
            var spans: [SequenceSpan] = []
            for (g, group) in batch.enumerated() {
                for r in group.members where encoded[r].continuation.count > 1 {
                    let continuation = encoded[r].continuation
                    inputs.append(
                        SequenceInput(
                            tokens: Array(continuation.dropLast()),
                            state: contexts[k].states[g].fork(reserving: continuation.count), logits: .all))
                    targets.append(continuation.dropFirst().map { [$0] })
                    owners.append((k, r))
                    spans.append(SequenceSpan(promptLength: group.context.count, firstPosition: group.context.count))
                }
            }
            if !spans.isEmpty, let editor = intervention?.editor(for: spans) {
                blocks.append(.init(editor: editor, firstSequence: first, sequenceCount: spans.count))
            }
        }
        let fed =
            inputs.isEmpty
            ? [] : try network.score(inputs, editor: blocks.isEmpty ? nil : RoutingEditor(blocks: blocks), tokens: targets)
        var fedIndex: [Int: [Int: Int]] = [:]
        for (i, owner) in owners.enumerated() { fedIndex[owner.k, default: [:]][owner.request] = i }
        for k in interventions.indices {
            for (g, group) in batch.enumerated() {
                let last = contexts[k].lastScores[g]
                for (member, r) in group.members.enumerated() {
                    let tokens = encoded[r].continuation
                    var sum = last.logProbability(ofTokenAt: member)
                    var argmax = [last.summary.argmax]
                    if let i = fedIndex[k]?[r] {
                        for row in fed[i] {
                            sum += row.logProbability(ofTokenAt: 0)
                            argmax.append(row.summary.argmax)
                        }
                    }
                    results[k][r] = LoglikelihoodResult(
                        logprob: sum, isGreedy: argmax == tokens, tokenCount: tokens.count, argmaxTokens: argmax)
                }
            }
        }
        return inputs.reduce(0) { $0 + $1.tokens.count }
    }
}
