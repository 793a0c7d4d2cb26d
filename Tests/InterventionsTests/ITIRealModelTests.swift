import Engine
import Experiment
import Foundation
import Harness
import TaskCOPA
import TestSupport
import Testing

@testable import Interventions

@Suite("ITI on the real model", .serialized)
struct ITIRealModelTests {
    static let model = try! ModelUnderTest(
        loaded: ModelLoader.load(path: TestPaths.smolLM2),
        sha256: SHA256.hex(ofFile: TestPaths.smolLM2))

    static func items() throws -> TaskItems {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("iti-tests-cache").path
        let store = DataStore.fromEnvironment(
            mirror: "file://" + TestPaths.datasets, progress: false,
            environment: ["SADI_CACHE": cache, "HOME": NSTemporaryDirectory()])
        let task = try COPATask.load(cardsDirectory: TestPaths.repositoryRoot + "/tasks")
        return TaskItems(task: task, store: store, scoring: .harness)
    }

    @Test func fitsOnFortyCOPAPairItemsAndEditsExactlyKHeads() throws {
        let items = try Self.items()
        let pairItems = try items.instances(role: .pairs).instances
        let heldItems = try items.instances(role: .validation).instances
        #expect(pairItems.count == 400 && heldItems.count == 100)
        let pairs = pairItems.prefix(40).flatMap(ContrastivePair.pairs(from:))
        let held = heldItems.prefix(20).flatMap(ContrastivePair.pairs(from:))
        let fitted = try ITIMethod().fit(
            FittingData(
                model: Self.model.loaded, pairs: pairs, validationPairs: { held },
                options: FittingOptions(), batchSize: 16))
        let iti = try #require(fitted as? FittedITI)
        let shape = Self.model.loaded.network.shape
        #expect(iti.heads.count == shape.layerCount * shape.headCount)
        #expect(iti.pairCount == 40 && iti.validationPairCount == 20)
        #expect(iti.heads.allSatisfy { (0...1).contains($0.validationAccuracy) && $0.std.isFinite && $0.std >= 0 })
        // With 64 values and 80 examples the probes fit the pairs well above chance.
        #expect(iti.heads.map(\.trainAccuracy).max()! > 0.9)

        for k in [4, 8, 48] {
            let plan = try iti.plan(k: k, strength: 15)
            var heads: Set<SteeringUnit> = []
            for edit in plan.edits {
                guard case let .add(values) = edit.operation, case let .attentionHeads(layer) = edit.site else {
                    Issue.record("ITI edits attention heads by adding a shift")
                    continue
                }
                #expect(values.count == edit.indices.count && values.allSatisfy(\.isFinite))
                #expect(values.contains { $0 != 0 })
                #expect(edit.indices.count % shape.headDim == 0)
                for block in stride(from: 0, to: edit.indices.count, by: shape.headDim) {
                    let head = edit.indices[block] / shape.headDim
                    #expect(
                        Array(edit.indices[block..<(block + shape.headDim)]) == Array((head * shape.headDim)..<((head + 1) * shape.headDim))
                    )
                    heads.insert(SteeringUnit(layer: layer, index: head))
                }
            }
            #expect(heads.count == k, "K = \(k)")
            // The chosen heads are the ones of best held-out accuracy.
            let worstChosen = iti.heads.filter { heads.contains($0.unit) }.map(\.validationAccuracy).min()!
            let bestLeft = iti.heads.filter { !heads.contains($0.unit) }.map(\.validationAccuracy).max()!
            #expect(worstChosen >= bestLeft)
        }

        // The validation grid search takes ITI as it takes SADI.
        let grid = try GridSearch(model: Self.model, batchSize: 16)
            .run(iti, ks: [4, 8], strengths: [0, 5], instances: Array(heldItems.prefix(6)), scorer: AccuracyScorer(.none))
        #expect(grid.cells.count == 4)
        // α = 0 adds zeros: every K scores as the baseline does.
        #expect(grid.score(k: 4, strength: 0) == grid.score(k: 8, strength: 0))

        // Saved and loaded for this model, the plan is the one fitted.
        let sha = try SHA256.hex(ofFile: TestPaths.smolLM2)
        let file = (TestPaths.smolLM2 as NSString).lastPathComponent
        let artifact = try iti.artifact(
            k: 8, strength: 15, model: .init(file: file, sha256: sha, shape: shape),
            task: "copa", scoring: .harness, notes: [:])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("iti-real-\(getpid()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try artifact.save(to: path)
        let loaded = try InterventionArtifact.load(path: path, expectedModelSHA256: sha, modelFile: file, shape: shape)
        #expect(loaded == artifact)
        #expect(loaded.plan == (try iti.plan(k: 8, strength: 15)))
        #expect(loaded.units.count == 8 && loaded.validationPairCount == 20)
    }
}
