import Foundation

/// A one-line download bar redrawn in place on stderr, at most ten times a second so a
/// fast loopback transfer does not spend its time printing.
final class ProgressBar {
    private let label: String
    private let write: (String) -> Void
    private let clock: () -> Date
    private let start: Date
    private var lastDraw: Date?
    private var lastLine = ""
    private let interval: TimeInterval = 0.1

    /// `clock` gives the time the bar throttles and measures speed by.
    init(
        label: String, clock: @escaping () -> Date = Date.init,
        write: @escaping (String) -> Void = ProgressBar.writeToStandardError
    ) {
        self.label = label
        self.write = write
        self.clock = clock
        start = clock()
    }

    /// Draws only on a terminal unless forced: a redrawn line is noise in a CI log.
    static func shouldDraw(forced: Bool) -> Bool { forced || isatty(STDERR_FILENO) == 1 }

    static func writeToStandardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    func update(received: Int64, total: Int64?) {
        let now = clock()
        if let lastDraw, now.timeIntervalSince(lastDraw) < interval { return }
        lastDraw = now
        lastLine = Self.render(label: label, received: received, total: total, elapsed: now.timeIntervalSince(start))
        write("\r" + lastLine + "\u{1B}[K")
    }

    /// Leaves the final state on its own line.
    func finish(received: Int64) {
        lastLine = Self.render(label: label, received: received, total: received, elapsed: clock().timeIntervalSince(start))
        write("\r" + lastLine + "\u{1B}[K\n")
    }

    static func render(label: String, received: Int64, total: Int64?, elapsed: TimeInterval) -> String {
        let rate = elapsed > 0 ? Double(received) / elapsed : 0
        let speed = "\(megabytes(Int64(rate))) MB/s"
        guard let total, total > 0 else {
            return "\(label)  \(megabytes(received)) MB  \(speed)"
        }
        let fraction = min(1, max(0, Double(received) / Double(total)))
        let width = 24
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let percent = Int((fraction * 100).rounded(.down))
        return "\(label)  [\(bar)] \(percent)%  \(megabytes(received))/\(megabytes(total)) MB  \(speed)"
    }

    private static func megabytes(_ bytes: Int64) -> String {
        String(format: "%.1f", Double(bytes) / 1_000_000)
    }
}
