import Foundation

/// lm-eval's `fewshot_context` for a run of documents: each document's context becomes the
/// prompt's description, then `count` solved examples from the card's few-shot pool (each
/// followed by the card's delimiter), then the document's own text. Examples are drawn as
/// lm-eval draws them: `first_n` takes the pool's first documents; `random` draws with one
/// `random.Random(seed)` for the whole split, document after document, so the examples of a
/// document depend only on its position in the split and the same seed gives the same
/// prompts. When the pool is the documents' own split, one more is drawn and the document
/// itself left out; a pool too small for that (MMLU's 5 dev questions at 5 shots, where
/// lm-eval stops) gives its documents one example fewer.
/// A card may ask for lm-eval's extra draw also when the pool is another split
/// (`extra_draw`), which changes the random examples that follow.
public struct FewShotContext {
    public let task: any BenchmarkTask
    public let count: Int

    public init(task: any BenchmarkTask, count: Int) {
        self.task = task
        self.count = count
    }

    /// What the instances are for: scoring, or reading contrastive pairs from (the task's
    /// `pairInstance`).
    public enum Purpose: Sendable { case scoring, pairs }

    /// The instances of `documents` (a prefix of `split`, in order) under `prompt`.
    public func instances(
        _ documents: [Document], split: TaskCard.Split, prompt: TaskCard.Prompt, store: DataStore,
        purpose: Purpose = .scoring
    ) throws -> [Instance] {
        let card = task.card
        var examples = [[Document]](repeating: [], count: documents.count)
        var delimiter = ""
        if count > 0 {
            guard let fewshot = card.fewshot else {
                throw HarnessError.invalidInput(
                    "--num-fewshot \(count): task \(card.task) names no few-shot pool; give its card `fewshot: {split: <a split>}`, or run it zero-shot"
                )
            }
            delimiter = fewshot.delimiter
            let poolSplit = try task.split(named: fewshot.split)
            let pool = try task.documents(split: poolSplit, store: store)
            let ownSplit = poolSplit.name == split.name
            var draw = count + (ownSplit || fewshot.extraDraw ? 1 : 0)
            if ownSplit && pool.count == count { draw = count }
            guard pool.count >= draw else {
                throw HarnessError.invalidInput(
                    "--num-fewshot \(count): task \(card.task)'s few-shot pool (split \(poolSplit.name)) holds \(pool.count) documents, fewer than the \(draw) to draw; use --num-fewshot \(max(0, pool.count - (draw - count)))"
                )
            }
            var generator = PythonRandom(seed: fewshot.seed)
            examples = documents.map { document in
                let drawn: [Document]
                switch fewshot.sampler {
                case .firstN: drawn = Array(pool.prefix(draw))
                case .random: drawn = generator.sample(from: pool.count, count: draw).map { pool[$0] }
                }
                return Array(drawn.filter { $0 != document }.prefix(count))
            }
        }
        return try zip(documents, examples).map { document, shots in
            let instance =
                switch purpose {
                case .scoring: try task.instance(document, prompt: prompt)
                case .pairs: try task.pairInstance(document, prompt: prompt)
                }
            let description = try card.renderDescription(prompt, fields: document.fields)
            let solved = try shots.map { try task.fewShotExample($0, prompt: prompt) + delimiter }.joined()
            let prefix = description + solved
            return prefix.isEmpty ? instance : instance.prefixingContext(prefix)
        }
    }
}
