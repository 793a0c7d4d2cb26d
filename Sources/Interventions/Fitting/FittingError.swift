/// Errors of the fitting functions. Each description is one sentence naming the flag or
/// input at fault and what would fix it, so the CLI can print it as it is.
public enum FittingError: Error, CustomStringConvertible, Equatable, Sendable {
    /// K exceeds the units available (in the whole model, or in the chosen layers).
    case tooManyUnits(
        flag: String, k: Int, unitName: String, layers: ClosedRange<Int>,
        layerCount: Int, unitsPerLayer: Int)
    case nonPositiveK(flag: String, k: Int)
    case layersOutOfRange(flag: String, layers: ClosedRange<Int>, layerCount: Int)
    case shapeMismatch(String)
    case nonFiniteScore(unit: Unit, value: Float)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .tooManyUnits(flag, k, unitName, layers, layerCount, unitsPerLayer):
            let available = layers.count * unitsPerLayer
            if layers.count == layerCount {
                return "\(flag) \(k) is larger than the \(available) \(unitName) the model has "
                    + "(\(layerCount) layers × \(unitsPerLayer)); choose K ≤ \(available)."
            }
            return "\(flag) \(k) is larger than the \(available) \(unitName) in layers "
                + "\(layers.lowerBound) to \(layers.upperBound) (\(layers.count) layers × \(unitsPerLayer)); "
                + "choose K ≤ \(available) or widen the layer range."
        case let .nonPositiveK(flag, k):
            return "\(flag) \(k) selects no units; choose K ≥ 1."
        case let .layersOutOfRange(flag, layers, layerCount):
            return "\(flag) \(layers.lowerBound)-\(layers.upperBound) is outside the model's layers "
                + "0-\(layerCount - 1); choose a range inside them."
        case let .shapeMismatch(detail):
            return detail.hasSuffix(".") ? detail : detail + "."
        case let .nonFiniteScore(unit, value):
            return "the score of unit \(unit.index) in layer \(unit.layer) is \(value); the recorded "
                + "activations contain NaN or infinity, so check the model and the recorded site."
        case let .invalidArgument(detail):
            return detail.hasSuffix(".") ? detail : detail + "."
        }
    }
}
