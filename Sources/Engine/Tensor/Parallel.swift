import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// Splits work across the cores. OpenBLAS runs single-threaded inside each call and the
/// engine calls it from its own threads on disjoint outputs: OpenBLAS's own worker threads
/// spin after every call and starve any other work on the same cores (measured: 3x slower).
public enum Parallel {
    /// Cores of this machine.
    public static var availableCores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Runs `body(chunk, range)` over at most `threads` disjoint sub-ranges of 0..<count,
    /// each at least `grain` items; `chunk` numbers the sub-range (for per-thread scratch).
    @inline(__always)
    static func forRanges(_ count: Int, threads: Int, grain: Int, _ body: (Int, Range<Int>) -> Void) {
        let chunks = min(threads, max(1, count / max(grain, 1)))
        if chunks <= 1 {
            if count > 0 { body(0, 0..<count) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = count * chunk / chunks
                let end = count * (chunk + 1) / chunks
                if start < end { box.value(chunk, start..<end) }
            }
        }
    }
}

/// Carries a value the caller knows is used safely across threads (disjoint ranges).
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
