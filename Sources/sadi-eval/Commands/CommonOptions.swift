import ArgumentParser
import Engine
import Experiment
import Foundation
import Harness
import TaskRegistry

/// Options every model-running command shares: the model, and where data and cards come from.
struct CommonOptions: ParsableArguments {
    @Option(help: "GGUF model file (default: the one `make setup` fetches, or $SADI_MODEL).")
    var model: String = DefaultModel.path
    @Option(help: ActivationPrecision.help) var activations: ActivationPrecision = .float32
    @OptionGroup var data: DataOptions

    var threads: Int { data.threads }
    var cardsDirectory: String { data.cardsDirectory }
    func dataStore() -> DataStore { data.dataStore() }

    /// The model and its sha256, hashed once (and remembered in the cache by size and mtime).
    func loadModel() throws -> ModelUnderTest {
        try ModelUnderTest.load(path: model, threads: threads, activations: activations, digests: dataStore().digests)
    }
}
