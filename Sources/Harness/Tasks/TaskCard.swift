import Foundation
import Yams

/// A task's declarative description, read from `tasks/<name>.yaml`: the data files it needs,
/// its splits and their roles, its prompt templates, metrics and output type. The format
/// follows lm-evaluation-harness task YAML where it can; tasks/copa.yaml documents every
/// field in its header. A loaded card has been validated, so the task plugin can rely on
/// every split naming a file of the card and on split subsets being disjoint.
public struct TaskCard: Sendable, Hashable, Codable {
    public let task: String
    public let outputType: OutputType
    /// Files by the name splits refer to them with.
    public internal(set) var files: [String: DataFile]
    public let splits: [Split]
    /// The first is the default.
    public let prompts: [Prompt]
    /// The metrics of the harness protocol; the first one chooses K and strength on validation.
    public let metrics: [MetricSpec]
    /// The paper's own protocol (`--protocol official`): its prompt and metrics.
    public let official: OfficialProtocol?
    /// How generate_until tasks generate (lm-eval's `generation_kwargs`).
    public internal(set) var generation: GenerationEntry?
    /// Named tasks this card also describes (XCOPA's languages, MMLU's subjects).
    public let variants: [Variant]
    /// Names that stand for several tasks or variants (globs allowed), e.g. `mmlu_stem`.
    public let groups: [String: [String]]
    /// Where `--num-fewshot` draws its examples from, and how (lm-eval's fewshot_split and
    /// fewshot_config).
    public let fewshot: FewShotEntry?
    /// For a variant: its parameters (the plugin reads them) and the card it comes from.
    public internal(set) var parameters: [String: String] = [:]
    public internal(set) var variantOf: String?
    /// Where the card was read from; not part of the card's content.
    public internal(set) var source: String?
    /// The token limit `--max-tokens` set in place of the card's own (nil: the card's):
    /// results of another limit are other results.
    public internal(set) var overriddenMaxTokens: Int?

    public typealias OutputType = Harness.OutputType

