import Engine
import Foundation

/// Copies of the tiny Hugging Face checkpoints in ../shared/reference/tiny, edited for tests:
/// another config.json, or the weights split into shards.
public enum TinyCheckpoint {
    public static func directory(_ reference: String) -> String { TestPaths.reference + "/tiny/\(reference)" }

    /// A scratch directory with the reference's weights (linked) and its config.json as `edit` leaves it.
    public static func withConfig(_ reference: String, _ edit: (inout [String: Any]) -> Void) throws -> String {
        let source = directory(reference)
        let target = try TestPaths.scratchDirectory("tiny-\(reference)")
        var config = try require(try TestPaths.json(source + "/config.json") as? [String: Any])
        edit(&config)
        try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys, .prettyPrinted])
            .write(to: URL(fileURLWithPath: target + "/config.json"))
        try FileManager.default.createSymbolicLink(
            atPath: target + "/model.safetensors", withDestinationPath: source + "/model.safetensors")
        return target
    }

    /// A scratch directory with the reference's tensors split into two shards, as
    /// transformers' `save_pretrained(max_shard_size=…)` writes them: the first half of the
    /// names (sorted) in model-00001-of-00002.safetensors, the rest in the second, whose data
    /// starts at an odd offset so its floats lie unaligned. Tensors in `omitting` are left out of
    /// the shards and the index alike.
    public static func sharded(_ reference: String, omitting: Set<String> = []) throws -> String {
        let source = directory(reference)
        let target = try TestPaths.scratchDirectory("tiny-\(reference)-sharded")
        try FileManager.default.copyItem(atPath: source + "/config.json", toPath: target + "/config.json")
        let weights = try SafeTensorsFile(path: source + "/model.safetensors")
        let names = weights.tensors.keys.sorted().filter { !omitting.contains($0) }
        let halves = [Array(names.prefix(names.count / 2)), Array(names.dropFirst(names.count / 2))]
        var weightMap: [String: String] = [:]
        for (i, half) in halves.enumerated() {
            let shard = "model-0000\(i + 1)-of-00002.safetensors"
            let tensors = try half.map {
                SafeTensorsWriter.Tensor(name: $0, shape: weights.tensors[$0]!.shape, values: try weights.floats($0))
            }
            try SafeTensorsWriter.write(tensors, to: target + "/" + shard, dataStartRemainder: i == 0 ? 0 : 1)
            for name in half { weightMap[name] = shard }
        }
        let index: [String: Any] = ["metadata": ["total_size": 0], "weight_map": weightMap]
        try JSONSerialization.data(withJSONObject: index, options: [.sortedKeys])
            .write(to: URL(fileURLWithPath: target + "/model.safetensors.index.json"))
        return target
    }
}

private func require<T>(_ value: T?) throws -> T {
    guard let value else { throw TestDataError("not the expected JSON") }
    return value
}
