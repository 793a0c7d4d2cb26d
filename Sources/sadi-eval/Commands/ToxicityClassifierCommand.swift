import ArgumentParser
import Engine
import Experiment
import Foundation
import Harness
import TaskRegistry
import TaskToxiGen

/// `sadi-eval toxicity-classifier build|score`: the default classifier ToxiGen is judged by,
/// and a way to check any classifier on one's own labelled texts.
struct ToxicityClassifierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "toxicity-classifier",
        abstract: "Build the default toxicity classifier (offline stand-in for HateBERT) or score texts with a classifier.",
        subcommands: [Build.self, Score.self])

    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Embed ToxiGen's statements with MiniLM, train a logistic head with whole target groups held out, write a BertForSequenceClassification directory; print held-out accuracy and AUROC per group."
        )

        @Option(help: "Directory to write (must not exist; default: the cache's, where runs look for it).") var output: String?
        @Option(help: "all-MiniLM-L6-v2's folder (default: $SADI_MINILM or models/all-MiniLM-L6-v2).")
        var minilm: String = DefaultModel.miniLM
        @OptionGroup var data: DataOptions

        func run() throws {
            let store = data.dataStore()
            let tasks = try TaskRegistry(cardsDirectory: data.cardsDirectory).tasks(ToxiGenTask.name).compactMap { $0 as? ToxiGenTask }
            try ToxiGenClassifier.checkEncoder(minilm)
            let path = try output ?? ToxiGenClassifier.defaultPath(cache: store.cacheDirectory, tasks: tasks, encoder: minilm)
            if output == nil, FileManager.default.fileExists(atPath: path) {
                print("the default classifier is already built: \(path)")
                print(try Self.describe(path))
                return
            }
            let built = try ToxiGenClassifier.build(
                to: path, tasks: tasks, store: store, encoder: minilm, threads: data.threads,
                progress: ExperimentReporter.terminal.progress("embedding ToxiGen statements"))
            print(Self.table(built.training.report))
            print(String(format: "built in %.1f s: %@", built.seconds, path))
        }

        /// The held-out table of a built directory's provenance.
        static func describe(_ path: String) throws -> String {
            let data = try Data(contentsOf: URL(fileURLWithPath: path + "/config.json"))
            guard let config = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                let provenance = config["provenance"] as? [String: Any], let training = provenance["training"]
            else { return "(\(path)/config.json has no provenance)" }
            let report = try JSONDecoder().decode(
                ClassifierTraining.Report.self, from: JSONSerialization.data(withJSONObject: training))
            return table(report)
        }

        static func table(_ report: ClassifierTraining.Report) -> String {
            var lines = [
                String(
                    format:
                        "%d statements (%d toxic), %d for training, %d for validation; L2 penalty %g (validation log loss); held out: %@",
                    report.statements, report.toxicStatements, report.trainingStatements, report.validationStatements, report.penalty,
                    report.heldOutGroups.joined(separator: ", ")),
                "", "| held-out group | statements | toxic | accuracy | AUROC |", "|---|---:|---:|---:|---:|",
            ]
            for group in report.heldOutGroups {
                let e = report.heldOut[group]!
                lines.append(String(format: "| %@ | %d | %d | %.3f | %.3f |", group, e.statements, e.toxic, e.accuracy, e.auroc))
            }
            let all = report.heldOutOverall
            lines.append(String(format: "| all held out | %d | %d | %.3f | %.3f |", all.statements, all.toxic, all.accuracy, all.auroc))
            return lines.joined(separator: "\n")
        }
    }

    struct Score: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score one text per line of FILE; write JSON lines {\"text\", \"toxicity\"} (the toxic label's probability).")

        @Argument(help: "A UTF-8 text file, one text per line.") var file: String
        @Option(help: "Classifier directory (default: the default classifier, built on first use).") var classifier: String?
        @Option(name: .customLong("toxic-label"), help: "The toxic label as id2label names it (default: toxic, hate, hateful or toxicity).")
        var toxicLabel: String?
        @Option(help: "all-MiniLM-L6-v2's folder, for building the default classifier.") var minilm: String = DefaultModel.miniLM
        @Option(help: "Write the JSON lines here instead of stdout.") var output: String?
        @OptionGroup var data: DataOptions

        func run() throws {
            guard let bytes = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read \(file); name a text file with one text per line")
            }
            guard let text = String(data: bytes, encoding: .utf8) else { throw ValidationError("\(file) is not UTF-8 text") }
            var lines = text.components(separatedBy: "\n").map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
            if lines.last == "" { lines.removeLast() }
            let options = try ToxicityOptions.parse(
                (classifier.map { ["--toxicity-classifier", $0] } ?? []) + (toxicLabel.map { ["--toxic-label", $0] } ?? [])
                    + ["--minilm", minilm])
            let store = data.dataStore()
            let loaded = try options.load(registry: TaskRegistry(cardsDirectory: data.cardsDirectory), store: store, threads: data.threads)
            let started = Date()
            let bar = ExperimentReporter.terminal.progress("scoring")
            let scores = try loaded.toxicity(lines) { bar($0, lines.count) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var out = Data()
            for (line, score) in zip(lines, scores) {
                out += try encoder.encode(ScoredText(text: line, toxicity: score)) + Data("\n".utf8)
            }
            if let output { try AtomicFile.write(out, to: output) } else { FileHandle.standardOutput.write(out) }
            let seconds = Date().timeIntervalSince(started)
            Terminal.status(
                String(
                    format: "%d texts scored by %@ (label %@) in %.2f s (%.0f texts/s)", lines.count, loaded.path, loaded.toxicLabel,
                    seconds,
                    Double(lines.count) / max(seconds, 1e-9)))
        }
    }

    struct ScoredText: Codable {
        let text: String
        let toxicity: Double
    }
}
