import Foundation
import Harness
import Testing

/// `--num-fewshot` as lm-eval draws and joins its examples, checked character for character
/// against prompts written out from lm-eval's definition and CPython's random.
@Suite("Few-shot prompts")
struct FewShotTests {
    @Test("MMLU 5-shot: the description, dev's first five solved, then the question")
    func mmluFiveShot() throws {
        let instance = try #require(try RealTasks.instances("mmlu_abstract_algebra", count: 1, fewshot: 5).first)
        let expected =
            "The following are multiple choice questions (with answers) about abstract algebra.\n\nFind all c in Z_3 such that Z_3[x]/(x^2 + c) is a field.\nA. 0\nB. 1\nC. 2\nD. 3\nAnswer: B\n\nStatement 1 | If aH is an element of a factor group, then |aH| divides |a|. Statement 2 | If H and K are subgroups of G then HK is a subgroup of G.\nA. True, True\nB. False, False\nC. True, False\nD. False, True\nAnswer: B\n\nStatement 1 | Every element of a group generates a cyclic subgroup of the group. Statement 2 | The symmetric group S_10 has 10 elements.\nA. True, True\nB. False, False\nC. True, False\nD. False, True\nAnswer: C\n\nStatement 1| Every function from a finite set onto itself must be one to one. Statement 2 | Every subgroup of an abelian group is abelian.\nA. True, True\nB. False, False\nC. True, False\nD. False, True\nAnswer: A\n\nFind the characteristic of the ring 2Z.\nA. 0\nB. 3\nC. 12\nD. 30\nAnswer: A\n\nFind the degree for the given field extension Q(sqrt(2), sqrt(3), sqrt(18)) over Q.\nA. 0\nB. 4\nC. 2\nD. 6\nAnswer:"
        #expect(instance.request.choices.map(\.context) == Array(repeating: expected, count: 4))
        #expect(instance.request.choices.map(\.continuation) == [" A", " B", " C", " D"])
    }

    @Test("XCOPA 2-shot: one random.Random(1234) for the split, examples from val, document after document")
    func xcopaRandom() throws {
        let instances = try RealTasks.instances("xcopa_et", count: 2, fewshot: 2)
        // CPython: r = Random(1234); r.sample(range(100), 2) → [99, 56], then [14, 0].
        #expect(
            instances[0].request.context
                == "Naine oli halvas tujus seetõttu ta palus oma sõbral end rahule jätta.\n\nNaine kuhjas oma sõbra meelitustega üle sest ta tahtis oma sõbralt teenet paluda.\n\nEse oli mullikilesse mässitud sest"
        )
        #expect(
            instances[1].request.context
                == "Mängija püüdis palli kinni sest ta tiimikaaslane viskas selle talle.\n\nMees keeras kraani lahti seetõttu tilast voolas vett.\n\nMa tühjendasin oma taskud seetõttu"
        )
    }

    @Test("RTE 1-shot: lm-eval's extra draw (two drawn from train, the first kept)")
    func rteExtraDraw() throws {
        let instances = try RealTasks.instances("rte", count: 2, fewshot: 1)
        // r.sample(range(2490), 2) → [1805, 478], then [30, 371]: train rows 1805 and 30.
        #expect(
            instances[0].request.context
                == "Olson, 62, previously worked as a partner at Ernst & Young LLP, as a Minnesota bank president and as a congressional aide, before joining the Fed board in 2001, to serve a term ending in 2010.\nQuestion: Olson is a member of the Fed board. True or False?\nAnswer: True\n\nDana Reeve, the widow of the actor Christopher Reeve, has died of lung cancer at age 44, according to the Christopher Reeve Foundation.\nQuestion: Christopher Reeve had an accident. True or False?\nAnswer:"
        )
        #expect(
            instances[1].request.context.hasPrefix(
                "One economic study will not be the basis of Canada's public policy decisions, but Easton's research does conclusively show that there are economic benefits in the legalization of marijuana.\nQuestion: Drug legalization has benefits. True or False?\nAnswer: True\n\nYet, we now are discovering"
            ))
    }

    @Test("Winogrande 1-shot: the example is the sentence with its right option and the rest")
    func winograndeExample() throws {
        let task = try RealTasks.task("winogrande")
        let documents = try task.documents(split: try task.split(named: "dev"), store: try RealTasks.store())
        #expect(
            try task.fewShotExample(documents[0], prompt: task.card.defaultPrompt)
                == "Sarah was a much better surgeon than Maria so Maria always got the easier cases.")
    }

    @Test("the pool as the scored split: the document is never its own example; MMLU's 5 dev questions give 4 at 5 shots")
    func ownSplit() throws {
        let instances = try RealTasks.instances("mmlu_abstract_algebra", split: "dev", count: 5, fewshot: 5)
        for (index, instance) in instances.enumerated() {
            let blocks = instance.request.context.components(separatedBy: "\n\n")
            // The description, four examples, the question.
            #expect(blocks.count == 6, "dev \(index)")
            #expect(!blocks[1..<5].contains { $0.hasPrefix(blocks[5].replacingOccurrences(of: "\nAnswer:", with: "")) })
        }
        #expect(throws: HarnessError.self) { try RealTasks.instances("mmlu_abstract_algebra", count: 1, fewshot: 6) }
    }

    @Test("a card without a pool refuses --num-fewshot, naming the card field")
    func noPool() throws {
        let card = try TaskCard.parse(
            yaml: """
                task: langs
                output_type: multiple_choice
                files:
                  test: {path: langs/en.txt, url: "https://example.org/en.txt", sha256: \(String(repeating: "1", count: 64))}
                splits:
                  - {name: test, role: test, file: test}
                prompts:
                  - {name: p, doc_to_text: "{{text}}", doc_to_choice: ["a", "b"]}
                metrics: [acc]
                """, file: "langs.yaml")
        let task = LanguagesTask(card: card)
        let document = Document(id: "1", fields: ["text": "t", "lang": "en"], gold: 0)
        let error = try #require(throws: HarnessError.self) {
            try FewShotContext(task: task, count: 1).instances(
                [document], split: card.splits[0], prompt: card.defaultPrompt, store: try RealTasks.store())
        }
        #expect("\(error)".contains("fewshot: {split:"))
        // Zero shots need no pool.
        #expect(
            try FewShotContext(task: task, count: 0).instances(
                [document], split: card.splits[0], prompt: card.defaultPrompt, store: try RealTasks.store()
            ).count == 1)
    }
}
