import Foundation

/// One layer of a LayerNorm-family decoder: reads and updates the residual stream in place,
/// offering its sites to the pass's editor.
protocol DecoderBlock {
    func apply(_ residual: UnsafeMutablePointer<Float>, _ pass: ForwardPass)
}

/// What differs between GPT-2, BLOOM and Falcon outside their blocks.
struct DecoderParts {
    var architecture: String
    var shape: ModelShape
    var contextLength: Int
    var kvWidth: Int
    var tokenEmbedding: WeightMatrix
    /// GPT-2's learned absolute positions (wpe).
    var positionEmbedding: WeightMatrix?
    /// BLOOM's LayerNorm right after the embeddings.
    var embeddingNorm: LayerNorm?
    /// Rotary positions (Falcon): the cos/sin tables the blocks rotate q and k with.
    var rotaryDimensions: Int?
    var rotaryTheta: Float = 10000
    var blocks: [any DecoderBlock]
    var finalNorm: LayerNorm
    /// The output projection (the token embeddings when tied).
    var output: WeightMatrix
}

/// A decoder-only transformer of the LayerNorm family, built by an architecture's file
/// (`GPT2`, `Bloom`, `Falcon`): embeddings (+ positions, + norm), blocks, final LayerNorm,
/// output projection.
public final class DecoderModel: LanguageModel, @unchecked Sendable {
    public let architecture: String
    public let shape: ModelShape
    public let contextLength: Int
    public let threads: Int
    public let activations: ActivationPrecision
    let parts: DecoderParts
    /// Holds the memory the weight matrices point into.
    let weights: AnyObject
    private let scratch: ForwardScratch
    private let lock = NSLock()

    init(_ parts: DecoderParts, weights: AnyObject, threads: Int, activations: ActivationPrecision = .float32) {
        self.threads = max(1, threads)
        self.activations = activations
        scratch = ForwardScratch(threads: self.threads)
        BLAS.useCallerThreadOnly()
        self.parts = parts
        self.weights = weights
        architecture = parts.architecture
        shape = parts.shape
        contextLength = parts.contextLength
    }

    /// The call's layout, refused when a position is past the learned positions.
    private func checkedLayout(_ inputs: [SequenceInput]) throws -> BatchLayout {
        let layout = try BatchLayout(inputs, vocabularySize: shape.vocabularySize)
        if let positions = parts.positionEmbedding, let bad = layout.positions.first(where: { $0 >= positions.rows }) {
            throw EngineError.invalidArgument(
                "position \(bad) is past the \(positions.rows) learned positions of this \(architecture) model")
        }
        return layout
    }

    public func makeState() -> KVState {
        KVState(layerCount: shape.layerCount, width: parts.kvWidth)
    }

    public func forward(_ inputs: [SequenceInput], editor: ActivationEditor?) throws -> [Logits] {
        let layout = try checkedLayout(inputs)
        lock.lock()
        defer { lock.unlock() }
        return run(ForwardPass(layout: layout, scratch: scratch, editor: editor, threads: threads, activations: activations), tokens: nil)
            .logits
    }

    public func score(_ inputs: [SequenceInput], editor: ActivationEditor?, tokens: [[[Int32]]]) throws -> [[ScoredRow]] {
        let layout = try checkedLayout(inputs)
        let flat = try layout.scoringTokens(tokens, vocabularySize: shape.vocabularySize)
        lock.lock()
        defer { lock.unlock() }
        return run(ForwardPass(layout: layout, scratch: scratch, editor: editor, threads: threads, activations: activations), tokens: flat)
            .scores
    }

    private func run(_ pass: ForwardPass, tokens: [[Int32]]?) -> ForwardOutput {
        let p = parts, t = pass.tokenCount, d = shape.hiddenSize, s = pass.scratch, layout = pass.layout
        for sequence in layout.sequences { sequence.state?.reserve(sequence.past + sequence.count) }
        let residual = s.residual.reserve(max(t, 1) * d)
        for (row, token) in layout.tokens.enumerated() {
            p.tokenEmbedding.dequantizeRows(Int(token)..<(Int(token) + 1), into: residual + row * d)
        }
        if let positions = p.positionEmbedding {
            let position = s.normed.reserve(d)
            for (row, at) in layout.positions.enumerated() {
                positions.dequantizeRows(at..<(at + 1), into: position)
                Ops.add(position, into: residual + row * d, count: d)
            }
        }
        if let norm = p.embeddingNorm { norm(residual, rows: t, into: residual, pass) }
        pass.hook(.embeddings, residual, width: d)
        if let dims = p.rotaryDimensions {
            Ops.ropeTables(
                positions: layout.positions, dims: dims, theta: p.rotaryTheta,
                cos: s.ropeCos.reserve(max(t, 1) * dims / 2), sin: s.ropeSin.reserve(max(t, 1) * dims / 2))
        }
        for block in p.blocks { block.apply(residual, pass) }
        for sequence in layout.sequences { sequence.state?.advance(by: sequence.count) }

        let wanted = layout.sequences.flatMap { seq in seq.logitRows.map { seq.firstRow + $0 } }
        let gathered = s.gathered.reserve(max(wanted.count, 1) * d)
        for (i, row) in wanted.enumerated() { (gathered + i * d).update(from: residual + row * d, count: d) }
        let normed = s.normed.reserve(max(wanted.count, 1) * d)
        p.finalNorm(gathered, rows: wanted.count, into: normed, pass)
        return ForwardOutput.make(
            normed, m: wanted.count, output: p.output, layout: layout, tokens: tokens, scratch: s, quantized: pass.quantized,
            threads: pass.threads)
    }
}

extension DecoderBlock {
    /// residual += linear(x) over the pass's rows, offered to the editor at `site` first.
    func add(
        _ linear: Linear, of x: UnsafePointer<Float>, at site: HookSite, to residual: UnsafeMutablePointer<Float>,
        _ pass: ForwardPass
    ) {
        let t = pass.tokenCount
        let projected = pass.scratch.projected.reserve(max(t, 1) * linear.outputs)
        linear(x, rows: t, into: projected, pass)
        pass.hook(site, projected, width: linear.outputs)
        Ops.add(projected, into: residual, count: t * linear.outputs)
    }

    /// residual += down(activation(up(x))): the activation is offered as `mlpGate` (these MLPs
    /// have no gate: act(up(x)) alone is what SADI calls a neuron), then as `mlpActivation`
    /// (the input of the last projection, the same values after any gate edit), the block's
    /// output as `mlpOutput`.
    func feedForward(
        up: Linear, activation: (UnsafeMutablePointer<Float>, Int) -> Void, down: Linear, of x: UnsafePointer<Float>,
        layer: Int, to residual: UnsafeMutablePointer<Float>, _ pass: ForwardPass
    ) {
        let t = pass.tokenCount
        let hidden = pass.scratch.gateUp.reserve(max(t, 1) * up.outputs)
        up(x, rows: t, into: hidden, pass)
        activation(hidden, t * up.outputs)
        pass.hook(.mlpGate(layer), hidden, width: up.outputs)
        pass.hook(.mlpActivation(layer), hidden, width: up.outputs)
        add(down, of: hidden, at: .mlpOutput(layer), to: residual, pass)
    }
}
