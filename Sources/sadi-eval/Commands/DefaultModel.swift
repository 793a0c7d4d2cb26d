import Foundation

/// The model `make setup` fetches, unless $SADI_MODEL names another.
enum DefaultModel {
    static var path: String {
        if let env = ProcessInfo.processInfo.environment["SADI_MODEL"], !env.isEmpty { return env }
        return "models/SmolLM2-135M-Instruct.Q4_1.gguf"
    }

    /// all-MiniLM-L6-v2 as `make minilm` unpacks it, unless $SADI_MINILM names another folder:
    /// the encoder of the default toxicity classifier.
    static var miniLM: String {
        if let env = ProcessInfo.processInfo.environment["SADI_MINILM"], !env.isEmpty { return env }
        return "models/all-MiniLM-L6-v2"
    }
}
