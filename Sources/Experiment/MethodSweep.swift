import Foundation
import Harness
import Interventions

/// `sweep` over tasks × methods with one model load: every method is fitted on each task's
/// pairs, chosen on its validation split and scored on its test split, as `run` does (each
/// run writes its own results file); with `fitTask`, every method is also fitted and chosen
/// once on that task and applied to all the others (cross-lingual masks: English COPA's,
/// on every XCOPA language), filed as `<method>@<fitTask>`. The summary is a tasks ×
/// methods table (Markdown, JSON) and a grouped bar chart (SVG).
public struct MethodSweep {
    public let model: ModelUnderTest
    public let store: DataStore
    public var reporter: ExperimentReporter

    public init(model: ModelUnderTest, store: DataStore, reporter: ExperimentReporter = .silent) {
        self.model = model
        self.store = store
        self.reporter = reporter
    }

    /// One cell: a task scored by a method (or a method fitted elsewhere).
    public struct Cell: Codable, Sendable {
        public let task: String
        public let column: String
        public let metric: String
        public let value: MetricValue
        public let results: String
        public let wallSeconds: Double
    }

    public struct Report: Codable, Sendable {
        public let tasks: [String]
        public let columns: [String]
        public let cells: [Cell]
        public let fitTask: String?
        public let model: String

        public func cell(task: String, column: String) -> Cell? { cells.first { $0.task == task && $0.column == column } }
    }

