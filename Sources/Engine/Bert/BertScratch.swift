/// The buffers of one encoder call, grown on demand and kept between calls so a batch
/// allocates nothing after the first.
final class BertScratch {
    /// The hidden states, `tokens × hidden`.
    let hidden = FloatBuffer()
    /// q | k | v of every token, `tokens × 3·hidden`.
    let qkv = FloatBuffer()
    /// The attention heads' outputs, `tokens × hidden`.
    let context = FloatBuffer()
    /// A projection back to the hidden width, before its residual and LayerNorm.
    let projected = FloatBuffer()
    /// The feed-forward layer's inner activations, `tokens × intermediate`.
    let intermediate = FloatBuffer()
    /// One per thread: dequantised weight tiles and attention scores.
    let weights: [FloatBuffer]
    let scores: [FloatBuffer]
    /// A whole dequantised weight matrix, shared by the threads.
    let sharedWeights = FloatBuffer()

    init(threads: Int) {
        weights = (0..<threads).map { _ in FloatBuffer() }
        scores = (0..<threads).map { _ in FloatBuffer() }
    }
}
