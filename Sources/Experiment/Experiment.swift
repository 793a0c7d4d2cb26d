import Engine
import Foundation
import Harness
import Interventions

/// One task on one model, with the registries of methods and scorers: fit a method on the
/// pairs split, choose K and strength on the validation split, score the test split with
/// the baseline alongside (`run`), or score a whole grid on any split (`sweep`). The
/// command line only parses flags into these calls and prints what they return.
public struct Experiment {
    public let task: any BenchmarkTask
    public let model: ModelUnderTest
    public let store: DataStore
    public var methods: MethodRegistry
    public var scorers: ScorerRegistry
    public var reporter: ExperimentReporter

    public init(
        task: any BenchmarkTask, model: ModelUnderTest, store: DataStore, methods: MethodRegistry = .standard,
        scorers: ScorerRegistry = .standard, reporter: ExperimentReporter = .silent
    ) {
        self.task = task
        self.model = model
        self.store = store
        self.methods = methods
        self.scorers = scorers
        self.reporter = reporter
    }

    /// A chosen intervention: its plan and what the results file records about it.
    public struct Prepared {
        public let plan: InterventionPlan
        public var configuration: [String: String]
        /// The validation search, when K and strength were chosen by one.
        public var grid: GridSearch.Result? = nil
        /// The chosen intervention as an artifact (nil when loaded from one).
        public var artifact: InterventionArtifact? = nil
    }

    /// Fits, chooses and scores: the results file of `evaluation` with `method`. With
    /// `prepared` (an intervention fitted and chosen on another task: cross-lingual masks
    /// from English COPA), that is applied instead, and the results are filed as `label`.
    public func run(
        _ evaluation: EvaluationSettings, method: MethodSettings, prepared given: Prepared? = nil, label: String? = nil
    ) throws -> (result: RunResult, evaluation: Evaluation) {
        let (run, plan) = try ready(evaluation, method: method, prepared: given, label: label)
        let progress = reporter.progress("\(task.card.task) \(method.method)")
        return (try run.run(intervention: plan, progress: progress), run)
    }

    /// Fits and chooses each method as `run` does, then scores them all on the test split
    /// in the same batches (`Evaluation.runTogether`): the prompts are computed once for
    /// every method and the baseline they are compared with. Each method writes the results
    /// file `run` would, with the same numbers.
    public func runTogether(
        _ evaluation: EvaluationSettings, methods: [(method: MethodSettings, prepared: Prepared?, label: String?)]
    ) throws -> [(result: RunResult, evaluation: Evaluation)] {
        let runs = try methods.map { try ready(evaluation, method: $0.method, prepared: $0.prepared, label: $0.label) }
        let names = methods.map { $0.label ?? $0.method.method }.joined(separator: " + ")
        let results = try Evaluation.runTogether(
            runs.map { ($0.evaluation, $0.plan) }, progress: reporter.progress("\(task.card.task) \(names)"))
        return zip(results, runs).map { ($0, $1.evaluation) }
    }

    /// Everything `run` does before scoring: the evaluation with its method's configuration,
    /// and the intervention fitted and chosen (or resumed, or given).
    public func ready(
        _ evaluation: EvaluationSettings, method: MethodSettings, prepared given: Prepared? = nil, label: String? = nil
    ) throws -> (evaluation: Evaluation, plan: InterventionPlan?) {
        // Fitted on fewer pairs, the method gives another number: another results file.
        var evaluation = resolved(evaluation, method: method, label: label)
        var plan: InterventionPlan? = nil
        if let given {
            plan = given.plan
            evaluation.methodConfiguration = given.configuration
            evaluation.validationGrid = given.grid?.cells
        } else if let chosen = try methods.method(named: method.method) {
            let scored = try task.split(named: evaluation.split, role: .test)
            if method.interventionFile == nil { try checkScored(scored, fittedOn: try pairsSplit(method.fitting), method: method.method) }
            if scored.overlaps {
                throw HarnessError.invalidInput(
                    "--split \(scored.name) of task \(task.card.task) shares documents with the splits \(method.method) is fitted and tuned on, so its score would be inflated; score methods on the test split, or --method baseline on \(scored.name)"
                )
            }
            // A killed run left its fitted intervention beside its journal: resume with it.
            let checkpointPath = Evaluation(task: task, model: model, store: store, settings: evaluation, scorers: scorers).checkpointPath
            let request = PreparedCheckpoint.request(
                method, scoring: evaluation.scoring, prompt: evaluation.prompt, numFewshot: evaluation.numFewshot, model: model,
                task: task.card.task, fluencyGuard: searchGuard(method, scoring: evaluation.scoring))
            if method.interventionFile == nil, let saved = PreparedCheckpoint.load(path: checkpointPath, request: request) {
                reporter.status("resuming with the intervention fitted and chosen before (\(checkpointPath))")
                plan = saved.artifact.plan
                evaluation.methodConfiguration = saved.configuration
                evaluation.validationGrid = saved.grid?.cells
            } else {
                let prepared = try prepare(
                    chosen, method, scoring: evaluation.scoring, prompt: evaluation.prompt,
                    numFewshot: evaluation.numFewshot, batchSize: evaluation.batchSize)
                plan = prepared.plan
                evaluation.methodConfiguration = prepared.configuration
                evaluation.validationGrid = prepared.grid?.cells
                if let artifact = prepared.artifact {
                    try PreparedCheckpoint(request: request, configuration: prepared.configuration, grid: prepared.grid, artifact: artifact)
                        .save(to: checkpointPath)
                }
            }
        } else {
            evaluation.methodConfiguration = ["protocol": evaluation.scoring.rawValue]
        }
        // Recorded so a sweep can tell a finished run of these very settings (--reuse-results).
        evaluation.methodConfiguration["request"] = Self.digest(
            request(method, evaluation: evaluation, fitTask: given?.configuration["fit_task"]))
        return (Evaluation(task: task, model: model, store: store, settings: evaluation, scorers: scorers), plan)
    }

