import Foundation
import PackagePlugin

/// `swift package lint-cards [--debug]`: builds the sadi-eval product and runs
/// `sadi-eval lint-cards --tasks-dir <package>/tasks`, which checks every card against the
/// registered task plugins. The release build uses the flags `make test` builds with
/// (`-c release -Xswiftc -enable-testing`), so after `make test`'s build nothing recompiles.
@main
struct LintCards: CommandPlugin {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    func performCommand(context: PluginContext, arguments: [String]) async throws {
        var extractor = ArgumentExtractor(arguments)
        let debug = extractor.extractFlag(named: "debug") > 0
        guard extractor.remainingArguments.isEmpty else {
            throw Failure(
                description:
                    "lint-cards: unknown arguments \(extractor.remainingArguments.joined(separator: " ")); the only option is --debug (build sadi-eval in debug instead of release)"
            )
        }
        var parameters = PackageManager.BuildParameters(configuration: debug ? .debug : .release, logging: .concise)
        if !debug { parameters.otherSwiftcFlags = ["-enable-testing"] }
        let build = try packageManager.build(.product("sadi-eval"), parameters: parameters)
        guard build.succeeded else {
            print(build.logText)
            throw Failure(description: "lint-cards: building sadi-eval failed (log above)")
        }
        guard let executable = build.builtArtifacts.first(where: { $0.kind == .executable && $0.url.lastPathComponent == "sadi-eval" })
        else {
            throw Failure(description: "lint-cards: the build produced no sadi-eval executable")
        }
        let tasks = context.package.directoryURL.appendingPathComponent("tasks")
        let process = Process()
        process.executableURL = executable.url
        process.arguments = ["lint-cards", "--tasks-dir", tasks.path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "lint-cards: some task cards failed (lines above)")
        }
    }
}