    /// What a split is used for. `pairs` feed the intervention's fitting (contrastive
    /// pairs), `validation` picks its hyper-parameters, `test` is reported, `fewshot` is
    /// only a pool of solved examples for `--num-fewshot` (it may overlap the other splits
    /// of its file: examples are shown with their answers, never scored).
    public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
        case pairs, validation, test, fewshot
    }

    /// `official: {prompt: sadi, metrics: [...]}`: the prompt and metrics of the method's
    /// released code, so `--protocol official` is card data, not code.
    public struct OfficialProtocol: Sendable, Hashable, Codable {
        public let prompt: String
        public let metrics: [MetricSpec]
        /// How the released code writes the pairs it fits on (`fit_prompt`; absent: as scored).
        public let fitPrompt: FitPrompt?

        public init(prompt: String, metrics: [MetricSpec], fitPrompt: FitPrompt? = nil) {
            self.prompt = prompt
            self.metrics = metrics
            self.fitPrompt = fitPrompt
        }
    }

    /// The card's spelling of generation settings; the seed is mixed with each document's id.
    public struct GenerationEntry: Sendable, Hashable, Codable {
        public let until: [String]
        public let maxTokens: Int
        /// Absent or 0: greedy.
        public let temperature: Double?
        public let topP: Double?
        public let seed: UInt64?
        /// `fluency_guard: true|false`: whether a method's validation search guards against
        /// settings that break the output when the user leaves `--fluency-guard auto`; absent,
        /// the guard is on exactly when the selection metric is lower-is-better. A card says
        /// true when its higher-is-better metric still rewards derailed text (TruthfulQA's
        /// bleu_acc); false would keep it off on a lower-is-better task whose answers are too
        /// short for the bigram check.
        public let fluencyGuard: Bool?

        public init(
            until: [String], maxTokens: Int, temperature: Double? = nil, topP: Double? = nil, seed: UInt64? = nil,
            fluencyGuard: Bool? = nil
        ) {
            self.until = until
            self.maxTokens = maxTokens
            self.temperature = temperature
            self.topP = topP
            self.seed = seed
            self.fluencyGuard = fluencyGuard
        }

        /// The settings of one document's request.
        public func settings(documentID: String) -> GenerationSettings {
            var sampling: GenerationSettings.Sampling? = nil
            if let temperature, temperature > 0 {
                sampling = .init(
                    temperature: temperature, topP: topP ?? 1,
                    seed: DocumentSeed.mix(seed ?? 1234, documentID))
            }
            return GenerationSettings(until: until, maxTokens: maxTokens, sampling: sampling)
        }
    }

    /// `fewshot: {split, sampler, seed, delimiter}`: the pool split examples come from,
    /// `first_n` (its first documents, in file order) or `random` (Python's
    /// `random.Random(seed).sample`, one generator for the whole split in document order, as
    /// lm-eval draws), and the text between examples.
    public struct FewShotEntry: Sendable, Hashable, Codable {
        public enum Sampler: String, Sendable, Hashable, Codable, CaseIterable {
            case random
            case firstN = "first_n"
        }

        public let split: String
        public let sampler: Sampler
        public let seed: UInt64
        public let delimiter: String
        /// Draw one example more than asked and drop the evaluated document (or, when it is
        /// not among them, the last). lm-eval does this when the pool is the evaluated split,
        /// and also for tasks that declare neither a few-shot nor a test split (BoolQ,
        /// Winogrande, SST-2, RTE), since it compares the two unset names; the extra draw
        /// changes which random examples follow. Default: only when the pool is the split.
        public let extraDraw: Bool

        public init(
            split: String, sampler: Sampler = .random, seed: UInt64 = 1234, delimiter: String = "\n\n", extraDraw: Bool = false
        ) {
            self.split = split
            self.sampler = sampler
            self.seed = seed
            self.delimiter = delimiter
            self.extraDraw = extraDraw
        }
    }

    /// One named task of a card with variants: its parameters, the files it reads instead
    /// of the card's (same keys), and the sha256 of card files whose paths name a parameter
    /// (`path: mmlu/data/test/{{subject}}_test.csv`).
    public struct Variant: Sendable, Hashable, Codable {
        public let name: String
        public let parameters: [String: String]
        public let files: [String: DataFile]
        public let sha256: [String: String]

        public init(
            name: String, parameters: [String: String] = [:], files: [String: DataFile] = [:], sha256: [String: String] = [:]
        ) {
            self.name = name
            self.parameters = parameters
            self.files = files
            self.sha256 = sha256
        }
    }

    public struct Split: Sendable, Hashable, Codable {
        public let name: String
        public let role: Role
        /// Key into `files`.
        public let file: String
        /// Absent: every document of the file.
        public let subset: Subset?
        /// Declared to share documents with the other splits of its file (BoolQ's whole dev
        /// set, scored for comparison with published numbers): exempt from the disjointness
        /// check, and scored with the baseline only, since a method is fitted on some of it.
        public let overlaps: Bool

        public init(name: String, role: Role, file: String, subset: Subset? = nil, overlaps: Bool = false) {
            self.name = name
            self.role = role
            self.file = file
            self.subset = subset
            self.overlaps = overlaps
        }
    }

    /// A seeded part of a file: shuffle the file's documents with `seed` (the task's seeded
    /// shuffle; COPA's is SplitMix64 + Fisher-Yates) and keep positions `start ..< start+count`.
    /// Splits of one file with the same seed and disjoint ranges are disjoint.
    public struct Subset: Sendable, Hashable, Codable {
        public let seed: UInt64
        public let start: Int
        public let count: Int

        public init(seed: UInt64, start: Int, count: Int) {
            self.seed = seed
            self.start = start
            self.count = count
        }

        public var range: Range<Int> { start..<start + count }
    }

    /// A prompt format: `{{field}}` placeholders are filled from the document's fields
    /// (each task documents its fields in its card). The request for choice i is
    /// context = doc_to_text, continuation = target_delimiter + doc_to_choice[i].
    public struct Prompt: Sendable, Hashable, Codable {
        public let name: String
        public let docToText: String
        /// Empty for generate_until prompts, and when `choiceList` gives the choices.
        public let docToChoice: [String]
        /// `doc_to_choice: "{{name}}"` (lm-eval's `"{{mc1_targets.choices}}"`): one choice per
        /// element of the document's list field `name`, for documents whose number of
        /// choices varies (TruthfulQA).
        public let choiceList: String?
        /// lm-eval's default is " ".
        public let targetDelimiter: String
        /// Where the context's trailing whitespace goes when a choice is tokenised:
        /// `continuation` (lm-eval: it moves into the continuation) or `context` (it stays
        /// the last prompt token, as SADI's prompt ending in a newline needs).
        public let trailingWhitespace: TrailingWhitespace
        /// Put before the few-shot examples and the document (lm-eval's `description`), a
        /// template like the others; empty by default.
        public let description: String
        /// Partial evaluation (lm-eval's multiple-input tasks, Winogrande): when set, choice
        /// i's context is doc_to_text + doc_to_choice[i] and every choice scores the same
        /// continuation, target_delimiter + doc_to_target.
        public let docToTarget: String?

        public enum TrailingWhitespace: String, Sendable, Hashable, Codable, CaseIterable {
            case continuation, context
        }

        public init(
            name: String, docToText: String, docToChoice: [String], targetDelimiter: String = " ",
            trailingWhitespace: TrailingWhitespace = .continuation, description: String = "", docToTarget: String? = nil,
            choiceList: String? = nil
        ) {
            self.name = name
            self.docToText = docToText
            self.docToChoice = docToChoice
            self.choiceList = choiceList
            self.targetDelimiter = targetDelimiter
            self.trailingWhitespace = trailingWhitespace
            self.description = description
            self.docToTarget = docToTarget
        }

        /// The placeholder names used by the templates, in order of first use.
        public var placeholders: [String] {
            var seen: [String] = []
            for template in [description, docToText] + docToChoice + [docToTarget ?? ""] {
                for name in (try? TemplateParser.names(in: template)) ?? [] where !seen.contains(name) {
                    seen.append(name)
                }
            }
            if let choiceList, !seen.contains(choiceList) { seen.append(choiceList) }
            return seen
        }
    }

    /// A prompt filled in for one document.
    public struct RenderedPrompt: Sendable, Hashable {
        public let context: String
        /// Each already starts with the target delimiter.
        public let continuations: [String]
        /// Partial evaluation: one context per choice, all scoring `continuations[0]`'s text
        /// (then `continuations` holds that one continuation per choice).
        public let choiceContexts: [String]?
        /// doc_to_choice as rendered, without the delimiter.
        public let choiceTexts: [String]

        public init(context: String, continuations: [String], choiceContexts: [String]? = nil, choiceTexts: [String]? = nil) {
            self.context = context
            self.continuations = continuations
            self.choiceContexts = choiceContexts
            self.choiceTexts = choiceTexts ?? continuations
        }
    }

    /// For cards built in code (tests); unlike the loaders, it does not validate.
    public init(
        task: String, outputType: OutputType, files: [String: DataFile], splits: [Split],
        prompts: [Prompt], metrics: [MetricSpec], official: OfficialProtocol? = nil,
        generation: GenerationEntry? = nil, variants: [Variant] = [], groups: [String: [String]] = [:],
        fewshot: FewShotEntry? = nil
    ) {
        self.task = task
        self.outputType = outputType
        self.files = files
        self.splits = splits
        self.prompts = prompts
        self.metrics = metrics
        self.official = official
        self.generation = generation
        self.variants = variants
        self.groups = groups
        self.fewshot = fewshot
    }
}

