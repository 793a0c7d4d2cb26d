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
    public static func load(path: String, threads: Int, digests: FileDigestCache) throws -> ModelUnderTest {
        let loaded = try ModelLoader.load(path: path, threads: threads)
        return ModelUnderTest(loaded: loaded, sha256: try digests.sha256(ofFile: path))
    }

    /// The identity an intervention artifact records.
    public var artifactModel: InterventionArtifact.Model {
        .init(file: (loaded.path as NSString).lastPathComponent, sha256: sha256, shape: loaded.network.shape)
    }
}
