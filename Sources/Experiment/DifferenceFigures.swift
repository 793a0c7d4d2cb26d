import Foundation
import Harness
import Interventions

/// The pictures `analyze` draws of a `DifferenceAnalysis`: one heatmap per unit kind, and
/// the head maps of several tasks side by side. Every cell shows the ranking key (the score,
/// or |score| under `--ranking magnitude`), so a dark cell is one SADI would pick early.
public enum DifferenceFigures {
    /// Units outlined in every figure: the method's first picks.
    public static let outlinedCount = 10
    /// Neurons drawn per layer in `neurons.svg`.
    public static let neuronRanks = 32
    /// Upper bound on the columns of `hidden.svg`.
    public static let hiddenBins = 48

    /// Layers × heads: every head's score, so the whole selection is visible at once.
    public static func heads(_ analysis: DifferenceAnalysis, model: String) throws -> MatrixHeatmap {
        let heads = analysis.differences(.heads)
        return try MatrixHeatmap(
            title: "\(analysis.task): attention heads by \(heads.quantity)",
            subtitle: subtitle(analysis, heads, model: model), rowName: "layer", columnName: "head",
            rowLabels: layerLabels(heads), columnLabels: (0..<heads.fit.scores.unitsPerLayer).map(String.init),
            valueName: valueName(heads), panels: [headPanel(analysis, title: "")], cellWidth: 28, cellHeight: 13)
    }

    /// The head maps of several tasks on one colour scale (one model, so one shape).
    public static func compareHeads(_ analyses: [DifferenceAnalysis], model: String) throws -> MatrixHeatmap {
        guard let first = analyses.first?.differences(.heads) else {
            throw HarnessError.invalidInput("--compare needs at least one analysed task")
        }
        let pairs = analyses.map { "\($0.task) \($0.pairs)" }.joined(separator: ", ")
        return try MatrixHeatmap(
            title: "Attention heads by \(first.quantity), one colour scale",
            subtitle:
                "outlined: each task's top \(outlinedCount), sadi-head's first picks\n\(model) · \(analyses[0].scoring.rawValue) protocol · pairs: \(pairs)",
            rowName: "layer", columnName: "head", rowLabels: layerLabels(first),
            columnLabels: (0..<first.fit.scores.unitsPerLayer).map(String.init), valueName: valueName(first),
            panels: analyses.map { headPanel($0, title: $0.task) }, cellWidth: 28, cellHeight: 13)
    }

    /// Layers × rank: each layer's strongest neurons, sorted. A neuron's index means
    /// nothing across layers (neuron 5 of layer 3 and of layer 4 are unrelated), so columns
    /// of indices or bins of them would line up unrelated units; sorted per layer, a row
    /// shows how many strong neurons the layer has and how strong, which is what decides
    /// where SADI-NEURON's top K fall. The tooltip names each neuron.
    public static func neurons(_ analysis: DifferenceAnalysis, model: String) throws -> MatrixHeatmap {
        let neurons = analysis.differences(.neurons)
        let scores = neurons.fit.scores
        let ranks = min(neuronRanks, scores.unitsPerLayer)
        var values: [[Double]] = [], tooltips: [[String]] = []
        var outlined: [MatrixHeatmap.Cell] = []
        let top = Set(neurons.ranked.prefix(outlinedCount).map(\.unit))
        for layer in 0..<scores.layers {
            let sorted = (0..<scores.unitsPerLayer).map { SteeringUnit(layer: layer, index: $0) }
                .sorted { a, b in
                    let (x, y) = (neurons.key(scores[a]), neurons.key(scores[b]))
                    return x != y ? x > y : a < b
                }
                .prefix(ranks)
            values.append(sorted.map { Double(neurons.key(scores[$0])) })
            tooltips.append(sorted.enumerated().map { "layer \(layer), #\($0 + 1): neuron \($1.index)" })
            for (r, unit) in sorted.enumerated() where top.contains(unit) { outlined.append(.init(row: layer, column: r)) }
        }
        return try MatrixHeatmap(
            title: "\(analysis.task): FFN neurons by \(neurons.quantity), each layer's strongest \(ranks) sorted",
            subtitle: subtitle(analysis, neurons, model: model), rowName: "layer", columnName: "rank within the layer",
            rowLabels: layerLabels(neurons), columnLabels: (1...ranks).map(String.init), valueName: valueName(neurons),
            panels: [.init(title: "", values: values, tooltips: tooltips, outlined: outlined)], cellWidth: 14, cellHeight: 12,
            columnLabelEvery: 4)
    }

