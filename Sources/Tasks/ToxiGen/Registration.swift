import Harness

/// The task plugins this module provides (listed in TaskRegistry's `RegisteredTasks`).
public let registeredTasks: [any BenchmarkTask.Type] = [ToxiGenTask.self]
