/// The files `new-task` writes, for one task name and output type.
struct Templates {
    let name: String
    let camel: String
    let outputType: OutputType

    var typeName: String { camel + "Task" }
    var isGeneration: Bool { outputType == .generateUntil }

    /// One line of the data file, as the card, the task's comment and the test show it.
    var exampleLine: String {
        isGeneration
            ? #"{"id": "1", "question": "What is the capital of France?", "answers": ["Paris"]}"#
            : #"{"id": "1", "question": "Which of these is a fruit?", "choice1": "an apple", "choice2": "a carrot", "gold": 0}"#
    }

    var fieldNames: String { isGeneration ? #"["question"]"# : #"["question", "choice1", "choice2"]"# }

    var task: String {
        let fieldDocs =
            isGeneration
            ? """
            /// `question` fills `{{question}}` in the card's prompt; `answers` lists the accepted
            /// answers (a generation equal to one of them after the metric's normalisation scores 1).
            """
            : """
            /// `question`, `choice1` and `choice2` fill the card's templates; `gold` is the index of
            /// the right choice, counting from 0. For more choices add `choice3`... here, to every
            /// line and to the card's `doc_to_choice`.
            """
        let reference = isGeneration ? #".answers(try line.strings("answers"))"# : #".choice(index: try line.index("gold"))"#
        return #"""
            import Foundation
            import Harness

            /// Task `\#(name)`: one JSON object per line of its data file (JSON Lines), e.g.
            ///
            ///     \#(exampleLine)
            ///
            /// `id` (a string or a whole number, unique in the file) names the document.
            \#(fieldDocs)
            /// Every other key is ignored. The card, tasks/\#(name).yaml, says where the file is, how
            /// it splits and how documents are prompted and scored. A new field: add its name to
            /// `fieldNames` and to every line, then use `{{name}}` in the card's templates.
            public struct \#(typeName): BenchmarkTask {
                public static let name = "\#(name)"
                /// The fields the card's templates may use; every line must give each as a string.
                public static let fieldNames: Set<String> = \#(fieldNames)
                public let card: TaskCard

                public init(card: TaskCard) { self.card = card }

                /// Errors name the file and the line at fault.
                public func documents(file key: String, at url: URL) throws -> [Document] {
                    try JSONLines.documents(at: url, fields: Self.fieldNames) { line in
                        \#(reference)
                    }
                }
            }

            """#
    }

    var registration: String {
        """
        import Harness

        /// The task plugins this module provides; Plugins/RegisterTasks lists every `Task*`
        /// module's `registeredTasks` in TaskRegistry's generated `RegisteredTasks`.
        public let registeredTasks: [any BenchmarkTask.Type] = [\(typeName).self]

        """
    }

    var card: String {
        let fields =
            isGeneration
            ? """
            # id (a string or a whole number, unique), question (fills {{question}}), answers (the
            # accepted answers: exact_match scores a generation equal to one of them after lm-eval's
            # normalisation: lower-cased, punctuation dropped, surrounding whitespace stripped).
            """
            : """
            # id (a string or a whole number, unique), question, choice1, choice2 (fill the
            # templates), gold (the right choice's index, from 0; scored by acc and acc_norm).
            """
        let pairsNote =
            isGeneration
            ? """

            # The intervention methods build contrastive pairs from multiple-choice requests only,
            # so this generate_until task runs with `--method baseline` until they take generations.
            """
            : ""
        let prompt =
            isGeneration
            ? #"""
              - name: default
                doc_to_text: "Q: {{question}}\nA:"

            metrics: [{name: exact_match, normalise: lm-eval}]

            generation: {until: ["\n"], max_tokens: 32}
            """#
            : #"""
              - name: default
                doc_to_text: "Question: {{question}}\nAnswer:"
                doc_to_choice: ["{{choice1}}", "{{choice2}}"]
                target_delimiter: " "

            metrics: [acc, acc_norm]
            """#
        return #"""
            # \#(name): <what the benchmark measures, where it comes from, its citation>.
            # Scaffolded by `swift package new-task`; tasks/copa.yaml documents every field of a card.
            #
            # Data: one JSON Lines file, one object per line, read by Sources/Tasks/\#(camel)/\#(typeName).swift:
            #   \#(exampleLine)
            \#(fields)

            task: \#(name)
            output_type: \#(outputType.rawValue)

            files:
              data:
                # Where the file sits under a data mirror (SADI_DATA_MIRROR) and in the cache.
                path: \#(name)/\#(name).jsonl
                # TODO: fill in both. url: the file's canonical https URL; sha256: its checksum
                # (`sha256sum \#(name).jsonl`). `sadi-eval lint-cards` reports the placeholder until then,
                # and a run refuses a file whose sha256 differs.
                url: https://example.org/\#(name)/\#(name).jsonl
                sha256: 0000000000000000000000000000000000000000000000000000000000000000

            # Seeded subsets of the one file, as tasks/copa.yaml splits COPA's dev file: its lines are
            # shuffled with the seed; the first 100 are contrastive pairs an intervention is fitted on,
            # the next 100 choose its hyper-parameters, the next 300 are the reported test set. Set the
            # counts to your file's size (start + count at most its number of lines); keep one seed and
            # disjoint ranges so no line is in two splits.\#(pairsNote)
            splits:
              - name: pairs
                role: pairs
                file: data
                subset: {seed: 1234, start: 0, count: 100}
              - name: validation
                role: validation
                file: data
                subset: {seed: 1234, start: 100, count: 100}
              - name: test
                role: test
                file: data
                subset: {seed: 1234, start: 200, count: 300}

            prompts:
            \#(prompt)

            """#
    }

    var test: String {
        let lines =
            isGeneration
            ? #"""
            {"id": "1", "question": "What is the capital of France?", "answers": ["Paris"]}

            {"id": 2, "question": "How many legs does a spider have?", "answers": ["8", "eight"], "source": "ignored"}
            """#
            : #"""
            {"id": "1", "question": "Which of these is a fruit?", "choice1": "an apple", "choice2": "a carrot", "gold": 0}

            {"id": 2, "question": "Which of these can fly?", "choice1": "a stone", "choice2": "a sparrow", "gold": 1, "source": "ignored"}
            """#
        let checks =
            isGeneration
            ? #"""
                    #expect(documents[0].fields == ["question": "What is the capital of France?"])
                    #expect(documents[1].reference == .answers(["8", "eight"]))
                    let instance = try task.instance(documents[0], prompt: task.card.defaultPrompt)
                    #expect(instance.request == .generateUntil(context: "Q: What is the capital of France?\nA:",
                                                               generation: GenerationSettings(until: ["\n"], maxTokens: 32)))
                    #expect(instance.reference == .answers(["Paris"]))
            """#
            : #"""
                    #expect(documents[0].fields == ["question": "Which of these is a fruit?", "choice1": "an apple", "choice2": "a carrot"])
                    #expect(documents[1].reference == .choice(index: 1))
                    let instance = try task.instance(documents[0], prompt: task.card.defaultPrompt)
                    #expect(instance.request.context == "Question: Which of these is a fruit?\nAnswer:")
                    #expect(instance.request.choices.map(\.continuation) == [" an apple", " a carrot"])
                    #expect(instance.reference == .choice(index: 0))
            """#
        let missing = isGeneration ? "answers" : "gold"
        let badLine =
            isGeneration
            ? #"{"id": "2", "question": "What colour is the sky?"}"#
            : #"{"id": "2", "question": "Which of these is a fruit?", "choice1": "an apple", "choice2": "a carrot"}"#
        return #"""
            import Foundation
            import Harness
            import \#("Task" + camel)
            import Testing
            import TestSupport

            @Suite("Task \#(name): card and JSON Lines data")
            struct \#(typeName)Tests {
                let task: \#(typeName)
                let scratch: String

                init() throws {
                    task = try \#(typeName).load(cardsDirectory: TestPaths.repositoryRoot + "/tasks")
                    scratch = try TestPaths.scratchDirectory("\#(name)")
                }

                func write(_ text: String) throws -> URL {
                    let url = URL(fileURLWithPath: scratch + "/\#(name).jsonl")
                    try text.write(to: url, atomically: true, encoding: .utf8)
                    return url
                }

                @Test("the card loads and its templates use the task's fields")
                func card() throws {
                    #expect(task.card.task == "\#(name)" && task.card.outputType == .\#(isGeneration ? "generateUntil" : "multipleChoice"))
                    #expect(task.card.splits.map(\.role) == [.pairs, .validation, .test])
                }

                @Test("a small JSON Lines file becomes documents and requests")
                func documents() throws {
                    let url = try write("""
                        \#(lines.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "            " + $0 }.joined(separator: "\n").dropFirst(12))
                        """)
                    let documents = try task.documents(file: "data", at: url)
                    #expect(documents.map(\.id) == ["1", "2"])
            \#(checks)
                }

                @Test("a line without `\#(missing)` is refused with the file and line")
                func missingField() throws {
                    let url = try write("\#(exampleLine.replacingOccurrences(of: "\"", with: "\\\""))\n\#(badLine.replacingOccurrences(of: "\"", with: "\\\""))\n")
                    let error = try #require(throws: JSONLinesError.self) { try task.documents(file: "data", at: url) }
                    #expect(error.line == 2)
                    #expect(error.description.hasPrefix(url.path + ":2: this line has no `\#(missing)`"))
                }
            }

            """#
    }
}
