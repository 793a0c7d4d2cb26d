import ArgumentParser
import Harness

/// How generate_until tasks generate (shared by `run` and `sweep`).
struct GenerationOptions: ParsableArguments {
    // Parsed unconditionally so that a negative count reaches validate() and its message.
    @Option(
        name: .customLong("max-tokens"), parsing: .unconditional,
        help:
            "generate_until tasks: generate at most N tokens per answer (default: the card's generation.max_tokens); results and journals of another N are kept apart. Refused for multiple-choice tasks, which generate nothing."
    )
    var maxTokens: Int?

    func validate() throws {
        if let maxTokens, maxTokens < 1 {
            throw ValidationError(
                "--max-tokens must be at least 1, got \(maxTokens); give the number of tokens to generate per answer, or leave it out for the card's generation.max_tokens"
            )
        }
    }

    /// The tasks with `--max-tokens` in place of their cards' limits.
    func applied(to tasks: [any BenchmarkTask]) throws -> [any BenchmarkTask] {
        guard let maxTokens else { return tasks }
        return try tasks.map { try $0.overridingMaxTokens(maxTokens) }
    }
}
