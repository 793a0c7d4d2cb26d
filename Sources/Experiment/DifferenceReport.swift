import Foundation
import Harness
import Interventions

/// The files `analyze` writes for one task under `<output>/<model>/<task>/`: the three
/// figures, `ranked.csv` and `summary.md`; and, for `--compare`, one figure of several tasks.
public struct DifferenceReport {
    public let analysis: DifferenceAnalysis
    /// The model file's stem, as results folders name it.
    public let model: String
    public let modelSHA256: String

    public init(analysis: DifferenceAnalysis, model: String, modelSHA256: String) {
        self.analysis = analysis
        self.model = model
        self.modelSHA256 = modelSHA256
    }

    /// `<output>/<model>/<task>`, marked like sweep files when the prompt is not the
    /// harness's zero-shot one, so analyses of different prompts never overwrite each other.
    public static func folder(outputDirectory: String, model: String, analysis: DifferenceAnalysis) -> String {
        [outputDirectory, model, analysis.task + marks(analysis)].joined(separator: "/")
    }

    static func marks(_ analysis: DifferenceAnalysis) -> String {
        (analysis.pairsSplit != (analysis.defaultPairsSplit ?? analysis.pairsSplit) ? ".pairs-\(analysis.pairsSplit)" : "")
            + (analysis.fitPrompt != analysis.defaultFitPrompt ? ".fit-\(analysis.fitPrompt.rawValue)" : "")
            + (analysis.numFewshot > 0 ? ".\(analysis.numFewshot)shot" : "") + (analysis.scoring == .official ? ".official" : "")
    }

    /// Writes every file; returns their paths in the order written.
    public func write(outputDirectory: String) throws -> [String] {
        let folder = Self.folder(outputDirectory: outputDirectory, model: model, analysis: analysis)
        let figures: [(String, MatrixHeatmap)] = [
            ("heads.svg", try DifferenceFigures.heads(analysis, model: model)),
            ("neurons.svg", try DifferenceFigures.neurons(analysis, model: model)),
            ("hidden.svg", try DifferenceFigures.hidden(analysis, model: model)),
        ]
        var written: [String] = []
        for (name, figure) in figures {
            try figure.write(to: folder + "/" + name)
            written.append(folder + "/" + name)
        }
        try AtomicFile.write(Data(csv().utf8), to: folder + "/ranked.csv")
        try AtomicFile.write(Data(summary().utf8), to: folder + "/summary.md")
        return written + [folder + "/ranked.csv", folder + "/summary.md"]
    }

    /// kind,rank,layer,index,D: each kind's units in the method's selection order (rank 1 is
    /// what it picks first). D is the score ranked by, unscaled, in full Float precision.
    public func csv() -> String {
        var lines = ["kind,rank,layer,index,D"]
        for kind in analysis.kinds {
            lines += kind.ranked.map { "\(kind.kind.rawValue),\($0.rank),\($0.unit.layer),\($0.unit.index),\($0.score)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public func summary() -> String {
        let options = analysis.kinds[0].fit.options
        var lines = [
            "# Where the differences live: \(analysis.task)", "",
            "- model: \(model) (sha256 \(modelSHA256.prefix(12)))",
            "- pairs: \(analysis.pairs) from the split \(analysis.pairsSplit), written \(analysis.fitPrompt.rawValue) (\(analysis.scoring.rawValue) protocol"
                + (analysis.numFewshot > 0 ? ", \(analysis.numFewshot)-shot)" : ")"),
            "- read at: \(options.position.rawValue); ranking: \(options.ranking.rawValue); head score: \(options.headScoring.rawValue)"
                + (options.layers.map { "; layers \($0.lowerBound)-\($0.upperBound)" } ?? ""),
            String(format: "- fitted in %.1f s", analysis.seconds), "",
        ]
        for kind in analysis.kinds {
            lines += [
                "## Top \(min(10, kind.ranked.count)) \(kind.kind.rawValue) (\(kind.kind.method.name), \(kind.fit.siteKind)): \(kind.quantity)",
                "", "| rank | layer | \(kind.kind.unitName) | D |", "|---:|---:|---:|---:|",
            ]
            lines += kind.ranked.prefix(10).map {
                "| \($0.rank) | \($0.unit.layer) | \($0.unit.index) | \(String(format: "%.4g", $0.score)) |"
            }
            lines.append("")
        }
        lines.append("Figures: heads.svg, neurons.svg, hidden.svg; every ranked unit: ranked.csv.")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `<output>/<model>/heads-<task>+<task>….svg`: the tasks' head maps on one scale.
    public static func writeComparison(_ analyses: [DifferenceAnalysis], model: String, outputDirectory: String) throws -> String {
        guard analyses.count > 1 else {
            throw HarnessError.invalidInput("--compare needs two or more tasks in --task, e.g. --task copa,xcopa_sw")
        }
        var name = analyses.map(\.task).joined(separator: "+")
        // Eleven XCOPA languages would make a name longer than some file systems allow.
        if name.count > 80 { name = "\(analyses[0].task)+\(analyses.count - 1)-more" }
        let path = [outputDirectory, model, "heads-\(name)\(marks(analyses[0])).svg"].joined(separator: "/")
        try DifferenceFigures.compareHeads(analyses, model: model).write(to: path)
        return path
    }
}