    /// The fitting options with the application resolved for the protocol.
    public func options(_ method: any InterventionMethod, _ settings: MethodSettings, scoring: ScoringProtocol) -> FittingOptions {
        var options = settings.fitting
        options.application = settings.application ?? (scoring == .official ? method.officialApplication : .live)
        if options.policy == nil, task.card.outputType == .generateUntil { options.policy = method.generationPolicy }
        return options
    }

    /// Fits `method` on the pairs split (or loads a saved intervention), takes K and
    /// strength as given or searches the grid on the validation split.
    public func prepare(
        _ method: any InterventionMethod, _ settings: MethodSettings, scoring: ScoringProtocol,
        prompt: String?, numFewshot: Int = 0, batchSize: Int
    ) throws -> Prepared {
        let shape = model.loaded.network.shape
        if let path = settings.interventionFile {
            let artifact = try InterventionArtifact.load(
                path: path, expectedModelSHA256: model.sha256,
                modelFile: model.artifactModel.file, shape: shape)
            guard artifact.method == method.name else {
                throw HarnessError.invalidInput(
                    "--intervention \(path) holds a \(artifact.method) intervention but --method is \(method.name); pass --method \(artifact.method)"
                )
            }
            var configuration = artifact.notes
            configuration["chosen_by"] = "loaded from \(path)"
            // What `merge` checks shards by: the same intervention wherever each read it from.
            configuration["intervention_sha256"] = try SHA256.hex(ofFile: path)
            return Prepared(plan: artifact.plan, configuration: configuration)
        }
        let options = options(method, settings, scoring: scoring)
        let candidateKs = settings.k.map { [$0] } ?? settings.ks ?? method.defaultKs(shape: shape)
        try method.checkKs(candidateKs, options: options, shape: shape)
        let items = TaskItems(task: task, store: store, scoring: scoring, prompt: prompt, numFewshot: numFewshot)
        // Refused before fitting: `--fluency-guard on` on a task that does not generate.
        let rule = settings.k != nil && settings.strength != nil ? nil : try fluencyGuard(settings, scoring: scoring)
        reporter.status("fitting \(method.name) on the pairs split…")
        let fitStart = Date()
        let fitted = try fit(method, options: options, items: items, batchSize: batchSize)
        var configuration: [String: String] = [
            "protocol": scoring.rawValue, "position": options.position.rawValue,
            "policy": (options.policy ?? method.defaultPolicy).rawValue, "application": options.application.rawValue,
            "layers": options.layers.map { "\($0.lowerBound)-\($0.upperBound)" } ?? "all",
            "pairs_split": try pairsSplit(options).name,
            "fit_prompt": (options.fitPrompt ?? scoring.fitPrompt(of: task.card)).rawValue,
        ]
        configuration.merge(fitted.settings) { $1 }
        configuration["fit_seconds"] = String(format: "%.1f", Date().timeIntervalSince(fitStart))
        let k: Int, strength: Double
        var search: GridSearch.Result? = nil
        if let givenK = settings.k, let givenStrength = settings.strength {
            (k, strength) = (givenK, givenStrength)
            configuration["chosen_by"] = "flags"
        } else {
            try checkValidation(fittedOn: try pairsSplit(options))
            let strengths = settings.strength.map { [$0] } ?? settings.strengths ?? method.defaultStrengths
            let validation = try items.instances(role: .validation).instances
            let scorer = try selectionScorer(scoring)
            let grid = try GridSearch(model: model, batchSize: batchSize)
                .run(
                    fitted, ks: candidateKs, strengths: strengths, instances: validation, scorer: scorer, fluencyGuard: rule,
                    progress: reporter.progress("validation grid \(candidateKs.count)×\(strengths.count)"))
            (k, strength) = (grid.best.k, grid.best.strength)
            search = grid
            configuration["chosen_by"] =
                "validation \(grid.metric) over \(candidateKs.count)×\(strengths.count) grid (\(validation.count) items)"
                + (rule == nil ? "" : ", fluency guard refused \(grid.refused)")
            configuration["fluency_guard"] = rule?.summary ?? "off"
            var judged = ""
            if let unsteered = grid.unsteered {
                configuration["validation_perplexity"] = grid.best.perplexity.map { String($0) } ?? "none"
                configuration["validation_unsteered_perplexity"] = unsteered.perplexity.map { String($0) } ?? "none"
                configuration["validation_empty_share"] = String(grid.best.emptyShare ?? 0)
                configuration["validation_unsteered_empty_share"] = String(unsteered.emptyShare)
                configuration["validation_unsteered_greedy_share"] = unsteered.greedyShare.map { String($0) } ?? "none"
                configuration["validation_distinct_bigrams"] = grid.best.distinctBigrams.map { String($0) } ?? "none"
                configuration["validation_unsteered_distinct_bigrams"] = unsteered.distinctBigrams.map { String($0) } ?? "none"
                func shown(_ perplexity: Double?) -> String { perplexity.map { String(format: "%.2f", $0) } ?? "none" }
                judged = String(
                    format: "; perplexity %@ vs unsteered %@, %.0f%% empty vs %.0f%%", shown(grid.best.perplexity),
                    shown(unsteered.perplexity), 100 * (grid.best.emptyShare ?? 0), 100 * unsteered.emptyShare)
            }
            if grid.refused > 0 {
                reporter.status("the fluency guard refused \(grid.refused) of \(grid.cells.count) settings whose continuations collapse")
            }
            configuration["validation_score"] = String(grid.best.score)
            configuration["selection_seconds"] = String(format: "%.1f", grid.seconds)
            reporter.status(
                String(
                    format: "chose K=%d strength=%g (validation %@ %.3f%@) in %.1f s", k, strength, grid.metric,
                    grid.best.score, judged, grid.seconds))
        }
        configuration["k"] = String(k)
        configuration["strength"] = String(strength)
        let artifact = try fitted.artifact(
            k: k, strength: strength, model: model.artifactModel, task: task.card.task, scoring: scoring, notes: configuration)
        if let path = settings.saveIntervention {
            try artifact.save(to: path)
            reporter.status("saved the intervention to \(path)")
        }
        if let path = settings.controlVectorPath {
            guard let source = fitted as? ControlVectorSource else {
                throw HarnessError.invalidInput(
                    "--export-control-vector works with --method caa only (a llama.cpp control vector adds one residual direction per layer)"
                )
            }
            let directions = try source.controlVector(k: k, strength: strength)
            try ControlVector(directions: directions, modelHint: model.loaded.architecture)
                .write(to: path)
            reporter.status(
                "wrote the llama.cpp control vector (\(directions.keys.sorted().map { "direction.\($0)" }.joined(separator: ", ")), scaled by \(strength)) to \(path)"
            )
        }
        // A resumed run applies the artifact's plan: checkpoint it only if that is exactly
        // the plan this run applies.
        let plan = try fitted.plan(k: k, strength: strength)
        return Prepared(plan: plan, configuration: configuration, grid: search, artifact: artifact.plan == plan ? artifact : nil)
    }

