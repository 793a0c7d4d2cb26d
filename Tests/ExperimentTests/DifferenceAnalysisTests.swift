import Engine
import Experiment
import Foundation
import Harness
import Interventions
import TestSupport
import Testing

/// `analyze`'s numbers are the methods' own: one activation pass for the three SADI sites
/// must give each kind exactly the D, the scores and the selection order that fitting the
/// method alone gives. Real model, 8 COPA pairs.
@Suite("Experiment: where the differences live", .serialized)
struct DifferenceAnalysisTests {
    let scratch: String

    init() throws { scratch = try TestPaths.scratchDirectory("analysis") }

    func experiment() throws -> Experiment {
        Experiment(task: try Fixtures.copa(), model: Fixtures.model, store: Fixtures.store(scratch))
    }

    static func options(ranking: UnitRanking, pairs: Int = 8) -> FittingOptions {
        var options = FittingOptions()
        options.pairLimit = pairs
        options.ranking = ranking
        return options
    }

    /// The fit inside a fitted SADI method.
    func meanDifferenceFit(_ fitted: any FittedMethod) -> MeanDifferenceFit? {
        (fitted as? FittedMeanDifference<SADIHeadMethod>)?.fit ?? (fitted as? FittedMeanDifference<SADINeuronMethod>)?.fit
            ?? (fitted as? FittedMeanDifference<SADIHiddenMethod>)?.fit
    }

    @Test(
        "each kind's D, scores and ranking are what its SADI method fits and selects on the same pairs",
        arguments: [UnitRanking.signed, .magnitude])
    func agreesWithTheMethods(ranking: UnitRanking) throws {
        let experiment = try experiment()
        let options = Self.options(ranking: ranking)
        let analysis = try experiment.analyzeDifferences(AnalysisSettings(fitting: options, batchSize: 8, top: 40))
        #expect(analysis.pairs == 8 && analysis.task == "copa")
        let items = TaskItems(task: experiment.task, store: experiment.store, scoring: .harness)
        for kind in SteeredUnitKind.allCases {
            let fitted = try experiment.fit(kind.method, options: options, items: items, batchSize: 8)
            let fit = try #require(meanDifferenceFit(fitted), "\(kind)")
            let mine = analysis.differences(kind)
            #expect(mine.fit.siteKind == fit.siteKind && mine.fit.difference == fit.difference, "\(kind): D differs")
            let selected = try fit.topUnits(k: 40)
            #expect(mine.ranked.map(\.unit) == selected, "\(kind): not the method's selection")
            #expect(mine.ranked.map(\.score) == selected.map { fit.scores[$0] })
            #expect(mine.ranked.map(\.rank) == Array(1...40))
            // Sorted by what the method ranks by: D, or |D| under --ranking magnitude.
            let keys = mine.ranked.map { ranking == .magnitude ? abs($0.score) : $0.score }
            #expect(zip(keys, keys.dropFirst()).allSatisfy { $0 >= $1 }, "\(kind) \(ranking): \(keys.prefix(5))")
        }
        let quantity = ranking == .signed ? "signed mean of D over the head's 64 dims" : "|mean of D over the head's 64 dims|"
        #expect(analysis.differences(.heads).quantity == quantity)
    }

    @Test("the figures draw the ranked scores: heads cell by cell, neurons sorted per layer, hidden dims by bin maximum")
    func figures() throws {
        let analysis = try experiment().analyzeDifferences(AnalysisSettings(fitting: Self.options(ranking: .signed), top: 20))
        let heads = analysis.differences(.heads)
        let headMap = try DifferenceFigures.heads(analysis, model: "m")
        let scores = heads.fit.scores
        #expect(headMap.rowLabels.count == 30 && headMap.columnLabels.count == 9)
        for unit in [SteeringUnit(layer: 0, index: 8), SteeringUnit(layer: 29, index: 0), heads.ranked[0].unit] {
            #expect(headMap.panels[0].values[unit.layer][unit.index] == Double(scores[unit]), "\(unit)")
        }
        #expect(headMap.panels[0].outlined == heads.ranked.prefix(10).map { .init(row: $0.unit.layer, column: $0.unit.index) })

        let neurons = analysis.differences(.neurons)
        let neuronMap = try DifferenceFigures.neurons(analysis, model: "m").panels[0]
        for layer in [0, 17, 29] {
            let row = neuronMap.values[layer]
            let all = (0..<1536).map { Double(neurons.fit.scores[SteeringUnit(layer: layer, index: $0)]) }.sorted(by: >)
            #expect(row == Array(all.prefix(32)), "layer \(layer)")
        }
        let first = neurons.ranked[0].unit
        #expect(neuronMap.values[first.layer][0] == Double(neurons.ranked[0].score))
        #expect(neuronMap.tooltips[first.layer][0] == "layer \(first.layer), #1: neuron \(first.index)")

        let hidden = analysis.differences(.hidden)
        let hiddenMap = try DifferenceFigures.hidden(analysis, model: "m")
        #expect(hiddenMap.columnLabels.count == 48 && hiddenMap.columnLabels[1] == "12")  // 576 dims in bins of 12
        let top = hidden.ranked[0]
        #expect(hiddenMap.panels[0].values[top.unit.layer][top.unit.index / 12] == Double(top.score))
        #expect(hiddenMap.panels[0].outlined.contains(.init(row: top.unit.layer, column: top.unit.index / 12)))
    }

    @Test("the comparison puts each task's head map on one scale; the report writes the files, the CSV in selection order")
    func comparisonAndFiles() throws {
        let experiment = try experiment()
        let few = try experiment.analyzeDifferences(AnalysisSettings(fitting: Self.options(ranking: .signed, pairs: 4), top: 5))
        let more = try experiment.analyzeDifferences(AnalysisSettings(fitting: Self.options(ranking: .signed, pairs: 8), top: 5))
        let figure = try DifferenceFigures.compareHeads([few, more], model: "m")
        #expect(figure.panels.count == 2)
        let extreme = [few, more].flatMap { $0.differences(.heads).fit.scores.values.map { abs(Double($0)) } }.max()!
        #expect(figure.scale.low == -extreme && figure.scale.high == extreme)
        let a = try DifferenceFigures.heads(few, model: "m").scale.high, b = try DifferenceFigures.heads(more, model: "m").scale.high
        #expect(a != b && max(a, b) == extreme, "the two fits differ, so a shared scale is a real choice")

        let report = DifferenceReport(analysis: more, model: "m", modelSHA256: String(repeating: "a", count: 64))
        let files = try report.write(outputDirectory: scratch + "/out")
        #expect(files.map { ($0 as NSString).lastPathComponent } == ["heads.svg", "neurons.svg", "hidden.svg", "ranked.csv", "summary.md"])
        #expect(files.allSatisfy { $0.hasPrefix(scratch + "/out/m/copa/") && FileManager.default.fileExists(atPath: $0) })
        let lines = report.csv().split(separator: "\n")
        #expect(lines.count == 1 + 3 * 5)
        let firstHead = more.differences(.heads).ranked[0]
        #expect(lines[1] == "heads,1,\(firstHead.unit.layer),\(firstHead.unit.index),\(firstHead.score)")
        #expect(lines[6].hasPrefix("neurons,1,") && lines[11].hasPrefix("hidden,1,"))
        #expect(throws: HarnessError.self) { try DifferenceReport.writeComparison([more], model: "m", outputDirectory: scratch) }
        let path = try DifferenceReport.writeComparison([few, more], model: "m", outputDirectory: scratch + "/out")
        #expect(path == scratch + "/out/m/heads-copa+copa.svg")
    }
}
