import Foundation

extension DataStore {
    /// A store configured the way the CLI documents it: the cache in $SADI_CACHE (else
    /// $XDG_CACHE_HOME/sadi-eval, else ~/.cache/sadi-eval) and the mirror from the
    /// `--data-mirror` flag when given, else $SADI_DATA_MIRROR.
    public static func fromEnvironment(
        mirror: String? = nil, offline: Bool = false, progress: Bool = true,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> DataStore {
        func value(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        let cache: URL
        if let path = value("SADI_CACHE") {
            cache = URL(fileURLWithPath: (path as NSString).expandingTildeInPath, isDirectory: true)
        } else if let xdg = value("XDG_CACHE_HOME") {
            cache = URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("sadi-eval")
        } else {
            let home =
                value("HOME").map { URL(fileURLWithPath: $0, isDirectory: true) }
                ?? FileManager.default.homeDirectoryForCurrentUser
            cache = home.appendingPathComponent(".cache").appendingPathComponent("sadi-eval")
        }
        return DataStore(
            cacheDirectory: cache, mirror: mirror ?? value("SADI_DATA_MIRROR"),
            offline: offline, progress: progress)
    }
}
