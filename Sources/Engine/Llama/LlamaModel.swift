import Foundation

/// A LLaMA-family decoder (LLaMA, Mistral, Qwen2, SmolLM) running from a GGUF file or a
/// Hugging Face directory: embeddings, `layerCount` blocks, a final RMSNorm and the output
/// projection (tied to the embeddings when the model has no `output.weight`).
public final class LlamaModel: LanguageModel, @unchecked Sendable {
    public let configuration: LlamaConfiguration
    public let shape: ModelShape
    public var contextLength: Int { configuration.contextLength }
    /// Holds the memory the weight matrices point into.
    let weights: any WeightSource
    let embedding: WeightMatrix
    let blocks: [LlamaBlock]
    let finalNorm: [Float]
    let output: WeightMatrix
    // Scratch is reused between calls; the lock makes concurrent callers take turns.
    /// Threads for the engine's own loops; OpenBLAS runs on each of them single-threaded.
    public let threads: Int
    public let activations: ActivationPrecision
    private let scratch: ForwardScratch
    private let lock = NSLock()

    public convenience init(
        gguf: GGUFFile, threads: Int = Parallel.availableCores, activations: ActivationPrecision = .float32
    ) throws {
        try self.init(configuration: LlamaConfiguration(gguf: gguf), weights: gguf, threads: threads, activations: activations)
    }

    /// A model from a Hugging Face checkpoint directory (config.json and safetensors).
    public convenience init(
        directory: SafeTensorsDirectory, threads: Int = Parallel.availableCores, activations: ActivationPrecision = .float32
    ) throws {
        try self.init(
            configuration: LlamaConfiguration(huggingFace: directory), weights: directory, threads: threads,
            activations: activations)
    }

    init(
        configuration c: LlamaConfiguration, weights gguf: any WeightSource, threads: Int,
        activations: ActivationPrecision = .float32
    ) throws {
        self.threads = max(1, threads)
        self.activations = activations
        scratch = ForwardScratch(threads: self.threads)
        BLAS.useCallerThreadOnly()
        configuration = c
        weights = gguf
        shape = ModelShape(
            layerCount: c.layerCount, hiddenSize: c.hiddenSize, headCount: c.headCount,
            headDim: c.headDim, intermediateSize: c.intermediateSize, vocabularySize: c.vocabularySize)
        embedding = try gguf.weightMatrix(["token_embd.weight"], columns: c.hiddenSize, rows: [c.vocabularySize])
        output =
            c.tiedOutput
            ? embedding
            : try gguf.weightMatrix(["output.weight"], columns: c.hiddenSize, rows: [c.vocabularySize])
        finalNorm = try gguf.vector("output_norm.weight", count: c.hiddenSize)
        blocks = try (0..<c.layerCount).map { try LlamaBlock(layer: $0, config: c, weights: gguf) }
    }

    public func makeState() -> KVState {
        KVState(layerCount: configuration.layerCount, width: configuration.kvWidth)
    }

    public func forward(_ inputs: [SequenceInput], editor: ActivationEditor?) throws -> [Logits] {
        let layout = try BatchLayout(inputs, vocabularySize: configuration.vocabularySize)
        lock.lock()
        defer { lock.unlock() }
        return run(ForwardPass(layout: layout, scratch: scratch, editor: editor, threads: threads, activations: activations), tokens: nil)
            .logits
    }

    public func score(_ inputs: [SequenceInput], editor: ActivationEditor?, tokens: [[[Int32]]]) throws -> [[ScoredRow]] {
        let layout = try BatchLayout(inputs, vocabularySize: configuration.vocabularySize)
        let flat = try layout.scoringTokens(tokens, vocabularySize: configuration.vocabularySize)
        lock.lock()
        defer { lock.unlock() }
        return run(ForwardPass(layout: layout, scratch: scratch, editor: editor, threads: threads, activations: activations), tokens: flat)
            .scores
    }

    private func run(_ pass: ForwardPass, tokens: [[Int32]]?) -> ForwardOutput {
        let c = configuration, t = pass.tokenCount, d = c.hiddenSize, s = pass.scratch
        let layout = pass.layout
        for sequence in layout.sequences { sequence.state?.reserve(sequence.past + sequence.count) }
        let residual = s.residual.reserve(max(t, 1) * d)
        for (row, token) in layout.tokens.enumerated() {
            embedding.dequantizeRows(Int(token)..<(Int(token) + 1), into: residual + row * d)
        }
        pass.hook(.embeddings, residual, width: d)

        let half = c.ropeDimensions / 2
        Ops.ropeTables(
            positions: layout.positions, dims: c.ropeDimensions, theta: c.ropeTheta,
            cos: s.ropeCos.reserve(max(t, 1) * half), sin: s.ropeSin.reserve(max(t, 1) * half))
        // Only the requested rows go through the final norm and the large output matrix, and
        // (unless an editor reads the last layer) through the last layer's projections.
        let wanted = layout.sequences.flatMap { seq in seq.logitRows.map { seq.firstRow + $0 } }
        let gathered = s.gathered.reserve(max(wanted.count, 1) * d)
        if let last = blocks.last, wanted.count < t, !last.editorNeedsEveryRow(pass) {
            for block in blocks.dropLast() { block.apply(residual, pass) }
            last.apply(residual, keeping: wanted, into: gathered, pass)
        } else {
            for block in blocks { block.apply(residual, pass) }
            for (i, row) in wanted.enumerated() { (gathered + i * d).update(from: residual + row * d, count: d) }
        }
        for sequence in layout.sequences { sequence.state?.advance(by: sequence.count) }
        let normed = s.normed.reserve(max(wanted.count, 1) * d)
        finalNorm.withUnsafeBufferPointer {
            Ops.rmsNorm(
                gathered, rows: wanted.count, width: d, weight: $0.baseAddress!, epsilon: c.rmsNormEpsilon, into: normed,
                threads: pass.threads)
        }
        return ForwardOutput.make(
            normed, m: wanted.count, output: output, layout: layout, tokens: tokens, scratch: s, quantized: pass.quantized,
            threads: pass.threads)
    }
}
