import Harness
import Testing

@Suite("Shard: parsing and the partition")
struct ShardTests {
    @Test("I/N and auto/N parse; the index comes from Kubernetes, then SLURM less its first id")
    func parsing() throws {
        #expect(try Shard(parsing: "2/4", environment: [:]) == Shard(index: 2, count: 4))
        #expect(try Shard(parsing: "auto/3", environment: ["JOB_COMPLETION_INDEX": "1"]) == Shard(index: 1, count: 3))
        #expect(
            try Shard(parsing: "auto/3", environment: ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "1"])
                == Shard(index: 2, count: 3))
        #expect(try Shard(parsing: "auto/3", environment: ["SLURM_ARRAY_TASK_ID": "0"]) == Shard(index: 0, count: 3))
        for bad in ["4/4", "-1/4", "1/0", "1", "a/4", "1/b", "auto/2"] {
            #expect(throws: HarnessError.self, "\(bad)") { try Shard(parsing: bad, environment: [:]) }
        }
        #expect(throws: HarnessError.self) { try Shard(parsing: "auto/2", environment: ["JOB_COMPLETION_INDEX": "x"]) }
        #expect(Shard.indexVariables.contains("JOB_COMPLETION_INDEX"))
    }

    @Test("shards take whole batches in turn and together hold every document once")
    func partition() throws {
        let documents = Array(0..<103)
        for count in 1...5 {
            let parts = try (0..<count).map { try Shard(index: $0, count: count).select(documents, batchSize: 8) }
            #expect(parts.flatMap { $0 }.sorted() == documents)
            for (index, part) in parts.enumerated() {
                // Every shard's documents are whole batches of the unsharded run, in order.
                #expect(part.allSatisfy { ($0 / 8) % count == index })
                #expect(part == part.sorted())
            }
        }
        let second = try Shard(index: 1, count: 4).select(documents, batchSize: 8)
        #expect(Array(second.prefix(9)) == [8, 9, 10, 11, 12, 13, 14, 15, 40])
        #expect(try Shard(index: 1, count: 3).name == "shard-1-of-3")
    }
}
