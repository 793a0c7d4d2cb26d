import Dispatch
import Foundation

/// Runs the built `sadi-eval` executable as a user would, for tests of the command line.
public enum CommandLineTool {
    public struct Output: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// The `sadi-eval` of the build these tests belong to: SwiftPM puts it beside the test bundle,
    /// in the same `.build/<triple>/<configuration>/` folder, so a release test run never picks
    /// up a debug binary (or the other way round) left by an earlier build.
    public static let executable: String = testBundleFolder + "/sadi-eval"

    /// The folder of the running test bundle: on Linux the test process is the bundle itself
    /// (`<package>PackageTests.xctest`); on macOS it is a loaded `.xctest` bundle.
    public static let testBundleFolder: String = {
        #if os(Linux)
        let bundle =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        #else
        let bundle =
            Bundle.allBundles.map(\.bundlePath).first { $0.hasSuffix(".xctest") }
            ?? Bundle.main.executablePath ?? CommandLine.arguments[0]
        #endif
        return URL(fileURLWithPath: bundle).standardizedFileURL.deletingLastPathComponent().path
    }()

    public struct MissingExecutable: Error, CustomStringConvertible {
        public let path: String
        public var description: String {
            "the sadi-eval executable of this build is missing at \(path) (beside the test bundle); "
                + "`swift test` builds it, since CLITests depend on it; after a partial build, run "
                + "`swift build --product sadi-eval` with the same -c and -Xswiftc flags as the tests"
        }
    }

    /// The environment tests run with: the data mirror in ../shared/datasets, a given cache.
    public static func environment(cache: String, extra: [String: String] = [:]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["SADI_DATA_MIRROR"] = "file://" + TestPaths.datasets
        env["SADI_CACHE"] = cache
        env["SADI_MODEL"] = TestPaths.smolLM2
        env["SADI_TASKS"] = TestPaths.repositoryRoot + "/tasks"
        for (k, v) in extra { env[k] = v }
        return env
    }

    public static func run(
        _ arguments: [String], environment: [String: String],
        executable: String = CommandLineTool.executable,
        killWhen: (@Sendable (String) -> Bool)? = nil
    ) throws -> Output {
        guard FileManager.default.isExecutableFile(atPath: executable) else { throw MissingExecutable(path: executable) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let collected = LockedText()
        // One thread reads stderr to its end, chunk after chunk, in order, and the text is
        // decoded from all the bytes so far (see LockedText).
        let drained = DispatchSemaphore(value: 0)
        let reader = Thread {
            let handle = err.fileHandleForReading
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                let text = collected.append(data)
                if let killWhen, killWhen(text), process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
            drained.signal()
        }
        try process.run()
        reader.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        drained.wait()
        let stderr = collected.append(Data())
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: stderr)
    }
}

/// Bytes appended from the pipe's reader thread and read by the test as text: decoded whole,
/// since a chunk may end inside a character ("…" split across two reads became two U+FFFD).
final class LockedText: @unchecked Sendable {
    private var bytes = Data()
    private let lock = NSLock()

    func append(_ more: Data) -> String {
        lock.lock()
        defer { lock.unlock() }
        bytes.append(more)
        return String(decoding: bytes, as: UTF8.self)
    }
}
