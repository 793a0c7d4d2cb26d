import Dispatch
import Engine
import Harness

/// ITI (Li et al. 2023, "Inference-Time Intervention") fitted once on contrastive pairs:
/// a logistic probe per attention head, its accuracy on held-out pairs, and the head's
/// mass-mean direction θ with the std σ of the activations projected on it. A plan for any
/// (K, α) then takes the K heads of best held-out accuracy and adds α·σ·θ to each, so the
/// validation grid search fits nothing per cell.
///
/// The held-out pairs are the task's validation split, which also chooses K and α: ITI's
/// released code does the same (its probe accuracies and its α sweep both use the tuning
/// folds), so the test split still shapes nothing.
public struct FittedITI: FittedMethod {
    /// One attention head's fit.
    public struct Head: Sendable, Codable, Equatable {
        /// Layer and head index (`index` counts heads, not dimensions).
        public let unit: Unit
        /// Probe accuracy on the pairs it was fitted on.
        public let trainAccuracy: Double
        /// Probe accuracy on the held-out pairs: what heads are ranked by.
        public let validationAccuracy: Double
        /// D = mean(positive) − mean(negative) over the fitting pairs, one value per dimension.
        public let difference: [Float]
        /// θ = D / ‖D‖; all zeros when D is zero (the head then shifts nothing).
        public let direction: [Float]
        /// σ: population std of every fitting activation (both answers) projected on θ, as
        /// ITI's `get_interventions_dict` computes it.
        public let std: Float

        public init(
            unit: Unit, trainAccuracy: Double, validationAccuracy: Double, difference: [Float],
            direction: [Float], std: Float
        ) {
            self.unit = unit
            self.trainAccuracy = trainAccuracy
            self.validationAccuracy = validationAccuracy
            self.difference = difference
            self.direction = direction
            self.std = std
        }

        /// The shift α·σ·θ added to this head's values.
        public func shift(strength: Double) -> [Float] {
            let scale = strength * Double(std)
            return direction.map { Float(scale * Double($0)) }
        }
    }

    public let options: FittingOptions
    public let shape: ModelShape
    /// Every head of every layer, in (layer, head) order.
    public let heads: [Head]
    /// Pairs the probes and directions were fitted on, and pairs their accuracy was measured on.
    public let pairCount: Int
    public let validationPairCount: Int
    /// The probes' L2 penalty (scikit-learn's 1/C; ITI uses C = 1).
    public let l2: Float

    public static let siteKind = "attention-heads"

