import Foundation
import Harness
import Testing

/// For each task, the requests of a few real documents against lm-eval 0.4's definition
/// (and SADI's code for the official prompts), written out here by hand from the data
/// files and the task YAML / utils.py, not produced by the code under test.
@Suite("Multiple-choice tasks render lm-eval's requests")
struct MultipleChoiceRequestTests {
    func first(_ task: String, split: String? = nil, prompt: String? = nil, count: Int = 1) throws -> [ExpectedRequests] {
        try RealTasks.instances(task, split: split, prompt: prompt, count: count).map(ExpectedRequests.init)
    }

    @Test("storycloze_2016: the four sentences joined by spaces, the two endings")
    func storyCloze() throws {
        #expect(
            try first("storycloze_2016")
                == [
                    ExpectedRequests(
                        context:
                            "My friends all love to go to the club to dance. They think it's a lot of fun and always invite. I finally decided to tag along last Saturday. I danced terribly and broke a friend's toe.",
                        continuations: [
                            " My friends decided to keep inviting me out as I am so much fun.",
                            " The next weekend, I was asked to please stay home.",
                        ], gold: 1)
                ])
        #expect(
            try first("storycloze_2016", prompt: "sadi")[0].contexts[0]
                == "My friends all love to go to the club to dance. They think it's a lot of fun and always invite. I finally decided to tag along last Saturday. I danced terribly and broke a friend's toe.\nQuestion: What is a possible continuation for the story given the following options?\nA: My friends decided to keep inviting me out as I am so much fun. B: The next weekend, I was asked to please stay home.\nAnswer:"
        )
    }

    @Test("mmlu_abstract_algebra: the description, the stripped question, A-D, \" A\"…\" D\"")
    func mmlu() throws {
        let context =
            "The following are multiple choice questions (with answers) about abstract algebra.\n\nFind the degree for the given field extension Q(sqrt(2), sqrt(3), sqrt(18)) over Q.\nA. 0\nB. 4\nC. 2\nD. 6\nAnswer:"
        #expect(
            try first("mmlu_abstract_algebra") == [ExpectedRequests(context: context, continuations: [" A", " B", " C", " D"], gold: 1)])
        #expect(
            try first("mmlu_abstract_algebra", prompt: "sadi")[0].contexts[0]
                == "Question: Find the degree for the given field extension Q(sqrt(2), sqrt(3), sqrt(18)) over Q.\nWhich of the following answers is correct?\nA. 0\nB. 4\nC. 2\nD. 6\nState the letter corresponding to the correct answer.\nAnswer:"
        )
    }

    @Test("mmlu: lm-eval strips the question, SADI's prompt keeps it as the file has it")
    func mmluStrip() throws {
        // Every subject's documents: some questions carry surrounding whitespace.
        let task = try RealTasks.task("mmlu_moral_disputes")
        let documents = try task.documents(split: try task.split(named: "test"), store: try RealTasks.store())
        let padded = try #require(documents.first { $0.fields["question"] != $0.fields["question_strip"] })
        let lmEval = try task.instance(padded, prompt: task.card.prompt(named: "lm-eval"))
        let sadi = try task.instance(padded, prompt: task.card.prompt(named: "sadi"))
        // (The description comes with the few-shot context, not with the instance.)
        #expect(lmEval.request.context.hasPrefix(padded.fields["question_strip"]! + "\nA. "))
        #expect(sadi.request.context.hasPrefix("Question: " + padded.fields["question"]! + "\nWhich"))
    }

    @Test("boolq: SuperGLUE's passage (title -- text), the question with \"?\", \" no\"/\" yes\"")
    func boolq() throws {
        let requests = try first("boolq", split: "dev")
        #expect(requests[0].continuations == [" no", " yes"] && requests[0].gold == 0)
        let context = requests[0].contexts[0]
        #expect(context.hasPrefix("Ethanol fuel -- All biomass goes through at least some of these steps: it needs to be grown, col"))
        #expect(
            context.hasSuffix(
                " from corn uses much less petroleum than producing gasoline.\nQuestion: does ethanol take more energy make that produces?\nAnswer:"
            ))
        let sadi = try first("boolq", split: "dev", prompt: "sadi")[0]
        #expect(sadi.continuations == [" No", " Yes"])
        #expect(
            sadi.contexts[0].hasPrefix(
                "Is the answer to the question encapsulated in the passage? Please confirm with 'yes' or 'no'.\n\nPassage: All biomass goes through"
            ))
        #expect(sadi.contexts[0].hasSuffix("producing gasoline.\n\nQuestion: does ethanol take more energy make that produces\n\nAnswer:"))
    }

    @Test("xcopa: the premise without its last code point, the language's connector, the choice lower-cased first")
    func xcopa() throws {
        #expect(
            try first("xcopa_zh") == [ExpectedRequests(context: "该物品用气泡包装纸包着 因为", continuations: [" 它很易碎。", " 它很小。"], gold: 0)])
        #expect(
            try first("xcopa_et")
                == [
                    ExpectedRequests(
                        context: "Ese oli mullikilesse mässitud sest", continuations: [" see oli õrn.", " see oli väike."], gold: 0)
                ])
        // Thai test 0 has no final full stop: lm-eval drops its last letter all the same, a
        // code point and not the grapheme cluster.
        #expect(
            try first("xcopa_th")
                == [ExpectedRequests(context: "สิ่งของถูกห่อไว้ในพลาสติ ดังนั้น", continuations: [" มันบอบบาง", " มันเล็ก"], gold: 0)])
        // Turkish "İ" lower-cases to "i" + U+0307, as Python's str.lower() does.
        let turkish = try first("xcopa_tr", count: 6)
        #expect(
            turkish[0]
                == ExpectedRequests(
                    context: "Ürün balonlu naylonla paketlenmişti bu yüzden", continuations: [" kırılgandı.", " küçüktü."], gold: 0))
        #expect(turkish[5].continuations[1] == " i\u{307}p atladı.")
    }

    @Test("winogrande: each option fills the blank of the context, both score the rest of the sentence")
    func winogrande() throws {
        #expect(
            try first("winogrande", split: "dev")
                == [
                    ExpectedRequests(
                        contexts: [
                            "Sarah was a much better surgeon than Maria so Sarah", "Sarah was a much better surgeon than Maria so Maria",
                        ],
                        continuations: [" always got the easier cases.", " always got the easier cases."], gold: 1)
                ])
        #expect(
            try first("winogrande", split: "dev", prompt: "sadi")
                == [
                    ExpectedRequests(
                        context:
                            "Please fill in the blanks. Write A or B as the answer.\n\nSentence: Sarah was a much better surgeon than Maria so _ always got the easier cases.\nA. Sarah\nB. Maria\nAnswer:",
                        continuations: [" A", " B"], gold: 1)
                ])
    }

    @Test("sst2: GLUE's sentence with its trailing space, \" negative\"/\" positive\"")
    func sst2() throws {
        #expect(
            try first("sst2", split: "dev")
                == [
                    ExpectedRequests(
                        context:
                            "it 's a charming and often affecting journey . \nQuestion: Is this sentence positive or negative?\nAnswer:",
                        continuations: [" negative", " positive"], gold: 1)
                ])
        #expect(
            try first("sst2", split: "dev", prompt: "sadi")[0].contexts[0]
                == "Consider the sentiment expression in this sentence and respond briefly with 'positive' or 'negative'.\n\nit 's a charming and often affecting journey . \n\nAnswer:"
        )
    }

    @Test("rte: quoted TSV fields unquoted, \" True\" for entailment")
    func rte() throws {
        let requests = try first("rte", count: 4)
        #expect(requests[3].continuations == [" True", " False"] && requests[3].gold == 1)
        #expect(
            requests[3].contexts[0]
                == "The Amish community in Pennsylvania, which numbers about 55,000, lives an agrarian lifestyle, shunning technological advances like electricity and automobiles. And many say their insular lifestyle gives them a sense that they are protected from the violence of American society. But as residents gathered near the school, some wearing traditional garb and arriving in horse-drawn buggies, they said that sense of safety had been shattered. \"If someone snaps and wants to do something stupid, there's no distance that's going to stop them,\" said Jake King, 56, an Amish lantern maker who knew several families whose children had been shot.\nQuestion: Pennsylvania has the biggest Amish community in the U.S. True or False?\nAnswer:"
        )
    }
}
