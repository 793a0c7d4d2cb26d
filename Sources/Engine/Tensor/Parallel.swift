import CKernels
import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// Splits work across the cores. OpenBLAS runs single-threaded inside each call and the
/// engine calls it from its own threads on disjoint outputs: OpenBLAS's own worker threads
/// spin after every call and starve any other work on the same cores (measured: 3x slower).
///
/// Loops run on one process-wide `sadi_pool` (CKernels/WorkerPool.c) whose threads spin
/// briefly between loops: decoding a token runs ~150 loops of 10-100 µs, and libdispatch's
/// wake-up through the kernel cost more than the smaller ones (see the README's profile).
/// A loop started while another caller holds the pool (a second model, a nested loop) runs
/// on libdispatch instead.
public enum Parallel {
    /// Cores of this machine.
    public static var availableCores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// The pool's threads: one fewer than the cores, the caller being the last. Started on
    /// first use and kept for the life of the process.
    private static let pool = UncheckedSendable(availableCores > 1 ? sadi_pool_create(Int32(availableCores - 1)) : nil)

    /// Runs `body(slot, range)` over disjoint sub-ranges of 0..<count, each at least `grain`
    /// items, on at most `threads` threads; `slot` (0..<threads) numbers the thread running
    /// the range, for per-thread scratch. With `chunksPerThread` above 1 the range is cut
    /// finer and each thread takes the next piece when done with one, so a thread that starts
    /// late (the machine busy with other work) leaves less for the others to wait on; loops
    /// that pay per call (OpenBLAS packing its operand) keep 1.
    @inline(__always)
    static func forRanges(
        _ count: Int, threads: Int, grain: Int, chunksPerThread: Int = 1, _ body: (Int, Range<Int>) -> Void
    ) {
        let threads = min(threads, max(1, count / max(grain, 1)))
        if threads <= 1 {
            if count > 0 { body(0, 0..<count) }
            return
        }
        let chunks = min(threads * max(1, chunksPerThread), max(1, count / max(grain, 1)))
        withoutActuallyEscaping(body) { body in
            var loop = Loop(count: count, chunks: chunks, body: body)
            let ran = withUnsafeMutablePointer(to: &loop) { pointer in
                sadi_pool_run(
                    pool.value, Int32(chunks), Int32(threads - 1),
                    { context, chunk, slot in
                        context!.assumingMemoryBound(to: Loop.self).pointee.run(Int(chunk), slot: Int(slot))
                    }, pointer)
            }
            if ran == 0 {
                // libdispatch: one range per thread, numbered by its slot.
                let box = UncheckedSendable(Loop(count: count, chunks: threads, body: body))
                DispatchQueue.concurrentPerform(iterations: threads) { box.value.run($0, slot: $0) }
            }
        }
    }

    /// One parallel loop as the pool's threads see it.
    private struct Loop {
        let count: Int
        let chunks: Int
        let body: (Int, Range<Int>) -> Void

        func run(_ chunk: Int, slot: Int) {
            let start = count * chunk / chunks
            let end = count * (chunk + 1) / chunks
            if start < end { body(slot, start..<end) }
        }
    }
}

/// Carries a value the caller knows is used safely across threads (disjoint ranges).
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