// MARK: - Loading

extension TaskCard {
    /// Reads and validates `<directory>/<name>.yaml`; its `task` must be `name`.
    public static func load(name: String, directory: String) throws -> TaskCard {
        let path = (directory as NSString).appendingPathComponent(name + ".yaml")
        guard FileManager.default.fileExists(atPath: path) else {
            let known = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
                .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
            throw TaskCardError(
                file: path, line: nil, field: "", problem: "does not exist",
                fix: known.isEmpty
                    ? "check the tasks directory \(directory)"
                    : "use one of the known tasks: \(known.joined(separator: ", "))")
        }
        let card = try load(path: path)
        guard card.task == name else {
            throw TaskCardError(
                file: path, line: line(ofField: "task", inCardAt: path), field: "task",
                problem: "is `\(card.task)` but the file is \(name).yaml",
                fix: "make the file name and `task` agree")
        }
        return card
    }

    public static func load(path: String) throws -> TaskCard {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TaskCardError(
                file: path, line: nil, field: "", problem: "cannot be read",
                fix: "check the path (cards live in tasks/<name>.yaml)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TaskCardError(
                file: path, line: nil, field: "", problem: "is not UTF-8 text",
                fix: "save it as UTF-8")
        }
        return try parse(yaml: text, file: path)
    }

    /// Decodes and validates card text; `file` names it in errors.
    public static func parse(yaml: String, file: String) throws -> TaskCard {
        var root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
            guard let root else {
                throw TaskCardError(
                    file: file, line: nil, field: "", problem: "is empty",
                    fix: "start from tasks/copa.yaml")
            }
            var card = try YAMLDecoder().decode(TaskCard.self, from: root)
            try card.validate()
            card.source = file
            return card
        } catch {
            throw TaskCardError.wrapping(error, file: file, root: root)
        }
    }

    private static func line(ofField field: String, inCardAt path: String) -> Int? {
        let text = FileManager.default.contents(atPath: path).flatMap { String(data: $0, encoding: .utf8) }
        return TaskCardError.line(of: [.key(field)], in: text.flatMap { try? Yams.compose(yaml: $0) })
    }
}

