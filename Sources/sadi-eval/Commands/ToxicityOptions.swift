import ArgumentParser
import Engine
import Experiment
import Foundation
import Harness
import TaskRegistry
import TaskToxiGen

/// Which classifier judges toxicity (ToxiGen's metrics), shared by `run` and
/// `toxicity-classifier score`: a directory given, else the default one built offline and
/// cached on first use.
struct ToxicityOptions: ParsableArguments {
    @Option(
        name: .customLong("toxicity-classifier"),
        help:
            "A BertForSequenceClassification directory judging toxicity, e.g. tomh/toxigen_hatebert (default: the classifier `sadi-eval toxicity-classifier build` makes, built and cached on first use)."
    )
    var classifier: String?
    @Option(
        name: .customLong("toxic-label"),
        help: "The classifier's toxic label as id2label names it (default: the one called toxic, hate, hateful or toxicity).")
    var toxicLabel: String?
    @Option(help: "all-MiniLM-L6-v2's folder, for building the default classifier (default: $SADI_MINILM or models/all-MiniLM-L6-v2).")
    var minilm: String = DefaultModel.miniLM

    func validate() throws {
        if let classifier, classifier.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--toxicity-classifier is empty; name a classifier directory")
        }
        if let toxicLabel, toxicLabel.isEmpty { throw ValidationError("--toxic-label is empty; name a label of the classifier's id2label") }
    }

    /// The classifier's directory: the one given, else the default (built now if the cache lacks it).
    func directory(registry: TaskRegistry, store: DataStore, threads: Int) throws -> String {
        if let classifier { return classifier }
        let tasks = try registry.tasks(ToxiGenTask.name).compactMap { $0 as? ToxiGenTask }
        guard !tasks.isEmpty else {
            throw HarnessError.invalidInput(
                "the default toxicity classifier is built from the toxigen card's files, and \(registry.cardsDirectory) has no toxigen variants; pass --toxicity-classifier DIR"
            )
        }
        return try ToxiGenClassifier.ensureDefault(
            tasks: tasks, store: store, encoder: minilm, threads: threads, status: Terminal.status,
            progress: ExperimentReporter.terminal.progress("embedding ToxiGen statements"))
    }

    /// The classifier loaded once.
    func load(registry: TaskRegistry, store: DataStore, threads: Int) throws -> ToxicityClassifier {
        try ToxicityClassifier(
            path: directory(registry: registry, store: store, threads: threads), toxicLabel: toxicLabel, threads: threads)
    }

    /// The scorer registry for `tasks` and what the results record about it: the standard
    /// one when no task is judged by a toxicity metric, else one holding the classifier.
    func scorers(for tasks: [any BenchmarkTask], registry: TaskRegistry, store: DataStore, threads: Int) throws -> (
        ScorerRegistry, [String: String]
    ) {
        let judged = tasks.contains { task in
            ScoringProtocol.allCases.contains { (try? $0.metrics(of: task.card))?.contains { $0.name.hasPrefix("toxicity_") } == true }
        }
        guard judged else {
            if classifier != nil || toxicLabel != nil {
                Terminal.status("note: no task of this run has a toxicity metric, so --toxicity-classifier/--toxic-label are not used")
            }
            return (.standard, [:])
        }
        let loaded = try load(registry: registry, store: store, threads: threads)
        Terminal.status("toxicity judged by \(loaded.path) (label \(loaded.toxicLabel), sha256 \(loaded.weightsSHA256.prefix(12))…)")
        return (
            ScorerRegistry.standard.withToxicityClassifier(loaded),
            [
                "toxicity_classifier": loaded.path, "toxicity_classifier_sha256": loaded.weightsSHA256,
                "toxic_label": loaded.toxicLabel,
            ]
        )
    }
}
