import Engine
import Foundation

/// How the default toxicity classifier's logistic head is trained and evaluated, from
/// statements and their sentence embeddings:
///
/// 1. Held out: `heldOutGroups` whole target groups, a seeded choice among the groups that
///    have both toxic and benign statements; every statement of theirs (also when it appears
///    under another group too) is kept out of training and evaluates the head.
/// 2. The L2 penalty: each of `penalties` is fitted on the rest minus a seeded validation
///    part (`validationShare`), and the one with the lowest validation log loss is chosen
///    (ties: the larger penalty).
/// 3. The shipped head: refitted with that penalty on every statement not held out; the
///    held-out accuracy (threshold 0.5) and AUROC are measured on it, per held-out group and
///    over all held-out statements, so they describe exactly what is shipped.
public struct ClassifierTraining: Sendable {
    public struct Settings: Sendable, Codable, Equatable {
        public var seed: UInt64 = 1234
        public var heldOutGroups: Int = 3
        public var validationShare: Double = 0.2
        public var penalties: [Double] = [0.01, 0.1, 1, 10, 100]

        public init() {}

        enum CodingKeys: String, CodingKey {
            case seed
            case heldOutGroups = "held_out_groups"
            case validationShare = "validation_share"
            case penalties
        }
    }

    /// A set of statements scored by the head.
    public struct Evaluation: Sendable, Codable, Equatable {
        public let statements: Int
        public let toxic: Int
        public let accuracy: Double
        public let auroc: Double
    }

    public struct Report: Sendable, Codable, Equatable {
        public let settings: Settings
        public let statements: Int
        public let toxicStatements: Int
        public let trainingStatements: Int
        public let validationStatements: Int
        public let heldOutGroups: [String]
        /// Validation log loss per penalty (as text keys, for JSON), and the chosen penalty.
        public let validationLogLoss: [String: Double]
        public let penalty: Double
        public let heldOut: [String: Evaluation]
        public let heldOutOverall: Evaluation

        enum CodingKeys: String, CodingKey {
            case settings, statements, penalty
            case toxicStatements = "toxic_statements"
            case trainingStatements = "training_statements"
            case validationStatements = "validation_statements"
            case heldOutGroups = "held_out_groups"
            case validationLogLoss = "validation_log_loss"
            case heldOut = "held_out"
            case heldOutOverall = "held_out_overall"
        }
    }

    public let head: LogisticRegression
    public let report: Report

    /// `embeddings[i]` is statement i's.
    public init(statements: [LabelledStatement], embeddings: [[Float]], settings: Settings = .init()) throws {
        guard statements.count == embeddings.count, !statements.isEmpty else {
            throw HarnessError.invalidInput(
                "classifier training needs one embedding per statement (\(statements.count) statements, \(embeddings.count) embeddings)")
        }
        guard settings.heldOutGroups >= 1, !settings.penalties.isEmpty, settings.validationShare > 0, settings.validationShare < 1 else {
            throw HarnessError.invalidInput(
                "classifier training needs at least one held-out group, one penalty and a validation share in (0, 1)")
        }
        let groups = Set(statements.flatMap(\.groups)).sorted()
        let eligible = groups.filter { group in
            let labels = Set(statements.filter { $0.groups.contains(group) }.map(\.toxic))
            return labels.count == 2
        }
        guard eligible.count > settings.heldOutGroups else {
            throw HarnessError.invalidInput(
                "classifier training holds out \(settings.heldOutGroups) groups but only \(eligible.count) groups (\(eligible.joined(separator: ", "))) have both toxic and benign statements"
            )
        }
        let heldOut = SeededSubset.permutation(count: eligible.count, seed: settings.seed).prefix(settings.heldOutGroups)
            .map { eligible[$0] }.sorted()
        let heldOutSet = Set(heldOut)
        let pool = statements.indices.filter { Set(statements[$0].groups).isDisjoint(with: heldOutSet) }
        // The validation part: a seeded share of the pool (another stream than the groups').
        let order = SeededSubset.permutation(count: pool.count, seed: settings.seed ^ 0x9E37_79B9_7F4A_7C15)
        let validationCount = max(1, Int((Double(pool.count) * settings.validationShare).rounded()))
        let validation = order.prefix(validationCount).map { pool[$0] }.sorted()
        let validationSet = Set(validation)
        let training = pool.filter { !validationSet.contains($0) }
        func rows(_ indices: [Int]) -> ([[Float]], [Bool]) { (indices.map { embeddings[$0] }, indices.map { statements[$0].toxic }) }

        let (trainX, trainY) = rows(training)
        let (validX, validY) = rows(validation)
        var losses: [String: Double] = [:]
        var best: (penalty: Double, loss: Double)? = nil
        for penalty in settings.penalties.sorted(by: >) {
            let model = try LogisticRegression.fit(features: trainX, labels: trainY, penalty: penalty)
            let loss = BinaryClassificationMetrics.logLoss(probabilities: validX.map(model.probability), labels: validY)
            losses[Self.key(penalty)] = loss
            if best == nil || loss < best!.loss { best = (penalty, loss) }
        }
        let (poolX, poolY) = rows(pool)
        let head = try LogisticRegression.fit(features: poolX, labels: poolY, penalty: best!.penalty)
        self.head = head
        func evaluate(_ indices: [Int]) -> Evaluation {
            let scores = indices.map { head.probability(embeddings[$0]) }
            let labels = indices.map { statements[$0].toxic }
            return Evaluation(
                statements: indices.count, toxic: labels.filter { $0 }.count,
                accuracy: BinaryClassificationMetrics.accuracy(scores: scores, labels: labels),
                auroc: BinaryClassificationMetrics.auroc(scores: scores, labels: labels))
        }
        var perGroup: [String: Evaluation] = [:]
        for group in heldOut { perGroup[group] = evaluate(statements.indices.filter { statements[$0].groups.contains(group) }) }
        report = Report(
            settings: settings, statements: statements.count, toxicStatements: statements.filter(\.toxic).count,
            trainingStatements: training.count, validationStatements: validation.count, heldOutGroups: heldOut,
            validationLogLoss: losses, penalty: best!.penalty, heldOut: perGroup,
            heldOutOverall: evaluate(statements.indices.filter { !Set(statements[$0].groups).isDisjoint(with: heldOutSet) }))
    }

    static func key(_ penalty: Double) -> String { String(penalty) }
}