// MARK: - Using a card

extension TaskCard {
    public var defaultPrompt: Prompt { prompts[0] }

    public func prompt(named name: String) throws -> Prompt {
        guard let prompt = prompts.first(where: { $0.name == name }) else {
            throw TaskCardError(
                file: source ?? task, line: nil, field: "prompts",
                problem: "has no prompt named `\(name)`",
                fix: "use one of: \(prompts.map(\.name).joined(separator: ", "))")
        }
        return prompt
    }

    public func splits(role: Role) -> [Split] { splits.filter { $0.role == role } }

    /// The names `--task` accepts for this card: its variants', or its own when it has none.
    public var taskNames: [String] { variants.isEmpty ? [task] : variants.map(\.name) }

    /// The card as variant `name` describes it: that name, its parameters, its files in
    /// place of the card's. The card's own name resolves to itself when it has no variants.
    public func resolved(variant name: String) throws -> TaskCard {
        if variants.isEmpty && name == task { return self }
        guard let variant = variants.first(where: { $0.name == name }) else {
            throw HarnessError.unknownName(kind: "task", flag: "--task", given: name, valid: taskNames)
        }
        var resolvedFiles = files.mapValues { $0.filling(variant.parameters, sha256: nil) }
        for (key, sha256) in variant.sha256 { resolvedFiles[key] = files[key]?.filling(variant.parameters, sha256: sha256) }
        var card = TaskCard(
            task: variant.name, outputType: outputType, files: resolvedFiles.merging(variant.files) { $1 },
            splits: splits, prompts: prompts, metrics: metrics, official: official,
            generation: generation, variants: [], groups: [:], fewshot: fewshot)
        card.parameters = variant.parameters
        card.variantOf = task
        card.source = source
        return card
    }

