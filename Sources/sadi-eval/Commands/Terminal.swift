import Experiment
import Foundation

/// Progress and status lines go to stderr so stdout stays machine-readable.
enum Terminal {
    static func status(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// "label [#####-----] 120/500 docs, 12.3/s, eta 31 s" redrawn on stderr at most 5 times a
/// second when it is a terminal; elsewhere (CI logs) one line per 10% of the work.
final class ItemProgress {
    private let label: String
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var lastDecile = -1
    private let isTerminal = isatty(STDERR_FILENO) == 1

    init(label: String) { self.label = label }

    func update(done: Int, total: Int) {
        let now = Date()
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        let filled = Int(fraction * 24)
        let line =
            "\(label) [" + String(repeating: "#", count: filled) + String(repeating: "-", count: 24 - filled)
            + "] \(done)/\(total), " + String(format: "%.1f/s, eta %.0f s", rate, eta)
        if isTerminal {
            guard done == total || now.timeIntervalSince(lastDraw) > 0.2 else { return }
            lastDraw = now
            FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K" + (done == total ? "\n" : "")).utf8))
        } else {
            let decile = Int(fraction * 10)
            guard decile != lastDecile else { return }
            lastDecile = decile
            Terminal.status(line)
        }
    }
}

extension ExperimentReporter {
    /// Status lines and progress bars on stderr.
    static let terminal = ExperimentReporter(
        status: { Terminal.status($0) },
        progress: { label in
            let bar = ItemProgress(label: label)
            return { bar.update(done: $0, total: $1) }
        })
}
