/// Something fitted once from which a plan for any (K, strength) is cheap to build, so the
/// validation grid search can score every cell without refitting: SADI/CAA's
/// `FittedIntervention` and ITI's `FittedITI`.
public protocol PlanBuilder: Sendable {
    /// Contrastive pairs it was fitted on.
    var pairCount: Int { get }
    func plan(k: Int, strength: Double) throws -> InterventionPlan
}

extension FittedIntervention: PlanBuilder {}
