import Engine
import Experiment
import Foundation
import Harness
import Interventions
import TestSupport
import Testing

@Suite("Steering direction on the real model", .serialized)
struct SteeringDirectionTests {
    @Test("CAA with a positive multiplier raises the right answer's log-likelihood over the wrong one's; a negative one lowers it")
    func caaPushesTowardsThePositiveAnswer() throws {
        let scratch = try TestPaths.scratchDirectory("caa-direction")
        let experiment = Experiment(task: try Fixtures.copa(validation: 30), model: Fixtures.model, store: Fixtures.store(scratch))
        let items = TaskItems(task: experiment.task, store: experiment.store, scoring: .harness)
        var options = FittingOptions()
        options.pairLimit = 60
        let fitted = try experiment.fit(CAAMethod(), options: options, items: items, batchSize: 16)
        let held = try items.instances(role: .validation).instances
        let layer = Fixtures.model.loaded.network.shape.layerCount / 2
        let plans = [try fitted.plan(k: layer, strength: 4), nil, try fitted.plan(k: layer, strength: -4)]
        var margins = [Double](repeating: 0, count: plans.count)
        try EvaluationLoop(model: Fixtures.model.loaded, batchSize: 15).run(held, interventions: plans) { batch, responses in
            for (p, _) in plans.enumerated() {
                for (i, instance) in batch.enumerated() {
                    let gold = instance.reference.choiceIndex!
                    let logprobs = responses[p][i].choiceResults.map(\.logprob)
                    margins[p] += logprobs[gold] - logprobs[1 - gold]
                }
            }
        }
        margins = margins.map { $0 / Double(held.count) }
        #expect(
            margins[0] > margins[1] && margins[1] > margins[2],
            "mean margin right − wrong: +4 \(margins[0]), none \(margins[1]), −4 \(margins[2])")
    }
}
