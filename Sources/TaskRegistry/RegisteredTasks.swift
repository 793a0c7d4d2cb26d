import Harness
import TaskCOPA

/// Placeholder until the build plugin generates this list.
public enum RegisteredTasks {
    public static let plugins: [any BenchmarkTask.Type] = [COPATask.self]
}
