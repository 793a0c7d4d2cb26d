import Harness

/// The task plugins this module provides; Plugins/RegisterTasks lists every `Task*` module's
/// `registeredTasks` in TaskRegistry's generated `RegisteredTasks`.
public let registeredTasks: [any BenchmarkTask.Type] = [COPATask.self]