    /// Fits `method` on the pairs split; methods that rank on held-out pairs get the
    /// validation split's.
    public func fit(_ method: any InterventionMethod, options: FittingOptions, items: TaskItems, batchSize: Int) throws
        -> any FittedMethod
    {
        let pairs = try contrastivePairs(
            items, options: options, for: "--method \(method.name)", otherwise: "run it with --method baseline")
        let prompt = options.fitPrompt ?? items.scoring.fitPrompt(of: task.card)
        return try method.fit(
            FittingData(
                model: model.loaded, pairs: pairs,
                validationPairs: { try items.pairs(role: .validation).map { prompt == .stripped ? $0.stripped : $0 } },
                options: options, batchSize: batchSize))
    }

    /// The split `--pairs-split` names, else the card's first `pairs` split.
    public func pairsSplit(_ options: FittingOptions) throws -> TaskCard.Split {
        guard let name = options.pairsSplit else { return try task.split(role: .pairs) }
        guard let split = task.card.splits.first(where: { $0.name == name }) else {
            throw HarnessError.unknownName(kind: "split", flag: "--pairs-split", given: name, valid: task.card.splits.map(\.name))
        }
        return split
    }

    /// The pairs split's contrastive pairs as the fit prompt writes them (SADI's stripped
    /// text skips pairs past 700 tokens, as its code does), the first `--pairs` of them;
    /// refused with the reason when the task gives none: `who` is the flag or command that
    /// needs them, `otherwise` the way out.
    func contrastivePairs(_ items: TaskItems, options: FittingOptions, for who: String, otherwise: String) throws
        -> [ContrastivePair]
    {
        let all = try items.pairs(split: try pairsSplit(options).name, role: .pairs)
        var (pairs, skipped) = try ContrastivePair.fitting(
            all, prompt: options.fitPrompt ?? items.scoring.fitPrompt(of: task.card), tokenizer: model.loaded.tokenizer)
        if skipped > 0 {
            reporter.status("skipped \(skipped) of \(all.count) pairs longer than \(FitPrompt.tokenLimit) tokens, as SADI's code does")
        }
        if let limit = options.pairLimit { pairs = Array(pairs.prefix(limit)) }
        if pairs.isEmpty, !all.isEmpty {
            throw HarnessError.invalidInput(
                "\(who): every pair of task \(task.card.task)'s split \(try pairsSplit(options).name) is longer than \(FitPrompt.tokenLimit) tokens, the length SADI's stripped fit prompt skips; fit with --fit-prompt scored"
            )
        }
        guard !pairs.isEmpty else {
            throw HarnessError.invalidInput(
                "\(who): the pairs split of task \(task.card.task) gives no contrastive pairs; methods are fitted on multiple-choice documents or on generations with right and wrong answer sets, and this task's documents are \(task.card.outputType.rawValue) with \(task.card.outputType == .generateUntil ? "accepted answers only" : "no right choice"); \(otherwise)"
            )
        }
        return pairs
    }

