import Engine
import Foundation
import Harness

/// The default toxicity classifier, built offline from ToxiGen's own files because fine-tuned
/// HateBERT weights cannot be downloaded here: every statement of the `hate_*` (toxic) and
/// `neutral_*` (benign) prompt files of the card's variants, split and de-duplicated (668 of
/// them at the pinned commit), embedded with all-MiniLM-L6-v2 (mean of the last hidden
/// states), a logistic head trained and evaluated on held-out groups (`ClassifierTraining`)
/// and written as a BertForSequenceClassification directory (`ClassifierDirectoryWriter`).
public enum ToxiGenClassifier {
    /// Bumped when what the builder makes changes, so a cached directory of the old recipe is
    /// not reused.
    public static let recipeVersion = "1"

    /// The statements of the variants' hate and neutral files (each file read once), with the
    /// files' paths and sha256.
    public static func statements(tasks: [ToxiGenTask], store: DataStore) throws -> (
        statements: [LabelledStatement], files: [String: String]
    ) {
        var seen: Set<String> = []
        var labels: [String: Bool] = [:]
        var groups: [String: [String]] = [:]
        var order: [String] = []
        var files: [String: String] = [:]
        for task in tasks {
            let sources: [(key: String, parameter: String, toxic: Bool)] = [
                ("hate", "group", true), ("neutral", "benign_group", false),
            ]
            for source in sources {
                guard let file = task.card.files[source.key], seen.insert(file.path).inserted else { continue }
                let group = task.card.parameters[source.parameter] ?? task.group
                let url = try store.fetch(file)
                files[file.path] = file.sha256
                for line in try ToxiGenPromptFile.lines(url) {
                    for statement in ToxiGenPromptFile.statements(line) {
                        if let known = labels[statement], known != source.toxic {
                            throw HarnessError.invalidInput(
                                "\(url.path): the statement \"\(statement)\" is also in a file of the other label; a statement is either hateful or neutral"
                            )
                        }
                        if labels[statement] == nil { order.append(statement) }
                        labels[statement] = source.toxic
                        if groups[statement, default: []].contains(group) == false { groups[statement, default: []].append(group) }
                    }
                }
            }
        }
        guard !order.isEmpty else { throw HarnessError.invalidInput("the ToxiGen files hold no statements to train a classifier on") }
        return (order.map { LabelledStatement(text: $0, toxic: labels[$0]!, groups: groups[$0]!) }, files)
    }

    /// What `build` made: the trained head, its report, and the directory.
    public struct Built: Sendable {
        public let training: ClassifierTraining
        public let statements: [LabelledStatement]
        public let embeddings: [[Float]]
        public let path: String
        public let seconds: Double
    }

