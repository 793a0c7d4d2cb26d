import Engine
import Foundation
import Harness
import Interventions

/// A loaded model with the sha256 of its file, computed once per run (and cached on disk
/// by path, size and modification time: a 7B file is gigabytes).
public struct ModelUnderTest: Sendable {
    public let loaded: LoadedModel
    public let sha256: String

    public init(loaded: LoadedModel, sha256: String) {
        self.loaded = loaded
        self.sha256 = sha256
    }

    /// Loads `path` and takes its digest through `digests`.
    public static func load(
        path: String, threads: Int, activations: ActivationPrecision = .float32, digests: FileDigestCache
    ) throws -> ModelUnderTest {
        let loaded = try ModelLoader.load(path: path, threads: threads, activations: activations)
        return ModelUnderTest(loaded: loaded, sha256: try digest(of: loaded, digests: digests))
    }

    /// A GGUF file's sha256; a Hugging Face directory's is the sha256 of its files' listing
    /// as `sha256sum` prints it (`<sha256>  <name>` lines for config.json, the shard index
    /// and the safetensors files, in that order, shards by name), so it changes with any of
    /// them, each file is hashed (and remembered) once, and it can be checked by hand.
    public static func digest(of loaded: LoadedModel, digests: FileDigestCache) throws -> String {
        guard loaded.gguf == nil else { return try digests.sha256(ofFile: loaded.path) }
        return try directoryDigest(loaded.identityFiles, digests: digests)
    }

    /// The sha256 of `<sha256>  <file name>` lines for `files`, in their order.
    public static func directoryDigest(_ files: [String], digests: FileDigestCache) throws -> String {
        let listing = try files.map { "\(try digests.sha256(ofFile: $0))  \(($0 as NSString).lastPathComponent)\n" }
        return SHA256.hex(of: Data(listing.joined().utf8))
    }

    /// The precision of the activations in decoding's few-row products.
    public var activations: ActivationPrecision { loaded.network.activations }

    /// What a run's configuration, journal and request record beyond the model file: nothing
    /// for float32 activations (what every run before the option had), `activations: int8`
    /// otherwise, so an 8-bit run never resumes or stands in for a float run.
    public var computeSettings: [String: String] {
        activations == .float32 ? [:] : ["activations": activations.rawValue]
    }

    /// What the names of results and sweep files end with: nothing for float32, `.int8` for
    /// 8-bit activations (a float run's files are never replaced by an 8-bit run's).
    public var fileSuffix: String { activations == .float32 ? "" : "." + activations.rawValue }

    /// The identity an intervention artifact records.
    public var artifactModel: InterventionArtifact.Model {
        .init(file: (loaded.path as NSString).lastPathComponent, sha256: sha256, shape: loaded.network.shape)
    }
}
