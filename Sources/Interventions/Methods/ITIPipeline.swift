import Engine
import Harness

extension MethodPipeline {
    /// Fits ITI: head activations of the `pairs` split train the probes and give the
    /// directions; the same activations of the `validation` split, turned into pairs the
    /// same way, give each probe's held-out accuracy (which ranks the heads).
    public func fitITI(options: FittingOptions, prompt: String? = nil, l2: Float = 1) throws -> FittedITI {
        let pairs = try self.pairs(options: options, prompt: prompt)
        let heldOut = try items(role: .validation, prompt: prompt).flatMap(ContrastivePair.pairs(from:))
        return try fitITI(pairs: pairs, validationPairs: heldOut, options: options, l2: l2)
    }

    /// Fits ITI on given pairs (e.g. a subset, in tests).
    public func fitITI(pairs: [ContrastivePair], validationPairs: [ContrastivePair], options: FittingOptions,
                       l2: Float = 1) throws -> FittedITI {
        guard !pairs.isEmpty else {
            throw InterventionError.invalid("iti needs contrastive pairs to fit its probes, and the pairs split gave none; check the task card's pairs split")
        }
        guard !validationPairs.isEmpty else {
            throw InterventionError.invalid("iti ranks heads by probe accuracy on the validation split, which gave no pairs; add a validation split to the task card")
        }
        let collector = ActivationCollector(network: model.network, tokenizer: model.tokenizer, batchSize: batchSize,
                                            wholeWordSplit: scoring.wholeWordSplit)
        let training = try collector.collect(pairs, kinds: [FittedITI.siteKind], at: options.position)
        let validation = try collector.collect(validationPairs, kinds: [FittedITI.siteKind], at: options.position)
        return try FittedITI(options: options, shape: model.network.shape, collected: training,
                             validationCollected: validation, l2: l2)
    }
}
