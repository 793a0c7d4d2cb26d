/// How a long step tells the user what it is doing: status lines and progress counters
/// (the CLI draws them on stderr; tests and libraries may stay silent).
public struct ExperimentReporter: Sendable {
    public let status: @Sendable (String) -> Void
    /// A progress counter for a step with this label: called with (done, total).
    public let progress: @Sendable (String) -> ((Int, Int) -> Void)

    public init(
        status: @escaping @Sendable (String) -> Void,
        progress: @escaping @Sendable (String) -> ((Int, Int) -> Void)
    ) {
        self.status = status
        self.progress = progress
    }

    public static let silent = ExperimentReporter(status: { _ in }, progress: { _ in { _, _ in } })
}
