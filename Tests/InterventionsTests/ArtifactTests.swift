import Engine
import Foundation
import Harness
import Testing

@testable import Interventions

@Suite struct ArtifactTests {
    static let sha = String(repeating: "ab", count: 32)
    static let otherSHA = String(repeating: "cd", count: 32)

    func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("artifact-\(getpid())-\(name)").path
    }

    func shape() throws -> ModelShape { try syntheticShape(layers: 2, heads: 2, headDim: 2) }

    func itiArtifact() throws -> InterventionArtifact {
        var options = FittingOptions()
        options.layers = 0...1
        options.seed = 7
        return try SyntheticHeads.fit(options: options).artifact(
            k: 2, strength: 5,
            model: .init(file: "tiny.gguf", sha256: Self.sha, shape: shape()),
            task: "copa", scoring: .official, notes: ["chosen_by": "flags"])
    }

    func write(_ text: String, _ name: String) throws -> String {
        let path = temporaryPath(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func loadError(_ path: String, sha: String = ArtifactTests.sha, shape: ModelShape? = nil) throws -> ArtifactError? {
        do {
            _ = try InterventionArtifact.load(path: path, expectedModelSHA256: sha, modelFile: "loaded.gguf", shape: shape ?? self.shape())
            return nil
        } catch let error as ArtifactError {
            return error
        }
    }

    @Test func roundTripIsEqualAndNeedsNoRefit() throws {
        let artifact = try itiArtifact()
        let path = temporaryPath("round.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try artifact.save(to: path)
        let loaded = try InterventionArtifact.load(path: path, expectedModelSHA256: Self.sha, modelFile: "tiny.gguf", shape: shape())
        #expect(loaded == artifact)
        #expect(loaded.plan == (try SyntheticHeads.fit().plan(k: 2, strength: 5)))
        #expect(loaded.method == "iti" && loaded.k == 2 && loaded.strength == 5 && loaded.delta == nil)
        #expect(loaded.positions == .fromPromptLast && loaded.application == .live && loaded.siteKind == "attention-heads")
        #expect(loaded.units.map { [$0.layer, $0.index] } == [[1, 0], [0, 1]])
        #expect(loaded.units[0].score == 1 && loaded.units[1].score == 0.875)
        #expect(loaded.fitting.layers == 0...1 && loaded.fitting.seed == 7 && loaded.notes == ["chosen_by": "flags"])
        // The same artifact writes the same bytes (sorted keys), and no temporary file stays.
        let first = try Data(contentsOf: URL(fileURLWithPath: path))
        try loaded.save(to: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == first)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
            .filter { $0.hasPrefix((path as NSString).lastPathComponent + ".tmp") }
        #expect(leftovers.isEmpty)
        // The file names its layout and the fields a reader looks for.
        let json = try #require(try JSONSerialization.jsonObject(with: first) as? [String: Any])
        #expect(json["format"] as? String == InterventionArtifact.currentFormat)
        for key in [
            "method", "model", "task", "protocol", "site", "k", "strength", "positions", "application", "fitting",
            "pairs", "units", "edits",
        ] {
            #expect(json[key] != nil, "missing \(key)")
        }
    }

    @Test func sadiArtifactRecordsDeltaAndDValues() throws {
        let shape = try self.shape()
        let positive: [[Float]] = [[1, 1, 5, 5, 0, 0, 0, 0]], negative: [[Float]] = [[0, 0, 1, 1, 0, 0, 0, 0]]
        let collected = ActivationCollector.Result(
            layers: 2, widths: ["attention-heads": 4],
            positive: ["attention-heads": positive], negative: ["attention-heads": negative])
        let fitted = FittedMeanDifference(
            method: SADIHeadMethod(),
            fit: try MeanDifferenceFit(
                siteKind: "attention-heads", options: FittingOptions(),
                shape: shape, collected: collected))
        let artifact = try fitted.artifact(
            k: 1, strength: 3, model: .init(file: "tiny.gguf", sha256: Self.sha, shape: shape),
            task: "copa", scoring: .harness, notes: [:])
        #expect(artifact.delta == 2 && artifact.positions == .promptLast)
        #expect(artifact.units == [.init(layer: 0, index: 1, score: 4, differences: [4, 4])])
        #expect(artifact.plan == (try fitted.plan(k: 1, strength: 3)))
        let path = temporaryPath("sadi.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try artifact.save(to: path)
        #expect(
            try InterventionArtifact.load(path: path, expectedModelSHA256: Self.sha.uppercased(), modelFile: "x", shape: shape) == artifact)
    }

    @Test func unreadableFile() throws {
        let missing = temporaryPath("missing.json")
        let error = try loadError(missing)
        #expect(error == .unreadable(path: missing, reason: "no such file"))
        #expect(error?.description.contains("cannot read intervention file \(missing)") == true)
        let folder = FileManager.default.temporaryDirectory.path
        #expect(try loadError(folder) == .unreadable(path: folder, reason: "it is a folder"))
    }

    @Test func notJSONOrWrongFormat() throws {
        let garbage = try write("GGUF\u{3}binary", "garbage.json")
        let empty = try write("", "empty.json")
        let other = try write(#"{"format": "sadi-eval-intervention/0", "method": "iti"}"#, "old.json")
        let none = try write(#"[1, 2, 3]"#, "array.json")
        defer { for p in [garbage, empty, other, none] { try? FileManager.default.removeItem(atPath: p) } }
        #expect(try loadError(garbage) == .notJSON(path: garbage, detail: "it does not parse as JSON"))
        #expect(try loadError(empty) == .notJSON(path: empty, detail: "it is empty"))
        #expect(try loadError(other) == .wrongFormat(path: other, found: "sadi-eval-intervention/0"))
        #expect(try loadError(none) == .wrongFormat(path: none, found: nil))
        #expect(
            ArtifactError.wrongFormat(path: "f", found: "x/0").description
                == "intervention file f has format 'x/0', but this build reads 'sadi-eval-intervention/1'; refit it with --save-intervention."
        )
    }

    @Test func damagedFieldsNameTheField() throws {
        let artifact = try itiArtifact()
        let path = temporaryPath("damaged.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try artifact.save(to: path)
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        json.removeValue(forKey: "edits")
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        let error = try loadError(path)
        #expect(error?.description.contains("field 'edits' is missing") == true, "\(String(describing: error))")
    }

    @Test func anotherModelIsRefusedWithBothNames() throws {
        let path = temporaryPath("other-model.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try itiArtifact().save(to: path)
        let error = try #require(try loadError(path, sha: Self.otherSHA))
        #expect(
            error
                == .modelMismatch(
                    path: path, fittedFile: "tiny.gguf", fittedSHA256: Self.sha,
                    loadedFile: "loaded.gguf", loadedSHA256: Self.otherSHA))
        #expect(
            error.description == "intervention \(path) was fitted on model tiny.gguf (sha256 abababababab…) but the loaded "
                + "model is loaded.gguf (sha256 cdcdcdcdcdcd…); refit it with --save-intervention on this model.")
    }

    @Test func editsOutsideTheModelAreRefused() throws {
        let shape = try self.shape()
        let model = InterventionArtifact.Model(file: "tiny.gguf", sha256: Self.sha, shape: shape)
        func artifact(_ edit: SiteEdit) -> InterventionArtifact {
            InterventionArtifact(
                method: "sadi-head", model: model, task: "copa", scoring: .harness, siteKind: "attention-heads",
                k: 1, strength: 2, delta: 1,
                plan: InterventionPlan(edits: [edit], positions: .promptLast, application: .live, layerCount: 2),
                fitting: FittingOptions(), pairCount: 1, scoreMeaning: "D", units: [])
        }
        let cases: [(SiteEdit, String)] = [
            (
                SiteEdit(site: .attentionHeads(2), indices: [0], operation: .scale(1)),
                "edit 1 (attention-heads(2)) is in layer 2 but the model has layers 0-1"
            ),
            (
                SiteEdit(site: .attentionHeads(1), indices: [3, 4], operation: .scale(1)),
                "edit 1 (attention-heads(1)) edits element 4 but the site has 4 values per token"
            ),
            (
                SiteEdit(site: .mlpGate(0), indices: [8], operation: .scale(1)),
                "edit 1 (mlp-gate(0)) edits element 8 but the site has 8 values per token"
            ),
            (
                SiteEdit(site: .residual(0), indices: [0, 1], operation: .add([1])),
                "edit 1 (residual(0)) adds 1 values to 2 elements"
            ),
        ]
        let path = temporaryPath("outside.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        for (edit, detail) in cases {
            try artifact(edit).save(to: path)
            #expect(try loadError(path) == .doesNotFitModel(path: path, detail: detail))
        }
        // Fitted for more layers than the loaded model has.
        try artifact(SiteEdit(site: .residual(0), indices: [0], operation: .scale(1))).save(to: path)
        let smaller = try syntheticShape(layers: 1, heads: 2, headDim: 2)
        #expect(
            try loadError(path, shape: smaller) == .doesNotFitModel(path: path, detail: "it was written for 2 layers and the model has 1"))
        #expect(
            ArtifactError.doesNotFitModel(path: "f", detail: "d").description
                == "intervention f does not fit the loaded model: d; refit it with --save-intervention on this model.")
    }

    @Test func nonFiniteValuesAreNotWritten() throws {
        let shape = try self.shape()
        let plan = InterventionPlan(
            edits: [SiteEdit(site: .residual(0), indices: [0], operation: .add([.infinity]))],
            positions: .all, application: .live, layerCount: 2)
        let artifact = InterventionArtifact(
            method: "caa", model: .init(file: "t", sha256: Self.sha, shape: shape), task: "copa",
            scoring: .harness, siteKind: "residual", k: 0, strength: 1, delta: nil, plan: plan,
            fitting: FittingOptions(), pairCount: 1, scoreMeaning: "norm", units: [])
        let path = temporaryPath("infinite.json")
        #expect(throws: ArtifactError.self) { try artifact.save(to: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