    /// K and strength are chosen on the validation split only when there is one and it
    /// shares no document with the pairs: chosen on what it was fitted on, a method looks
    /// better than it is.
    func checkValidation(fittedOn pairs: TaskCard.Split) throws {
        guard let validation = task.card.splits(role: .validation).first else {
            throw HarnessError.invalidInput(
                "task \(task.card.task) has no validation split to choose K and strength on; give --k and --strength, or score the grid with `sadi-eval sweep --split test` (exploration)"
            )
        }
        if task.sharesDocuments(pairs, validation) {
            throw HarnessError.invalidInput(
                "the pairs split \(pairs.name) of task \(task.card.task) shares documents with its validation split \(validation.name), so K and strength chosen there would be inflated; give --k and --strength, or fit on a split disjoint from validation"
            )
        }
    }

    /// A method is never scored on documents it was fitted on.
    func checkScored(_ scored: TaskCard.Split, fittedOn pairs: TaskCard.Split, method: String) throws {
        if task.sharesDocuments(pairs, scored) {
            throw HarnessError.invalidInput(
                "--split \(scored.name) of task \(task.card.task) shares documents with the pairs split \(pairs.name) \(method) is fitted on, so its score would be inflated; score another split or fit on another --pairs-split"
            )
        }
    }

    /// The fluency guard the validation search applies, nil when off. `auto` follows the
    /// card's `generation.fluency_guard` where it says, and otherwise turns the guard on for
    /// generation tasks whose selection metric is lower-is-better, the ones an empty or
    /// derailed continuation wins; `on` asks for it on any generation task.
    public func fluencyGuard(_ settings: MethodSettings, scoring: ScoringProtocol) throws -> FluencyGuard? {
        let generates = task.card.outputType == .generateUntil
        switch settings.fluencyGuardMode {
        case .off:
            return nil
        case .on:
            guard generates else {
                throw HarnessError.invalidInput(
                    "--fluency-guard on judges generated text, and task \(task.card.task) scores \(task.card.outputType.rawValue) log-likelihoods; drop the flag"
                )
            }
            return settings.fluencyGuard
        case .auto:
            guard generates else { return nil }
            if let declared = task.card.generation?.fluencyGuard { return declared ? settings.fluencyGuard : nil }
            return try selectionScorer(scoring).higherIsBetter ? nil : settings.fluencyGuard
        }
    }

    /// The metric validation maximises: the protocol's first.
    public func selectionScorer(_ scoring: ScoringProtocol) throws -> any Scorer {
        guard let first = try scoring.scorers(of: task.card, registry: scorers).first else {
            throw HarnessError.invalidInput("task \(task.card.task) lists no metrics for --protocol \(scoring.rawValue)")
        }
        return first
    }
}
