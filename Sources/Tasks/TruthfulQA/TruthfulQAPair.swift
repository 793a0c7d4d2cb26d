import Harness

/// The pair TruthfulQA's methods are fitted on, the same for mc1, mc2 and gen: the task's
/// prompt for the question, then its best answer (positive) or its first incorrect answer
/// (negative), both as lm-eval formats answers (stripped, a final period). mc_task.json's
/// first two mc1 targets are exactly these two texts for every question (a test checks it),
/// so the three tasks fit on the same answers; only the prompt around them is each task's.
enum TruthfulQAPair {
    static func instance(
        _ document: Document, prompt: TaskCard.Prompt, card: TaskCard, right: String, wrong: String
    ) throws -> Instance {
        let context = try card.render(prompt, fields: document.fields, lists: document.lists).context
        let choices = [right, wrong].map {
            Choice(
                context: context, continuation: prompt.targetDelimiter + $0, text: $0,
                splitTrailingWhitespace: prompt.trailingWhitespace == .continuation)
        }
        return Instance(docID: document.id, request: .loglikelihood(choices: choices), reference: .choice(index: 0))
    }
}
