import ArgumentParser
import Engine
import Harness
import TaskRegistry

/// Where data and cards come from, for commands that load no language model.
struct DataOptions: ParsableArguments {
    @Option(help: "Threads.") var threads: Int = Parallel.availableCores
    @Option(name: .customLong("data-mirror"), help: "Base URL or folder of the data files (default: $SADI_DATA_MIRROR, else upstream).")
    var dataMirror: String?
    @Flag(help: "Use only files already in the cache.") var offline = false
    @Option(name: .customLong("tasks-dir"), help: "Folder of task cards (default: $SADI_TASKS, ./tasks, or the checkout's tasks/).")
    var tasksDir: String?

    func validate() throws {
        guard threads > 0 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    var cardsDirectory: String { tasksDir ?? TaskRegistry.defaultCardsDirectory() }

    func dataStore() -> DataStore { DataStore.fromEnvironment(mirror: dataMirror, offline: offline, progress: true) }
}
