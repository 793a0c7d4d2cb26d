/// Which values of a head rotary positions rotate together, as llama.cpp's
/// `llama_model_rope_type` assigns it per architecture. GGUF converters store LLaMA's q/k
/// rows permuted for adjacent pairs and every other architecture's as trained, so the
/// layout is a property of the architecture, and the wrong one gives fluent nonsense.
public enum RopeLayout: String, Sendable, Equatable {
    /// Pairs of consecutive values (2i, 2i + 1): llama.cpp's NORM type.
    case adjacent
    /// Value i with value i + dims/2: llama.cpp's NEOX type, Hugging Face's rotate_half.
    case halves

    func apply(
        _ x: UnsafeMutablePointer<Float>, rows: Int, stride: Int, heads: Int, headDim: Int, dims: Int,
        cos: UnsafePointer<Float>, sin: UnsafePointer<Float>
    ) {
        switch self {
        case .adjacent:
            Ops.ropeAdjacent(x, rows: rows, stride: stride, heads: heads, headDim: headDim, dims: dims, cos: cos, sin: sin)
        case .halves:
            Ops.ropeHalves(x, rows: rows, stride: stride, heads: heads, headDim: headDim, dims: dims, cos: cos, sin: sin)
        }
    }
}
