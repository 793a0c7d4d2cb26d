import Experiment
import Harness
import TaskToxiGen
import TaskTriviaQA
import TaskTruthfulQA
import TestSupport
import Testing

/// Which tasks the validation search guards under `--fluency-guard auto`: the card's
/// `generation.fluency_guard` where it says, else lower-is-better generation tasks only.
@Suite("fluency guard mode")
struct FluencyGuardModeTests {
    let scratch: String

    init() throws { scratch = try TestPaths.scratchDirectory("fluency-guard-mode") }

    /// The repository's card, edited by `edit` as a user's copy would be.
    func card(_ name: String, edit: (String) -> String = { $0 }) throws -> TaskCard {
        let path = TestPaths.repositoryRoot + "/tasks/\(name).yaml"
        return try TaskCard.parse(yaml: edit(try String(contentsOfFile: path, encoding: .utf8)), file: path)
    }

    func guardOf(_ task: any BenchmarkTask, _ mode: FluencyGuard.Mode) throws -> FluencyGuard? {
        let experiment = Experiment(task: task, model: Fixtures.model, store: Fixtures.store(scratch))
        return try experiment.fluencyGuard(MethodSettings(method: "sadi-head", fluencyGuardMode: mode), scoring: .harness)
    }

    @Test("auto: truthfulqa_gen's card turns it on for bleu_acc; toxigen's lower-is-better metric turns it on; triviaqa's off")
    func autoFollowsTheCard() throws {
        let truthful = TruthfulQAGenTask(card: try card("truthfulqa_gen"))
        #expect(truthful.card.generation?.fluencyGuard == true)
        #expect(try guardOf(truthful, .auto) == .standard)
        #expect(try guardOf(truthful, .off) == nil)
        // Without the card's word, bleu_acc (higher-is-better) leaves it off.
        let silent = TruthfulQAGenTask(card: try card("truthfulqa_gen") { $0.replacingOccurrences(of: ", fluency_guard: true", with: "") })
        #expect(silent.card.generation?.fluencyGuard == nil)
        #expect(try guardOf(silent, .auto) == nil)
        #expect(try guardOf(silent, .on) == .standard)

        let toxigen = ToxiGenTask(card: try card("toxigen"))
        #expect(try guardOf(toxigen, .auto) == .standard)
        let declined = ToxiGenTask(
            card: try card("toxigen") {
                $0.replacingOccurrences(of: "max_tokens: 48}", with: "max_tokens: 48, fluency_guard: false}")
            })
        #expect(try guardOf(declined, .auto) == nil)
        #expect(try guardOf(TriviaQATask(card: try card("triviaqa")), .auto) == nil)
    }

    @Test("a fluency_guard that is not true or false is refused, naming the key")
    func badValue() throws {
        #expect {
            try card("truthfulqa_gen") { $0.replacingOccurrences(of: "fluency_guard: true", with: "fluency_guard: sometimes") }
        } throws: { error in
            "\(error)".contains("fluency_guard")
        }
    }
}
