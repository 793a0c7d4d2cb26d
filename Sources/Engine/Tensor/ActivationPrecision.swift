/// The precision of the activations (X) in decoding's few-row products (up to
/// `WeightMatrix.fewRowLimit` rows): float32, or quantised to 8 bits per value with a float
/// scale per 32 values, as llama.cpp does, for weights the 8-bit kernels read (Q4_0, Q4_1,
/// Q8_0; other types and prompt processing stay float32). 8 bits are faster and less exact:
/// an explicit option, never the default for scoring (see the README's engine section).
public enum ActivationPrecision: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case float32
    case int8

    public var description: String { rawValue }
}
