import ArgumentParser
import Engine
import Foundation
import Harness
import Interventions
import TaskRegistry

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Score a task with a method; write results/<model>/<task>/<method>.json and the leaderboard.")

    @Option(help: "Task to score (see `sadi-eval tasks`).") var task: String = "copa"
    @Option(help: "Method: \(MethodName.allNames.joined(separator: ", ")).") var method: String = "baseline"
    @OptionGroup var common: CommonOptions
    @OptionGroup var methodOptions: MethodOptions
    @OptionGroup var fitting: FittingFlags
    @Option(help: "Split to score (default: the card's test split).") var split: String?
    @Option(help: "Prompt of the card (default: its first).") var prompt: String?
    @Option(help: "Score only the first N documents.") var limit: Int?
    @Option(help: "Seed for everything random (splits are fixed by the card).") var seed: UInt64 = 1234
    @Option(name: .customLong("batch-size"), help: "Documents per forward batch.") var batchSize: Int = 64
    @Option(name: .customLong("output-dir"), help: "Folder for results.") var outputDir: String = "results"
    @Flag(name: .customLong("log-samples"), help: "Keep one JSON line per document (prompt, choices, log-likelihoods, prediction, gold).")
    var logSamples = false
    @Option(name: .customLong("save-intervention"), help: "Save the fitted intervention (units, D values, K, δ, model sha256) to this JSON file.")
    var saveIntervention: String?
    @Option(name: .customLong("intervention"), help: "Apply a saved intervention instead of fitting one (its model sha256 must match).")
    var interventionFile: String?
    @Option(name: .customLong("export-control-vector"), help: "caa: also write the chosen vector as a llama.cpp control-vector GGUF.")
    var controlVector: String?

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        if let limit, limit <= 0 { throw ValidationError("--limit must be at least 1, got \(limit)") }
        guard MethodName.allNames.contains(method) else {
            throw ValidationError(HarnessError.unknownName(kind: "method", flag: "--method", given: method, valid: MethodName.allNames).description)
        }
    }

    func run() throws {
        let benchmark = try TaskRegistry.task(named: task, cardsDirectory: common.cardsDirectory)
        let loaded = try common.loadModel()
        let store = common.dataStore()
        let kind = MethodKind(rawValue: method)!
        var plan: InterventionPlan? = nil
        var configuration: [String: String] = ["protocol": fitting.scoring.rawValue]
        if kind != .baseline {
            (plan, configuration) = try fitAndChoose(kind, benchmark: benchmark, model: loaded, store: store)
        }
        var settings = EvaluationSettings(split: split, prompt: prompt, method: method, methodConfiguration: configuration,
                                          limit: limit, seed: seed, batchSize: batchSize, outputDirectory: outputDir,
                                          logSamples: logSamples)
        settings.scoring = fitting.scoring
        let evaluation = Evaluation(task: benchmark, model: loaded, modelSHA256: try common.modelSHA256(),
                                    store: store, settings: settings)
        let progress = ItemProgress(label: "\(task) \(method)")
        let result = try evaluation.run(intervention: plan) { progress.update(done: $0, total: $1) }
        print(ResultTable.markdown(result))
        print("results: \(evaluation.resultPath)")
        if logSamples { print("samples: \(evaluation.samplesPath)") }
        try ResultTable.writeLeaderboard(outputDirectory: outputDir)
    }
}

/// The methods `--method` accepts.
enum MethodName {
    static let allNames = MethodKind.allNames
}

