/// The activations of one kind of site (e.g. attention heads) in every layer for N
/// contrastive pairs, read at one token position per prompt. Stored flat, laid out
/// [pair][layer][width], so a fit over thousands of pairs is two allocations, not millions.
public struct SiteActivations: Sendable, Equatable {
    public let pairs: Int
    public let layers: Int
    /// Floats per layer (heads × headDim for attention heads).
    public let width: Int
    /// Floats per unit: the head dimension for attention heads, 1 for hidden units and neurons.
    public let unitSize: Int
    /// Plural noun for messages, e.g. "attention heads".
    public let unitName: String
    public let positive: [Float]
    public let negative: [Float]

    public var unitsPerLayer: Int { width / unitSize }
    public var unitCount: Int { layers * unitsPerLayer }

    public init(
        pairs: Int, layers: Int, width: Int, unitSize: Int = 1, unitName: String = "units",
        positive: [Float], negative: [Float]
    ) throws {
        guard pairs > 0 else {
            throw FittingError.invalidArgument("fitting needs at least one contrastive pair, got none; check the task's pairs split")
        }
        guard layers > 0, width > 0, unitSize > 0, width % unitSize == 0 else {
            throw FittingError.shapeMismatch(
                "a site of width \(width) in \(layers) layers cannot hold units of \(unitSize) values; the width must be a positive multiple of the unit size"
            )
        }
        let expected = pairs * layers * width
        guard positive.count == expected, negative.count == expected else {
            throw FittingError.shapeMismatch(
                "activations for \(pairs) pairs × \(layers) layers × \(width) need \(expected) values per side, got \(positive.count) positive and \(negative.count) negative"
            )
        }
        self.pairs = pairs
        self.layers = layers
        self.width = width
        self.unitSize = unitSize
        self.unitName = unitName
        self.positive = positive
        self.negative = negative
    }

    /// From nested arrays [pair][layer][width], as a recorder collects them.
    public init(positive: [[[Float]]], negative: [[[Float]]], unitSize: Int = 1, unitName: String = "units") throws {
        guard positive.count == negative.count else {
            throw FittingError.shapeMismatch(
                "there are \(positive.count) positive and \(negative.count) negative examples; every pair needs both")
        }
        let layers = positive.first?.count ?? 0
        let width = positive.first?.first?.count ?? 0
        for side in [positive, negative] {
            for pair in side where pair.count != layers || pair.contains(where: { $0.count != width }) {
                throw FittingError.shapeMismatch(
                    "pairs disagree on the number of layers or the width (expected \(layers) layers of \(width)); record every pair at the same site"
                )
            }
        }
        try self.init(
            pairs: positive.count, layers: layers, width: width, unitSize: unitSize, unitName: unitName,
            positive: positive.flatMap { $0.flatMap { $0 } },
            negative: negative.flatMap { $0.flatMap { $0 } })
    }

    /// The same pairs restricted to one layer (e.g. CAA's single residual layer).
    public func layerSlice(_ layer: Int) throws -> SiteActivations {
        guard (0..<layers).contains(layer) else {
            throw FittingError.invalidArgument("layer \(layer) does not exist; the activations cover layers 0-\(layers - 1)")
        }
        var pos: [Float] = []
        var neg: [Float] = []
        pos.reserveCapacity(pairs * width)
        neg.reserveCapacity(pairs * width)
        for pair in 0..<pairs {
            let start = (pair * layers + layer) * width
            pos.append(contentsOf: positive[start..<(start + width)])
            neg.append(contentsOf: negative[start..<(start + width)])
        }
        return try SiteActivations(
            pairs: pairs, layers: 1, width: width, unitSize: unitSize, unitName: unitName,
            positive: pos, negative: neg)
    }
}
