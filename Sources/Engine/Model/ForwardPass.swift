/// Everything one forward call needs besides the weights: the batch layout, scratch
/// buffers and the optional editor. Created per call; the buffers come from the model's
/// reusable scratch so the hot path allocates nothing.
final class ForwardPass {
    let layout: BatchLayout
    let scratch: ForwardScratch
    let editor: ActivationEditor?

    let threads: Int
    /// The precision of X in the few-row products.
    let activations: ActivationPrecision

    init(
        layout: BatchLayout, scratch: ForwardScratch, editor: ActivationEditor?, threads: Int,
        activations: ActivationPrecision = .float32
    ) {
        self.layout = layout
        self.scratch = scratch
        self.editor = editor
        self.threads = threads
        self.activations = activations
    }

    /// Scratch for X at 8 bits a value when the pass quantises activations, else nil: what
    /// `WeightMatrix.multiply` takes as `quantized`.
    var quantized: FloatBuffer? { activations == .int8 ? scratch.quantized : nil }

    var tokenCount: Int { layout.tokenCount }

    /// Whether the editor wants `site`: where it does not, layers may fuse the steps around it.
    @inline(__always)
    func wants(_ site: HookSite) -> Bool {
        editor?.wants(site) ?? false
    }

    /// Offers the activations at `site` to the editor, if it wants them.
    @inline(__always)
    func hook(_ site: HookSite, _ data: UnsafeMutablePointer<Float>, width: Int, stride: Int? = nil, heads: Int = 1) {
        guard let editor, editor.wants(site) else { return }
        editor.visit(
            ActivationView(
                site: site, data: data, width: width, stride: stride ?? width,
                rows: layout.rows, heads: heads))
    }
}

/// Named scratch buffers, grown on demand and kept between calls.
final class ForwardScratch {
    let residual = FloatBuffer()
    let normed = FloatBuffer()
    let qkv = FloatBuffer()
    let heads = FloatBuffer()
    let projected = FloatBuffer()
    let gateUp = FloatBuffer()
    /// One per thread: dequantised weight tiles and attention scores.
    let weights: [FloatBuffer]
    let scores: [FloatBuffer]
    let ropeCos = FloatBuffer()
    let ropeSin = FloatBuffer()
    let gathered = FloatBuffer()
    /// A whole dequantised weight matrix, shared by the threads.
    let sharedWeights = FloatBuffer()
    /// The rows of X of a few-row product quantised to 8 bits (8-bit activations only).
    let quantized = FloatBuffer()

    init(threads: Int) {
        weights = (0..<threads).map { _ in FloatBuffer() }
        scores = (0..<threads).map { _ in FloatBuffer() }
    }
}
