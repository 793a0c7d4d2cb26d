/// Turns stored GGUF tensor data into float32, bit-exactly as ggml's `dequantize_row_*` does.
///
/// Every decoder reproduces ggml's float32 order of operations (for example `d*q + m`, never a
/// fused multiply-add), so the results hash to the same bytes as llama.cpp's own dequantiser and
/// parity tests can compare whole weight matrices by sha256.
public enum Dequantization {
    /// Dequantises `count` values (a whole number of blocks of `type`) starting at `source` into `destination`.
    public static func dequantize(
        _ type: GGMLType, _ source: UnsafeRawPointer, count: Int,
        into destination: UnsafeMutablePointer<Float>
    ) {
        precondition(
            count >= 0 && count % type.blockSize == 0,
            "dequantize: \(count) values is not a whole number of \(type) blocks of \(type.blockSize)")
        let blocks = count / type.blockSize
        switch type {
        case .f32: FloatFormats.copyF32(source, count: count, into: destination)
        case .f16: FloatFormats.convertF16(source, count: count, into: destination)
        case .bf16: FloatFormats.convertBF16(source, count: count, into: destination)
        case .q4_0: LegacyQuants.q4_0(source, blocks: blocks, into: destination)
        case .q4_1: LegacyQuants.q4_1(source, blocks: blocks, into: destination)
        case .q5_0: LegacyQuants.q5_0(source, blocks: blocks, into: destination)
        case .q5_1: LegacyQuants.q5_1(source, blocks: blocks, into: destination)
        case .q8_0: LegacyQuants.q8_0(source, blocks: blocks, into: destination)
        case .q2_K: KQuantsLowBits.q2_K(source, blocks: blocks, into: destination)
        case .q3_K: KQuantsLowBits.q3_K(source, blocks: blocks, into: destination)
        case .q4_K: KQuantsHighBits.q4_K(source, blocks: blocks, into: destination)
        case .q5_K: KQuantsHighBits.q5_K(source, blocks: blocks, into: destination)
        case .q6_K: KQuantsHighBits.q6_K(source, blocks: blocks, into: destination)
        case .iq4_nl: NonLinearQuants.iq4_nl(source, blocks: blocks, into: destination)
        case .iq4_xs: NonLinearQuants.iq4_xs(source, blocks: blocks, into: destination)
        default:
            preconditionFailure("dequantize: \(type) is not a weight storage type this engine reads")
        }
    }

    /// The types `dequantize` reads, in the order messages list them (float formats, legacy
    /// blocks, K-quants, i-quants).
    public static let readableTypes: [GGMLType] = [
        .f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .iq4_nl, .iq4_xs,
    ]

    /// Whether `dequantize` accepts this type; loaders check it to report an unsupported
    /// tensor type with a clear error instead of reaching the precondition.
    public static func supports(_ type: GGMLType) -> Bool {
        readableTypes.contains(type)
    }
}