    /// How many tokens a generate_until card's answers may have (nil: the task generates none).
    public var maxTokens: Int? { outputType == .generateUntil ? generation?.maxTokens : nil }

    /// The card with generations cut at `maxTokens` tokens (`--max-tokens`); refused for a
    /// task that generates nothing.
    public func overridingMaxTokens(_ maxTokens: Int) throws -> TaskCard {
        guard maxTokens >= 1 else {
            throw HarnessError.invalidInput("--max-tokens must be at least 1, got \(maxTokens); give the number of tokens to generate")
        }
        guard outputType == .generateUntil, let generation else {
            throw HarnessError.invalidInput(
                "--max-tokens limits generated answers, but task \(task) is \(outputType.rawValue) and generates none; run it without --max-tokens"
            )
        }
        var card = self
        card.generation = GenerationEntry(
            until: generation.until, maxTokens: maxTokens, temperature: generation.temperature, topP: generation.topP,
            seed: generation.seed, fluencyGuard: generation.fluencyGuard)
        let declared = overriddenMaxTokens == nil ? generation.maxTokens : nil
        card.overriddenMaxTokens = maxTokens == declared ? nil : maxTokens
        return card
    }

    /// The file a split reads (validation guarantees it exists).
    public func dataFile(for split: Split) -> DataFile { files[split.file]! }

    /// Checks once, when a task plugin opens its card, that every placeholder is a field the
    /// plugin provides, so rendering cannot fail halfway through a run.
    public func checkPlaceholders(available fields: Set<String>) throws {
        for (index, prompt) in prompts.enumerated() {
            for name in prompt.placeholders where !fields.contains(name) {
                let path: [CardPathComponent] = [.key("prompts"), .index(index)]
                throw TaskCardError(
                    file: source ?? task, line: nil, field: CardPathComponent.render(path),
                    problem: "uses `{{\(name)}}`, which task \(task) does not provide",
                    fix: "use one of: \(fields.sorted().joined(separator: ", "))")
            }
        }
    }

    /// Fills `prompt` in with one document's fields (and, for `doc_to_choice: "{{name}}"`,
    /// its list fields).
    public func render(_ prompt: Prompt, fields: [String: String], lists: [String: [String]] = [:]) throws -> RenderedPrompt {
        try rendering(prompt, fields: fields) {
            let context = try TemplateParser.render(prompt.docToText, fields: fields)
            var choices = try prompt.docToChoice.map { try TemplateParser.render($0, fields: fields) }
            if let name = prompt.choiceList {
                guard let list = lists[name] else { throw TemplateParser.MissingField(name: name) }
                choices = list
            }
            if let target = prompt.docToTarget {
                let continuation = prompt.targetDelimiter + (try TemplateParser.render(target, fields: fields))
                return RenderedPrompt(
                    context: context, continuations: choices.map { _ in continuation },
                    choiceContexts: choices.map { context + $0 }, choiceTexts: choices)
            }
            return RenderedPrompt(
                context: context, continuations: choices.map { prompt.targetDelimiter + $0 },
                choiceTexts: choices)
        }
    }

    /// The prompt's description for one document ("" when it has none).
    public func renderDescription(_ prompt: Prompt, fields: [String: String]) throws -> String {
        try rendering(prompt, fields: fields) { try TemplateParser.render(prompt.description, fields: fields) }
    }

    private func rendering<T>(_ prompt: Prompt, fields: [String: String], _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let missing as TemplateParser.MissingField {
            throw TaskCardError(
                file: source ?? task, line: nil, field: "prompts",
                problem: "prompt `\(prompt.name)` uses `{{\(missing.name)}}`, which this document lacks",
                fix: "use one of: \(fields.keys.sorted().joined(separator: ", "))")
        } catch let syntax as TemplateParser.Syntax {
            throw TaskCardError(
                file: source ?? task, line: nil, field: "prompts",
                problem: "prompt `\(prompt.name)` \(syntax.problem)", fix: "write placeholders as {{field_name}}")
        }
    }
}
