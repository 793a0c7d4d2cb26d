import ArgumentParser
import Engine
import Experiment
import Foundation
import Harness
import TaskRegistry

/// Options every model-running command shares.
struct CommonOptions: ParsableArguments {
    @Option(help: "GGUF model file (default: the one `make setup` fetches, or $SADI_MODEL).")
    var model: String = DefaultModel.path
    @Option(help: "Threads.") var threads: Int = Parallel.availableCores
    @Option(help: ActivationPrecision.help) var activations: ActivationPrecision = .float32
    @Option(
        name: .customLong("data-mirror"),
        help:
            "Base URL (http://, file://) or folder holding the data files under their mirror paths (default: $SADI_DATA_MIRROR, else upstream)."
    )
    var dataMirror: String?
    @Flag(help: "Use only files already in the cache.") var offline = false
    @Option(name: .customLong("tasks-dir"), help: "Folder of task cards (default: $SADI_TASKS, ./tasks, or the checkout's tasks/).")
    var tasksDir: String?

    func validate() throws {
        guard threads > 0 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    var cardsDirectory: String { tasksDir ?? TaskRegistry.defaultCardsDirectory() }

    /// The model and its sha256, hashed once (and remembered in the cache by size and mtime).
    func loadModel() throws -> ModelUnderTest {
        try ModelUnderTest.load(path: model, threads: threads, activations: activations, digests: dataStore().digests)
    }

    func dataStore() -> DataStore {
        DataStore.fromEnvironment(mirror: dataMirror, offline: offline, progress: true)
    }
}
