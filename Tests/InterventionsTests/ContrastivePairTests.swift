import Harness
import Interventions
import Testing

@Suite struct ContrastivePairTests {
    let generation = GenerationSettings(until: ["\n"], maxTokens: 8)

    @Test("multiple choice: the right choice against each wrong one, each with its own context")
    func multipleChoice() {
        let choices = [
            Choice(context: "The cat", continuation: " sat", text: "sat", splitTrailingWhitespace: false),
            Choice(context: "The cat", continuation: " flew", text: "flew"),
            Choice(context: "A dog", continuation: " flew", text: "flew"),
        ]
        let pairs = ContrastivePair.pairs(
            from: Instance(docID: "1", request: .loglikelihood(choices: choices), reference: .choice(index: 0)))
        #expect(
            pairs == [
                ContrastivePair(context: "The cat", positive: " sat", negative: " flew", splitTrailingWhitespace: false),
                ContrastivePair(
                    context: "The cat", positive: " sat", negative: " flew", negativeContext: "A dog",
                    splitTrailingWhitespace: false),
            ])
    }

    @Test("generations: answer sets give the first right answer against each wrong one; accepted answers alone give none")
    func generations() {
        let sets = Instance(
            docID: "t", request: .generateUntil(context: "Q: Is the earth flat?\nA:", generation: generation),
            reference: .answerSets(correct: ["No.", "It is round."], incorrect: ["Yes.", "Only in places."]))
        #expect(
            ContrastivePair.pairs(from: sets) == [
                ContrastivePair(context: "Q: Is the earth flat?\nA:", positive: " No.", negative: " Yes."),
                ContrastivePair(context: "Q: Is the earth flat?\nA:", positive: " No.", negative: " Only in places."),
            ])
        let answers = Instance(docID: "q", request: .generateUntil(context: "Q:", generation: generation), reference: .answers(["Paris"]))
        #expect(ContrastivePair.pairs(from: answers).isEmpty)
    }
}
