/// One of `count` parts of a run (`--shard I/N`), for job arrays: SLURM's `--array`,
/// Kubernetes' Indexed Jobs. The documents are cut into the run's batches of `batchSize`
/// consecutive documents and shard I takes batches I, I+N, I+2N, …: every batch a shard
/// scores is a batch the whole run scores, with the same documents, so each document's
/// numbers are the unsharded run's to the bit (products over a batch's rows depend on which
/// rows share the call), and shards get equal shares of long and short documents.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1 else { throw HarnessError.invalidInput("--shard \(index)/\(count): the shard count must be at least 1") }
        guard index >= 0, index < count else {
            throw HarnessError.invalidInput(
                "--shard \(index)/\(count): the shard index must be from 0 to \(count - 1) (shards are numbered from 0, as SLURM's --array=0-\(count - 1) and Kubernetes' completion indices are)"
            )
        }
        self.index = index
        self.count = count
    }

    /// The scheduler variables `auto` reads, in order: Kubernetes' Indexed Job index, then
    /// SLURM's array task id (less the array's first id, so `--array=1-4` works too).
    public static let indexVariables = ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"]

    /// `I/N`, or `auto/N` with the index from the scheduler's environment.
    public init(parsing text: String, environment: [String: String]) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, let count = Int(parts[1]) else {
            throw HarnessError.invalidInput("--shard \(text): write it as I/N (shard I of N, from 0) or auto/N")
        }
        if parts[0] == "auto" {
            try self.init(index: try Self.scheduledIndex(environment: environment, count: count), count: count)
        } else if let index = Int(parts[0]) {
            try self.init(index: index, count: count)
        } else {
            throw HarnessError.invalidInput("--shard \(text): the index '\(parts[0])' is not a number; write I/N or auto/N")
        }
    }

    static func scheduledIndex(environment: [String: String], count: Int) throws -> Int {
        if let text = environment["JOB_COMPLETION_INDEX"] {
            guard let index = Int(text) else {
                throw HarnessError.invalidInput("--shard auto/\(count): JOB_COMPLETION_INDEX is '\(text)', not a number")
            }
            return index
        }
        if let text = environment["SLURM_ARRAY_TASK_ID"] {
            guard let id = Int(text) else {
                throw HarnessError.invalidInput("--shard auto/\(count): SLURM_ARRAY_TASK_ID is '\(text)', not a number")
            }
            let first = environment["SLURM_ARRAY_TASK_MIN"].flatMap(Int.init) ?? 0
            return id - first
        }
        throw HarnessError.invalidInput(
            "--shard auto/\(count): neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID (SLURM job array) is set; give the index as --shard I/\(count)"
        )
    }

    /// The part of the results file's name: `shard-2-of-4`.
    public var name: String { "shard-\(index)-of-\(count)" }

    public var description: String { "\(index)/\(count)" }

    /// Whether the document at `position` (in the run's document order) is this shard's.
    public func contains(position: Int, batchSize: Int) -> Bool {
        (position / max(1, batchSize)) % count == index
    }

    /// This shard's elements of `all`, in order.
    public func select<T>(_ all: [T], batchSize: Int) -> [T] {
        all.enumerated().filter { contains(position: $0.offset, batchSize: batchSize) }.map(\.element)
    }
}
