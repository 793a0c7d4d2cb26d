/// Where a model's weights come from, asked for by their GGUF tensor names: a GGUF file
/// answers directly, a Hugging Face directory (`SafeTensorsDirectory`) maps each name to its
/// checkpoint's. One forward pass is built from either, so the two never drift apart.
/// The source must outlive the matrices it gives: their parts point into its memory.
protocol WeightSource: AnyObject, Sendable {
    /// The file or directory, for errors.
    var path: String { get }
    func hasTensor(_ name: String) -> Bool
    /// A weight matrix of `rows × columns` (out × in) made of the named tensors stacked by rows.
    func weightMatrix(_ names: [String], columns: Int, rows: [Int]) throws -> WeightMatrix
    /// A 1-D vector (norm weights, biases) as float32.
    func vector(_ name: String, count: Int) throws -> [Float]
}