    /// Runs every column on every task; `settings(method)` gives each method's settings.
    /// With `reuseResults`, a cell whose finished results file was made for the same
    /// settings is read instead of run again (an interrupted sweep picks up where it was),
    /// and a method is fitted on `fitTask` only when some task still needs it. With
    /// `scoreTogether`, a task's methods are all fitted and chosen first, then scored on its
    /// test split in the same batches (`Experiment.runTogether`: prompts computed once).
    public func run(
        tasks: [any BenchmarkTask], methods: [String], fitTask: (any BenchmarkTask)?, evaluation: EvaluationSettings,
        settings: (String) throws -> MethodSettings, name: String, reuseResults: Bool = false, scoreTogether: Bool = false
    ) throws -> (report: Report, stem: String) {
        var columns = methods
        let fitExperiment = fitTask.map { Experiment(task: $0, model: model, store: store, reporter: reporter) }
        if let fitExperiment {
            for method in methods where try fitExperiment.methods.method(named: method) != nil {
                columns.append("\(method)@\(fitExperiment.task.card.task)")
            }
        }
        var prepared: [String: Experiment.Prepared] = [:]
        func fitted(_ method: String) throws -> Experiment.Prepared? {
            guard let fitExperiment, let chosen = try fitExperiment.methods.method(named: method) else { return nil }
            if let done = prepared[method] { return done }
            reporter.status("fitting \(method) on \(fitExperiment.task.card.task) for every task…")
            var fit = try fitExperiment.prepare(
                chosen, try settings(method), scoring: evaluation.scoring, prompt: evaluation.prompt,
                numFewshot: evaluation.numFewshot, batchSize: evaluation.batchSize)
            fit.configuration["fit_task"] = fitExperiment.task.card.task
            prepared[method] = fit
            return fit
        }
        var cells: [Cell] = []
        for task in tasks {
            let experiment = Experiment(task: task, model: model, store: store, reporter: reporter)
            var results: [String: RunResult] = [:]
            var together: [(column: String, method: MethodSettings, prepared: Experiment.Prepared?, label: String?)] = []
            // `method@fitTask` columns apply a method fitted on that task, filed under the column.
            let cellSettings = try columns.map { column in
                let parts = column.split(separator: "@", maxSplits: 1).map(String.init)
                return (column: column, parts: parts, method: try settings(parts[0]), label: parts.count > 1 ? column : nil)
            }
            for (column, parts, method, label) in cellSettings {
                if reuseResults,
                    let finished = experiment.finished(evaluation, method: method, label: label, fitTask: parts.count > 1 ? parts[1] : nil)
                {
                    results[column] = finished.result
                    reporter.status(
                        "\(task.card.task) \(column): reusing \(finished.path) (\(finished.result.created), \(finished.result.gitCommit))"
                            + (finished.requestChecked
                                ? "" : "; made before results recorded their request, its fitting flags are not compared"))
                } else if scoreTogether {
                    together.append((column, method, parts.count > 1 ? try fitted(parts[0]) : nil, label))
                } else {
                    results[column] =
                        try experiment.run(
                            evaluation, method: method, prepared: parts.count > 1 ? try fitted(parts[0]) : nil, label: label
                        ).result
                }
            }
            if !together.isEmpty {
                let scored = try experiment.runTogether(evaluation, methods: together.map { ($0.method, $0.prepared, $0.label) })
                for (entry, run) in zip(together, scored) { results[entry.column] = run.result }
            }
            for (column, _, method, label) in cellSettings {
                guard let result = results[column] else { continue }
                let path = Evaluation(
                    task: task, model: model, store: store, settings: experiment.resolved(evaluation, method: method, label: label)
                ).resultPath
                guard let metric = result.metricOrder.first, let value = result.metrics[metric] else { continue }
                cells.append(
                    Cell(
                        task: task.card.task, column: column, metric: metric, value: value, results: path,
                        wallSeconds: result.wallSeconds))
                reporter.status(String(format: "%@ %@: %@ %.4f (%.0f s)", task.card.task, column, metric, value.value, result.wallSeconds))
            }
        }
        let report = Report(
            tasks: tasks.map(\.card.task), columns: columns, cells: cells, fitTask: fitTask?.card.task, model: model.loaded.fileStem)
        let stem = [evaluation.outputDirectory, model.loaded.fileStem, "sweep-\(name)" + model.fileSuffix].joined(separator: "/")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(report), to: stem + ".json")
        try AtomicFile.write(Data(Self.markdown(report).utf8), to: stem + ".md")
        try AtomicFile.write(Data(BarChart.svg(Self.chart(report)).utf8), to: stem + ".svg")
        return (report, stem)
    }

    /// Tasks as rows, columns as methods, the mean of each column last; the best of each
    /// row in bold.
    public static func markdown(_ report: Report) -> String {
        let metric = report.cells.first?.metric ?? "score"
        var lines = [
            "| task | " + report.columns.joined(separator: " | ") + " |",
            "|---|" + report.columns.map { _ in "---:|" }.joined(),
        ]
        for task in report.tasks {
            let values = report.columns.map { report.cell(task: task, column: $0)?.value.value }
            let best = values.compactMap { $0 }.max()
            let cells = values.enumerated().map { j, value -> String in
                guard let value, let cell = report.cell(task: task, column: report.columns[j]) else { return "—" }
                let text =
                    cell.value.stderr.isFinite
                    ? String(format: "%.1f ± %.1f", value * 100, cell.value.stderr * 100) : String(format: "%.1f", value * 100)
                return value == best ? "**\(text)**" : text
            }
            lines.append("| \(task) | " + cells.joined(separator: " | ") + " |")
        }
        let means = report.columns.map { column -> String in
            let values = report.tasks.compactMap { report.cell(task: $0, column: column)?.value.value }
            guard values.count == report.tasks.count, !values.isEmpty else { return "—" }
            return String(format: "%.1f", values.reduce(0, +) / Double(values.count) * 100)
        }
        lines.append("| mean | " + means.joined(separator: " | ") + " |")
        var note = "\n\(metric) in percent ± standard error, on each task's test split; the best of each row in bold."
        if let fit = report.fitTask {
            note += " `<method>@\(fit)` is fitted on \(fit)'s pairs and chosen on its validation split, then applied unchanged."
        }
        return lines.joined(separator: "\n") + "\n" + note + "\n"
    }

    static func chart(_ report: Report) -> BarChart {
        BarChart(
            title: "\(report.model): \(report.cells.first?.metric ?? "score") by task and method", groups: report.tasks,
            series: report.columns,
            values: report.tasks.map { task in report.columns.map { report.cell(task: task, column: $0)?.value.value } },
            errors: report.tasks.map { task in report.columns.map { report.cell(task: task, column: $0)?.value.stderr } })
    }
}
