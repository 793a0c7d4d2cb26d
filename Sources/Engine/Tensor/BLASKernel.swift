import COpenBLAS
import Foundation

/// Which OpenBLAS kernels run the matrix products. OpenBLAS picks them when the library
/// loads, from the CPU model it recognises; Debian 12's 0.3.21 does not know recent Xeons
/// and falls back to its SSE3 "Prescott" kernels, 4× slower here than the AVX-512 ones the
/// CPU runs. It reads `OPENBLAS_CORETYPE` only at load time, so a process that finds the
/// fallback on a CPU with AVX2 or AVX-512 starts itself again with the right core named.
public enum BLASKernel {
    /// The kernel family OpenBLAS chose, e.g. "SkylakeX", "Haswell", "Prescott".
    public static var coreName: String {
        openblas_get_corename().map { String(cString: $0) } ?? "unknown"
    }

    /// The core to name for a CPU with these /proc/cpuinfo flags when OpenBLAS chose
    /// `current`; nil when its choice stands.
    public static func betterCore(current: String, cpuFlags: Set<String>) -> String? {
        // Only the generic fallbacks are second-guessed; a core OpenBLAS recognised stands.
        guard ["Prescott", "Core2", "Nehalem", "Sandybridge", "Katmai", "Coppermine", "Northwood", "Banias"].contains(current)
        else { return nil }
        if ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"].allSatisfy(cpuFlags.contains) { return "SkylakeX" }
        if ["avx2", "fma"].allSatisfy(cpuFlags.contains) { return "Haswell" }
        return nil
    }

    /// The CPU's feature flags (Linux; empty elsewhere).
    public static func cpuFlags(cpuinfo: String = "/proc/cpuinfo") -> Set<String> {
        guard let text = try? String(contentsOfFile: cpuinfo, encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
            let colon = line.firstIndex(of: ":")
        else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }

    /// Restarts the process with `OPENBLAS_CORETYPE` set when OpenBLAS fell back to generic
    /// kernels on a CPU that has better ones; returns when nothing is to be done (the
    /// variable already set, the choice fine, or the restart impossible).
    public static func restartWithBetterCoreIfNeeded() {
        let environment = ProcessInfo.processInfo.environment
        guard environment["OPENBLAS_CORETYPE"] == nil,
            let core = betterCore(current: coreName, cpuFlags: cpuFlags())
        else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        execv("/proc/self/exe", arguments)
        // execv returned: it failed; carry on with the slow kernels rather than not at all.
    }
}