    /// Builds the classifier into `path` (which must not exist). `progress(done, total)`
    /// follows the embedding of the statements, the part that takes time.
    public static func build(
        to path: String, tasks: [ToxiGenTask], store: DataStore, encoder: String, settings: ClassifierTraining.Settings = .init(),
        threads: Int = Parallel.availableCores, progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> Built {
        let started = Date()
        let (statements, files) = try statements(tasks: tasks, store: store)
        let embedder = try SentenceEmbedder(path: encoder, normalize: false, threads: threads)
        progress(0, statements.count)
        let embeddings = try withoutActuallyEscaping(progress) { report in
            try embedder.embed(statements.map(\.text)) { report($0, statements.count) }
        }
        let training = try ClassifierTraining(statements: statements, embeddings: embeddings, settings: settings)
        let report = try JSONSerialization.jsonObject(with: JSONEncoder().encode(training.report))
        let provenance: [String: Any] = [
            "builder": "sadi-eval toxicity-classifier build (ToxiGenClassifier, recipe \(recipeVersion))",
            "stands_in_for": "HateBERT fine-tuned on ToxiGen (e.g. tomh/toxigen_hatebert); pass a real one with --toxicity-classifier",
            "encoder": (encoder as NSString).lastPathComponent,
            "encoder_sha256": try SHA256.hex(ofFile: encoder + "/" + SafeTensorsDirectory.singleFile),
            "data_files": files,
            "training": report,
        ]
        try ClassifierDirectoryWriter.write(to: path, encoder: encoder, head: training.head, provenance: provenance)
        return Built(
            training: training, statements: statements, embeddings: embeddings, path: path,
            seconds: Date().timeIntervalSince(started))
    }

    /// Where the default classifier of these inputs lives in the cache:
    /// `<cache>/classifiers/toxigen-minilm-<digest>`, the digest naming the data files, the
    /// encoder's weights, the settings and the recipe, so other inputs get another directory.
    public static func defaultPath(
        cache: URL, tasks: [ToxiGenTask], encoder: String, settings: ClassifierTraining.Settings = .init()
    ) throws -> String {
        var files: [String] = []
        for task in tasks {
            for key in ["hate", "neutral"] { if let file = task.card.files[key] { files.append(file.path + "=" + file.sha256) } }
        }
        // Sorted keys: JSONEncoder's own order changes from one process to the next.
        let settingsEncoder = JSONEncoder()
        settingsEncoder.outputFormatting = [.sortedKeys]
        let settingsJSON = String(decoding: try settingsEncoder.encode(settings), as: UTF8.self)
        let identity =
            (Array(Set(files)).sorted() + [
                "encoder=" + (try SHA256.hex(ofFile: encoder + "/" + SafeTensorsDirectory.singleFile)), "settings=" + settingsJSON,
                "recipe=" + recipeVersion,
            ]).joined(separator: "\n")
        let digest = SHA256.hex(of: Data(identity.utf8)).prefix(16)
        return cache.appendingPathComponent("classifiers").appendingPathComponent("toxigen-minilm-\(digest)").path
    }

    /// The default classifier's directory, built first when the cache lacks it. Under a lock,
    /// so concurrent runs build it once; the directory appears whole (renamed into place).
    /// `status` is told when a build starts and ends.
    public static func ensureDefault(
        tasks: [ToxiGenTask], store: DataStore, encoder: String, threads: Int = Parallel.availableCores,
        status: (String) -> Void = { _ in }, progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> String {
        try checkEncoder(encoder)
        let path = try defaultPath(cache: store.cacheDirectory, tasks: tasks, encoder: encoder)
        if FileManager.default.fileExists(atPath: path) { return path }
        let locks = store.cacheDirectory.appendingPathComponent("locks")
        try FileManager.default.createDirectory(at: locks, withIntermediateDirectories: true)
        return try FileLock.withLock(locks.appendingPathComponent("toxicity-classifier.lock").path) {
            if FileManager.default.fileExists(atPath: path) { return path }
            status("building the default toxicity classifier (MiniLM embeddings of ToxiGen's statements, logistic head) into \(path)")
            let built = try build(to: path, tasks: tasks, store: store, encoder: encoder, threads: threads, progress: progress)
            status(summary(built.training.report) + String(format: " (built in %.1f s)", built.seconds))
            return path
        }
    }

    /// Refuses an encoder folder without weights, saying how to get MiniLM.
    public static func checkEncoder(_ encoder: String) throws {
        guard FileManager.default.fileExists(atPath: encoder + "/" + SafeTensorsDirectory.singleFile) else {
            throw HarnessError.invalidInput(
                "\(encoder) has no model.safetensors: the default toxicity classifier is built on all-MiniLM-L6-v2; run `make minilm` (part of `make setup`), pass --minilm DIR or $SADI_MINILM, or give a classifier with --toxicity-classifier DIR"
            )
        }
    }

    /// "held-out accuracy 0.91, AUROC 0.95 on 3 groups (asian: …)".
    public static func summary(_ report: ClassifierTraining.Report) -> String {
        let groups = report.heldOutGroups.map { group in
            let e = report.heldOut[group]!
            return String(format: "%@ %.3f/%.3f (%d)", group, e.accuracy, e.auroc, e.statements)
        }
        return String(
            format:
                "default toxicity classifier: %d statements (%d toxic), L2 %g; held-out accuracy %.3f, AUROC %.3f over %d statements of %@ (accuracy/AUROC per group: %@)",
            report.statements, report.toxicStatements, report.penalty, report.heldOutOverall.accuracy, report.heldOutOverall.auroc,
            report.heldOutOverall.statements, report.heldOutGroups.joined(separator: ", "), groups.joined(separator: "; "))
    }
}