    /// Layers × bins of hidden dims, each bin showing its strongest dim. Unlike neurons, a
    /// hidden dim is the same residual-stream coordinate in every layer (each layer's MLP
    /// writes into that basis), so columns do line up: a dark column is one coordinate the
    /// task moves layer after layer. Bins keep 576 (or 4096) dims to a readable width and
    /// the file small; the tooltip names the strongest dim of each bin.
    public static func hidden(_ analysis: DifferenceAnalysis, model: String) throws -> MatrixHeatmap {
        let hidden = analysis.differences(.hidden)
        let scores = hidden.fit.scores
        let binSize = (scores.unitsPerLayer + hiddenBins - 1) / hiddenBins
        let bins = (scores.unitsPerLayer + binSize - 1) / binSize
        let top = Set(hidden.ranked.prefix(outlinedCount).map(\.unit))
        var values: [[Double]] = [], tooltips: [[String]] = []
        var outlined: [MatrixHeatmap.Cell] = []
        for layer in 0..<scores.layers {
            var row: [Double] = [], tips: [String] = []
            for bin in 0..<bins {
                let dims = (bin * binSize)..<min((bin + 1) * binSize, scores.unitsPerLayer)
                let units = dims.map { SteeringUnit(layer: layer, index: $0) }
                // The first of the strongest, as ties are broken everywhere else.
                let best = units.max { a, b in
                    let (x, y) = (hidden.key(scores[a]), hidden.key(scores[b]))
                    return x != y ? x < y : a > b
                }!
                row.append(Double(hidden.key(scores[best])))
                tips.append("layer \(layer), dims \(dims.lowerBound)-\(dims.upperBound - 1): strongest \(best.index)")
                if units.contains(where: top.contains) { outlined.append(.init(row: layer, column: bin)) }
            }
            values.append(row)
            tooltips.append(tips)
        }
        return try MatrixHeatmap(
            title: "\(analysis.task): hidden units (MLP output) by \(hidden.quantity), strongest per \(binSize) dims",
            subtitle: subtitle(analysis, hidden, model: model), rowName: "layer", columnName: "hidden dim (bin start)",
            rowLabels: layerLabels(hidden), columnLabels: (0..<bins).map { String($0 * binSize) }, valueName: valueName(hidden),
            panels: [.init(title: "", values: values, tooltips: tooltips, outlined: outlined)], cellWidth: 14, cellHeight: 12,
            columnLabelEvery: 4)
    }

    static func headPanel(_ analysis: DifferenceAnalysis, title: String) -> MatrixHeatmap.Panel {
        let heads = analysis.differences(.heads)
        let scores = heads.fit.scores
        let values = (0..<scores.layers).map { layer in
            (0..<scores.unitsPerLayer).map { Double(heads.key(scores[SteeringUnit(layer: layer, index: $0)])) }
        }
        let tooltips = (0..<scores.layers).map { layer in (0..<scores.unitsPerLayer).map { "layer \(layer), head \($0)" } }
        let outlined = heads.ranked.prefix(outlinedCount).map { MatrixHeatmap.Cell(row: $0.unit.layer, column: $0.unit.index) }
        return .init(title: title, values: values, tooltips: tooltips, outlined: outlined)
    }

    static func subtitle(_ analysis: DifferenceAnalysis, _ kind: UnitDifferences, model: String) -> String {
        "\(kind.kind.method.name) ranks by this, largest first; outlined: its top \(outlinedCount)\n\(analysis.pairs) pairs · \(model) · \(analysis.scoring.rawValue) protocol"
            + (analysis.numFewshot > 0 ? ", \(analysis.numFewshot)-shot" : "")
    }

    static func valueName(_ kind: UnitDifferences) -> String {
        kind.fit.options.ranking == .magnitude ? "|score|" : (kind.fit.unitSize > 1 ? "head score" : "D")
    }

    static func layerLabels(_ kind: UnitDifferences) -> [String] { (0..<kind.fit.scores.layers).map(String.init) }
}
