import Engine
import Foundation
import Harness

extension InterventionArtifact {
    /// Writes the artifact as JSON (sorted keys, so the same fit gives the same bytes), via a
    /// temporary file and a rename: an interrupted save leaves the old file or none.
    public func save(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do {
            data = try encoder.encode(self)
        } catch {
            throw ArtifactError.unencodable(path: path, detail: "a value is not finite, so it has no JSON form (\(error))")
        }
        try AtomicFile.write(data, to: path)
    }

    /// Reads an artifact and checks it belongs to the loaded model: the same sha256, and
    /// every edit inside the model's layers and site widths.
    public static func load(path: String, expectedModelSHA256: String, modelFile: String, shape: ModelShape) throws
        -> InterventionArtifact
    {
        let artifact = try read(path: path)
        try artifact.check(path: path, modelSHA256: expectedModelSHA256, modelFile: modelFile, shape: shape)
        return artifact
    }

    /// Reads and decodes an artifact without comparing it with a model.
    public static func read(path: String) throws -> InterventionArtifact {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let reason = !exists ? "no such file" : isDirectory.boolValue ? "it is a folder" : "permission denied or I/O error"
            throw ArtifactError.unreadable(path: path, reason: reason)
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw ArtifactError.notJSON(path: path, detail: data.isEmpty ? "it is empty" : "it does not parse as JSON")
        }
        // Check the version before decoding, so an older or newer layout is named as such
        // rather than as a missing field.
        let format = (object as? [String: Any])?["format"] as? String
        guard format == currentFormat else { throw ArtifactError.wrongFormat(path: path, found: format) }
        do {
            return try JSONDecoder().decode(InterventionArtifact.self, from: data)
        } catch let error as DecodingError {
            throw ArtifactError.malformed(path: path, detail: Self.explain(error))
        }
    }

    /// Refuses an artifact fitted on another model, or whose edits the model cannot hold.
    public func check(path: String, modelSHA256: String, modelFile: String, shape: ModelShape) throws {
        guard model.sha256.lowercased() == modelSHA256.lowercased() else {
            throw ArtifactError.modelMismatch(
                path: path, fittedFile: model.file, fittedSHA256: model.sha256,
                loadedFile: modelFile, loadedSHA256: modelSHA256)
        }
        guard model.shape.layerCount == shape.layerCount else {
            throw ArtifactError.doesNotFitModel(
                path: path, detail: "it was written for \(model.shape.layerCount) layers and the model has \(shape.layerCount)")
        }
        for (n, edit) in edits.enumerated() {
            let name = "edit \(n + 1) (\(edit.site))"
            if let layer = edit.site.layer, layer >= shape.layerCount {
                throw ArtifactError.doesNotFitModel(
                    path: path, detail: "\(name) is in layer \(layer) but the model has layers 0-\(shape.layerCount - 1)")
            }
            let width = shape.width(of: edit.site)
            if let bad = edit.indices.first(where: { !(0..<width).contains($0) }) {
                throw ArtifactError.doesNotFitModel(
                    path: path, detail: "\(name) edits element \(bad) but the site has \(width) values per token")
            }
            if case let .add(values) = edit.operation, values.count != edit.indices.count {
                throw ArtifactError.doesNotFitModel(
                    path: path, detail: "\(name) adds \(values.count) values to \(edit.indices.count) elements")
            }
        }
    }

    private static func explain(_ error: DecodingError) -> String {
        func at(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? "" : " at \(path)"
        }
        switch error {
        case let .keyNotFound(key, context): return "field '\(key.stringValue)' is missing\(at(context))"
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            return "\(context.debugDescription)\(at(context))"
        @unknown default: return "\(error)"
        }
    }
}