extension RunCommand {
    /// Fits on the pairs split; takes --k/--strength as given or searches the grid on the
    /// validation split; or loads a saved intervention. Returns the plan and what the results
    /// file records about it.
    func fitAndChoose(_ kind: MethodKind, benchmark: any BenchmarkTask, model: LoadedModel, store: DataStore) throws
        -> (InterventionPlan, [String: String]) {
        let shape = model.network.shape
        let modelFile = (model.path as NSString).lastPathComponent
        if let path = interventionFile {
            let artifact = try InterventionArtifact.load(path: path, expectedModelSHA256: try common.modelSHA256(),
                                                         modelFile: modelFile, shape: shape)
            guard artifact.method == kind else {
                throw ValidationError("--intervention \(path) holds a \(artifact.method.rawValue) intervention but --method is \(kind.rawValue); pass --method \(artifact.method.rawValue)")
            }
            var configuration = artifact.notes
            configuration["chosen_by"] = "loaded from \(path)"
            return (artifact.plan, configuration)
        }
        let options = try fitting.options(seed: seed, method: kind)
        let candidateKs = try methodOptions.k.map { [$0] } ?? methodOptions.parsedKs() ?? kind.defaultKs(layerCount: shape.layerCount)
        try FittedIntervention.checkKs(candidateKs, method: kind, options: options, shape: shape)
        let pipeline = MethodPipeline(task: benchmark, model: model, store: store, scoring: fitting.scoring, batchSize: batchSize)
        Terminal.status("fitting \(kind.rawValue) on the pairs split…")
        let builder: any PlanBuilder
        var configuration: [String: String] = [
            "protocol": fitting.scoring.rawValue, "position": options.position.rawValue,
            "policy": (options.policy ?? kind.defaultPolicy).rawValue, "application": options.application.rawValue,
            "layers": fitting.layers ?? "all",
        ]
        var sadi: FittedIntervention? = nil, iti: FittedITI? = nil
        let fitStart = Date()
        if kind == .iti {
            let fitted = try pipeline.fitITI(options: options, prompt: prompt)
            builder = fitted
            iti = fitted
            configuration["site"] = FittedITI.siteKind
            configuration["pairs"] = String(fitted.pairCount)
            configuration["validation_pairs"] = String(fitted.validationPairCount)
        } else {
            let fitted = try pipeline.fit(kind, options: options, prompt: prompt)
            builder = fitted
            sadi = fitted
            configuration["site"] = fitted.siteKind
            configuration["pairs"] = String(fitted.pairCount)
            configuration["ranking"] = options.ranking.rawValue
            configuration["head_score"] = options.headScoring.rawValue
        }
        configuration["fit_seconds"] = String(format: "%.1f", Date().timeIntervalSince(fitStart))
        let k: Int, strength: Double
        if let givenK = methodOptions.k, let givenStrength = methodOptions.chosenStrength {
            (k, strength) = (givenK, givenStrength)
            configuration["chosen_by"] = "flags"
        } else {
            let strengths = try methodOptions.chosenStrength.map { [$0] } ?? methodOptions.parsedStrengths() ?? kind.defaultStrengths
            let validation = try pipeline.items(role: .validation, prompt: prompt)
            let progress = ItemProgress(label: "validation grid \(candidateKs.count)×\(strengths.count)")
            let grid = try GridSearch(model: model, scoring: fitting.scoring, batchSize: batchSize)
                .run(builder, ks: candidateKs, strengths: strengths, items: validation, scorer: pipeline.selectionScorer) {
                    progress.update(done: $0, total: $1)
                }
            (k, strength) = (grid.best.k, grid.best.strength)
            configuration["chosen_by"] = "validation \(grid.metric) over \(candidateKs.count)×\(strengths.count) grid (\(validation.count) items)"
            configuration["validation_score"] = String(grid.best.score)
            configuration["selection_seconds"] = String(format: "%.1f", grid.seconds)
            Terminal.status(String(format: "chose K=%d strength=%g (validation %@ %.3f) in %.1f s", k, strength, grid.metric, grid.best.score, grid.seconds))
        }
        configuration["k"] = String(k)
        configuration["strength"] = String(strength)
        if let path = saveIntervention {
            let identity = InterventionArtifact.Model(file: modelFile, sha256: try common.modelSHA256(), shape: shape)
            let artifact = try iti.map {
                try InterventionArtifact(iti: $0, k: k, strength: strength, model: identity, task: task, scoring: fitting.scoring, notes: configuration)
            } ?? InterventionArtifact(fitted: sadi!, k: k, strength: strength, model: identity, task: task, scoring: fitting.scoring, notes: configuration)
            try artifact.save(to: path)
            Terminal.status("saved the intervention to \(path)")
        }
        if let path = controlVector {
            guard kind == .caa, let sadi else {
                throw ValidationError("--export-control-vector works with --method caa only (a llama.cpp control vector adds one residual direction per layer)")
            }
            let vector = sadi.difference[(k * sadi.width)..<((k + 1) * sadi.width)].map { Float(strength) * $0 }
            try ControlVector(directions: [k: vector], modelHint: model.gguf.metadata["general.architecture"]?.string ?? "llama")
                .write(to: path)
            Terminal.status("wrote the llama.cpp control vector (direction.\(k), scaled by \(strength)) to \(path)")
        }
        return (try builder.plan(k: k, strength: strength), configuration)
    }
}
