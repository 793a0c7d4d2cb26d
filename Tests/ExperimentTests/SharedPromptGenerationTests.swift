import Engine
import Experiment
import Harness
import Interventions
import TestSupport
import Testing

/// Several interventions generating from one clean pass over their prompts (a paired run, a
/// validation grid) must generate what each does on its own.
@Suite("generations sharing one prompt pass", .serialized)
struct SharedPromptGenerationTests {
    static let questions = [
        "Question: Which planet is known as the Red Planet?\nAnswer:",
        "Question: Who wrote the play Romeo and Juliet?\nAnswer:",
        "Question: What is the largest ocean on Earth?\nAnswer:",
        "Question: In which country is the city of Kyoto?\nAnswer:",
        "Question: What gas do plants take in from the air?\nAnswer:",
    ]

    func plan(_ positions: PositionsPolicy, _ application: InterventionPlan.Application, scale: Float) -> InterventionPlan {
        let layers = Fixtures.model.loaded.network.shape.layerCount
        let edit = SiteEdit(site: .attentionHeads(layers / 2), indices: Array(0..<(9 * 64)), operation: .scale(scale))
        return InterventionPlan(edits: [edit], positions: positions, application: application, layerCount: layers)
    }

    @Test(
        "each intervention, and the unsteered run, generates together what it generates alone: live and two-pass, last prompt token or every token after it"
    )
    func togetherEqualsAlone() throws {
        let loaded = Fixtures.model.loaded
        // A batch of 3 over 5 prompts: the last batch is short.
        let runner = GenerationRunner(network: loaded.network, tokenizer: loaded.tokenizer, batchSize: 3)
        let prompts = Self.questions.map {
            GenerationRunner.Prompt(context: $0, generation: GenerationSettings(until: ["\n"], maxTokens: 12))
        }
        let interventions: [(any InterventionRuntime)?] = [
            plan(.promptLast, .live, scale: 4), nil, plan(.fromPromptLast, .live, scale: 2.5), plan(.promptLast, .twoPass, scale: 4),
            plan(.generated, .live, scale: 3),
        ]
        let together = try runner.run(prompts, interventions: interventions)
        // Chunks of two interventions (six sequences) a call: the same texts.
        let chunked = try GenerationRunner(
            network: loaded.network, tokenizer: loaded.tokenizer, batchSize: 3, sequencesPerCall: 6
        ).run(prompts, interventions: interventions)
        #expect(chunked.results == together.results)
        for (k, intervention) in interventions.enumerated() {
            let alone = try runner.run(prompts, interventions: [intervention])
            #expect(together.results[k] == alone.results[0], "intervention \(k)")
        }
        // The edits change the answers, so equality above is not that of unedited runs.
        let baseline = together.results[1]
        for k in [0, 2, 3, 4] { #expect(together.results[k] != baseline, "intervention \(k) changed nothing") }
        // The prompt is computed once: its tokens are counted once, plus one last token a
        // prompt for each intervention that edits it.
        let promptTokens = prompts.reduce(0) { $0 + loaded.tokenizer.encode($1.context).count }
        let decoded = together.results.joined().reduce(0) { $0 + $1.tokenCount }
        #expect(together.throughput.decodedTokens <= decoded)
        #expect(together.throughput.tokens == promptTokens + 4 * prompts.count + together.throughput.decodedTokens + prompts.count)
    }

    @Test("TriviaQA's first 16 test questions: greedy answers at batch 1 and batch 16 are the same, unsteered and under SADI's policy")
    func batchOneEqualsBatchSixteen() throws {
        let loaded = Fixtures.model.loaded
        let task = try TriviaQARunTests.task()
        let items = TaskItems(task: task, store: Fixtures.store(try TestPaths.scratchDirectory("shared-prompt")), scoring: .harness)
        let instances = try items.instances(split: nil, role: .test, limit: 16).instances
        let prompts = instances.map { instance -> GenerationRunner.Prompt in
            guard case let .generateUntil(context, generation) = instance.request else { fatalError("\(instance.request)") }
            var settings = generation
            settings.maxTokens = 24
            return GenerationRunner.Prompt(context: context, generation: settings)
        }
        #expect(prompts.count == 16)
        let interventions: [(any InterventionRuntime)?] = [nil, plan(.fromPromptLast, .live, scale: 3)]
        let one = try GenerationRunner(network: loaded.network, tokenizer: loaded.tokenizer, batchSize: 1)
            .run(prompts, interventions: interventions)
        let sixteen = try GenerationRunner(network: loaded.network, tokenizer: loaded.tokenizer, batchSize: 16)
            .run(prompts, interventions: interventions)
        #expect(one.results == sixteen.results)
        #expect(one.results[0] != one.results[1], "the edit changes some answer")
    }
}
