import Dispatch
import Foundation
import Testing

@testable import Engine

/// `Parallel.forRanges` on the worker pool (CKernels/WorkerPool.c) and its libdispatch
/// fallback: every index once, and a slot (per-thread scratch) never used by two ranges at once.
@Suite struct ParallelTests {
    /// Runs one loop and checks its coverage and slots; the body sleeps now and then so that
    /// ranges overlap in time.
    static func check(count: Int, threads: Int, grain: Int, chunksPerThread: Int, pause: Bool) -> [String] {
        final class Record: @unchecked Sendable {
            let lock = NSLock()
            var visits: [Int]
            var busy: [Bool]
            var problems: [String] = []
            init(count: Int, threads: Int) {
                visits = [Int](repeating: 0, count: count)
                busy = [Bool](repeating: false, count: max(threads, 1))
            }
            func withLock<T>(_ body: () -> T) -> T {
                lock.lock()
                defer { lock.unlock() }
                return body()
            }
        }
        let record = Record(count: count, threads: threads)
        Parallel.forRanges(count, threads: threads, grain: grain, chunksPerThread: chunksPerThread) { slot, range in
            let valid = record.withLock { () -> Bool in
                guard slot >= 0 && slot < threads else {
                    record.problems.append("slot \(slot) of \(threads) threads")
                    return false
                }
                if record.busy[slot] { record.problems.append("slot \(slot) used by two ranges at once") }
                record.busy[slot] = true
                return true
            }
            guard valid else { return }
            if pause { usleep(200) }
            record.withLock {
                for i in range { record.visits[i] += 1 }
                record.busy[slot] = false
            }
        }
        let wrong = record.visits.filter { $0 != 1 }.count
        if wrong > 0 { record.problems.append("\(wrong) of \(count) indices not visited once") }
        return record.problems
    }

    @Test("every index once, each slot one range at a time, for many shapes of loop")
    func coverage() {
        for (count, threads, grain, perThread) in [
            (0, 2, 1, 1), (1, 2, 1, 4), (7, 2, 1, 4), (100, 2, 1, 4), (960, 2, 64, 4), (49_152, 2, 64, 4),
            (10, 4, 1, 1), (33, 3, 8, 2), (5, 8, 1, 4), (1_000, 1, 1, 4),
        ] {
            let problems = Self.check(count: count, threads: threads, grain: grain, chunksPerThread: perThread, pause: false)
            #expect(problems.isEmpty, "count \(count), threads \(threads), grain \(grain), ×\(perThread): \(problems)")
        }
    }

    @Test("ranges that overlap in time never share a slot")
    func slotsAreExclusive() {
        for _ in 0..<20 {
            let problems = Self.check(count: 64, threads: Parallel.availableCores, grain: 1, chunksPerThread: 8, pause: true)
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    @Test("loops from several threads at once: one gets the pool, the others libdispatch, all correct")
    func concurrentCallers() {
        let lock = NSLock()
        nonisolated(unsafe) var failures: [String] = []
        DispatchQueue.concurrentPerform(iterations: 4) { caller in
            for round in 0..<50 {
                let problems = Self.check(
                    count: 50 + caller * 7 + round, threads: 2, grain: 1, chunksPerThread: 4, pause: round % 10 == 0)
                if !problems.isEmpty {
                    lock.lock()
                    failures.append("caller \(caller) round \(round): \(problems)")
                    lock.unlock()
                }
            }
        }
        #expect(failures.isEmpty)
    }
}