    /// `training` and `validation` hold attention-head activations ([pair][layer][heads × headDim]).
    public init(
        options: FittingOptions, shape: ModelShape, training: SiteActivations, validation: SiteActivations,
        l2: Float = 1, threads: Int = Parallel.availableCores
    ) throws {
        if let kind = options.siteKind, kind != Self.siteKind {
            throw InterventionError.invalid("--site \(kind): iti probes attention heads only; drop --site or pass --site attention-heads")
        }
        let width = shape.headCount * shape.headDim
        for (name, set) in [("fitting", training), ("validation", validation)]
        where set.layers != shape.layerCount || set.width != width {
            throw FittingError.shapeMismatch(
                "the \(name) activations cover \(set.layers) layers × \(set.width) values, but the model's attention heads are \(shape.layerCount) layers × \(width); collect them at the attention-heads site of this model"
            )
        }
        self.options = options
        self.shape = shape
        self.l2 = l2
        pairCount = training.pairs
        validationPairCount = validation.pairs
        let count = shape.layerCount * shape.headCount
        let results = ResultSlots<Result<Head, Error>>(count: count)
        let workers = max(1, min(threads, count))
        // Heads are independent; each worker takes every `workers`-th head, so the result does
        // not depend on the number of threads.
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for h in stride(from: worker, to: count, by: workers) {
                let unit = Unit(layer: h / shape.headCount, index: h % shape.headCount)
                results[h] = Result { try Self.fitHead(unit, shape: shape, training: training, validation: validation, l2: l2) }
            }
        }
        heads = try results.values.map { try $0!.get() }
    }

    /// From the collector's output for the pairs and for the held-out pairs.
    public init(
        options: FittingOptions, shape: ModelShape, collected: ActivationCollector.Result,
        validationCollected: ActivationCollector.Result, l2: Float = 1
    ) throws {
        func activations(_ result: ActivationCollector.Result, _ name: String) throws -> SiteActivations {
            guard let width = result.widths[Self.siteKind], let positive = result.positive[Self.siteKind],
                let negative = result.negative[Self.siteKind]
            else {
                throw InterventionError.invalid("attention-head activations of the \(name) pairs were not collected")
            }
            return try SiteActivations(
                pairs: positive.count, layers: result.layers, width: width, unitSize: shape.headDim,
                unitName: "attention heads", positive: positive.flatMap { $0 },
                negative: negative.flatMap { $0 })
        }
        try self.init(
            options: options, shape: shape, training: activations(collected, "fitting"),
            validation: activations(validationCollected, "validation"), l2: l2)
    }

    /// Held-out probe accuracies as unit scores ([layer × headCount]).
    public func accuracyScores() throws -> UnitScores {
        try UnitScores(
            layers: shape.layerCount, unitsPerLayer: shape.headCount,
            values: heads.map { Float($0.validationAccuracy) }, unitName: "attention heads")
    }

    /// The K heads of best held-out accuracy (within `options.layers`), best first; ties go
    /// to (layer, head) ascending. Accuracies are multiples of 1/n, exact in Float.
    public func selectedHeads(k: Int) throws -> [Head] {
        let units = try selectTopUnits(accuracyScores(), k: k, ranking: .signed, layers: options.layers)
        return units.map { heads[$0.layer * shape.headCount + $0.index] }
    }

    /// The plan for (K, α): each selected head's 64 (headDim) values get α·σ·θ added at the
    /// tokens of the positions policy (default from-prompt-last).
    public func plan(k: Int, strength: Double) throws -> InterventionPlan {
        guard strength.isFinite else { throw InterventionError.invalid("--strength must be a finite number, got \(strength)") }
        let chosen = try selectedHeads(k: k)
        var byLayer: [Int: [Head]] = [:]
        for head in chosen { byLayer[head.unit.layer, default: []].append(head) }
        let edits = byLayer.keys.sorted().map { layer in
            let layerHeads = byLayer[layer]!.sorted { $0.unit < $1.unit }
            let indices = layerHeads.flatMap { h in (h.unit.index * shape.headDim)..<((h.unit.index + 1) * shape.headDim) }
            let values = layerHeads.flatMap { $0.shift(strength: strength) }
            return SiteEdit(site: .attentionHeads(layer), indices: indices, operation: .add(values))
        }
        if let bad = edits.first(where: { edit in
            if case let .add(values) = edit.operation { return values.contains { !$0.isFinite } }
            return false
        }) {
            throw InterventionError.invalid(
                "iti's shift in \(bad.site) is not finite at α = \(strength); the recorded activations are too large or contain NaN")
        }
        return InterventionPlan(
            edits: edits, positions: options.policy ?? ITIMethod().defaultPolicy,
            application: options.application, layerCount: shape.layerCount)
    }

    private static func fitHead(
        _ unit: Unit, shape: ModelShape, training: SiteActivations, validation: SiteActivations,
        l2: Float
    ) throws -> Head {
        let (positive, negative) = headRows(unit, shape: shape, of: training)
        let (heldPositive, heldNegative) = headRows(unit, shape: shape, of: validation)
        let labels = [Bool](repeating: true, count: positive.count) + [Bool](repeating: false, count: negative.count)
        let heldLabels = [Bool](repeating: true, count: heldPositive.count) + [Bool](repeating: false, count: heldNegative.count)
        let probe = try LogisticProbe.fit(features: positive + negative, labels: labels, l2: l2)
        let difference = zip(positive.columnMeans, negative.columnMeans).map { Float($0 - $1) }
        // A head whose two means coincide has no direction to shift along: it keeps zeros
        // (a zero shift) rather than failing the whole fit, as ITI's NumPy code would with NaN.
        let direction =
            (try? massMeanDirection(positive: positive, negative: negative))
            ?? [Float](repeating: 0, count: shape.headDim)
        return Head(
            unit: unit,
            trainAccuracy: try probe.accuracy(features: positive + negative, labels: labels),
            validationAccuracy: try probe.accuracy(features: heldPositive + heldNegative, labels: heldLabels),
            difference: difference, direction: direction,
            std: try projectionStd(features: positive + negative, direction: direction))
    }

    /// One head's rows of every pair, positive and negative.
    private static func headRows(_ unit: Unit, shape: ModelShape, of set: SiteActivations) -> ([[Float]], [[Float]]) {
        let start = unit.index * shape.headDim
        func rows(_ flat: [Float]) -> [[Float]] {
            (0..<set.pairs).map { p in
                let offset = (p * set.layers + unit.layer) * set.width + start
                return Array(flat[offset..<(offset + shape.headDim)])
            }
        }
        return (rows(set.positive), rows(set.negative))
    }
}

private extension Array where Element == [Float] {
    /// Per-column means in Double (activations reach thousands; Float sums would drift).
    var columnMeans: [Double] {
        guard let width = first?.count else { return [] }
        var sums = [Double](repeating: 0, count: width)
        for row in self { for j in 0..<width { sums[j] += Double(row[j]) } }
        return sums.map { $0 / Double(count) }
    }
}

/// Slots that concurrent workers fill at disjoint indices.
private final class ResultSlots<T>: @unchecked Sendable {
    private var storage: [T?]
    private let lock = DispatchQueue(label: "iti.slots")

    init(count: Int) { storage = [T?](repeating: nil, count: count) }

    subscript(index: Int) -> T? {
        get { lock.sync { storage[index] } }
        set { lock.sync { storage[index] = newValue } }
    }

    var values: [T?] { lock.sync { storage } }
}
