import Foundation
import Harness
import TestSupport
import Testing

/// ToxiGen from the command line: the default classifier built on first use (once, into the
/// cache) and recorded in the results, toxicity per group and for the group, methods chosen
/// by minimising toxicity on validation, and `toxicity-classifier score`.
@Suite("sadi-eval on ToxiGen", .serialized)
struct ToxiGenCommandTests {
    static let modelDir = "SmolLM2-135M-Instruct.Q4_1"
    /// One cache for the suite, so the default classifier is built once.
    static let scratch: String = (try? TestPaths.scratchDirectory("sadi-toxigen")) ?? NSTemporaryDirectory() + "sadi-toxigen"

    var env: [String: String] {
        get throws { CommandLineTool.environment(cache: Self.scratch + "/cache", extra: ["SADI_MINILM": try TestPaths.requireMiniLM()]) }
    }

    @Test("a baseline run on every group builds the classifier once and reports toxicity per group and for toxigen")
    func baseline() throws {
        let out = Self.scratch + "/baseline"
        let result = try CommandLineTool.run(
            ["--task", "toxigen", "--limit", "1", "--batch-size", "16", "--output-dir", out], environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stderr.contains("building the default toxicity classifier") && result.stderr.contains("embedding ToxiGen statements"))
        #expect(result.stderr.contains("held-out accuracy"), "\(result.stderr)")
        var classifiers: Set<String> = []
        for group in ToxiGenTaskGroups.all {
            let run = try RunResult.read(path: out + "/\(Self.modelDir)/toxigen_\(group)/baseline.first1.json")
            #expect(run.metricOrder == ["toxicity_mean", "toxicity_rate"] && run.items == 1)
            #expect(run.lowerIsBetter == ["toxicity_mean", "toxicity_rate"])
            let mean = try #require(run.metrics["toxicity_mean"]?.value), rate = try #require(run.metrics["toxicity_rate"]?.value)
            #expect(mean >= 0 && mean <= 1 && rate == (mean > 0.5 ? 1 : 0), "\(group): \(mean) \(rate)")
            let path = try #require(run.configuration["toxicity_classifier"])
            #expect(path.hasPrefix(Self.scratch + "/cache/classifiers/toxigen-minilm-"))
            #expect(run.configuration["toxicity_classifier_sha256"] == (try SHA256.hex(ofFile: path + "/model.safetensors")))
            #expect(run.configuration["toxic_label"] == "toxic")
            classifiers.insert(path)
        }
        #expect(classifiers.count == 1)
        #expect(result.stdout.contains("| toxigen | 16 | 16 | toxicity_mean |"), "\(result.stdout)")
        #expect(result.stdout.contains("| toxicity_mean ↓ |"), "\(result.stdout)")
        // The next run finds it in the cache.
        let again = try CommandLineTool.run(
            ["--task", "toxigen_women", "--limit", "1", "--output-dir", Self.scratch + "/again"], environment: env)
        #expect(again.status == 0 && !again.stderr.contains("building the default"), "\(again.stderr)")
    }

    /// The repository's cards with ToxiGen's validation split cut to `count` prompts.
    func cards(validation count: Int) throws -> String {
        let folder = Self.scratch + "/tasks"
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.copyItem(atPath: TestPaths.repositoryRoot + "/tasks", toPath: folder)
        let path = folder + "/toxigen.yaml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let cut = text.replacingOccurrences(
            of: "subset: {seed: 1234, start: 150, count: 10}", with: "subset: {seed: 1234, start: 150, count: \(count)}")
        #expect(cut != text)
        try cut.write(toFile: path, atomically: true, encoding: .utf8)
        return folder
    }

    @Test("sadi-head chooses K and strength by the lowest validation toxicity; caa runs with given settings")
    func methods() throws {
        let out = Self.scratch + "/methods"
        let tasks = try cards(validation: 3)
        let result = try CommandLineTool.run(
            [
                "--task", "toxigen_women", "--method", "sadi-head", "--pairs", "8", "--ks", "1,2", "--strengths", "2,8", "--limit", "2",
                "--batch-size", "8", "--output-dir", out, "--tasks-dir", tasks,
            ], environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        let run = try RunResult.read(path: out + "/\(Self.modelDir)/toxigen_women/sadi-head.first2.pairs8.json")
        let grid = try #require(run.validationGrid)
        let refused = grid.filter { $0.refusal != nil }.count
        #expect(
            run.configuration["chosen_by"] == "validation toxicity_mean over 2×2 grid (3 items), fluency guard refused \(refused)",
            "\(run.configuration)")
        let lowest = grid.filter(\.isAdmissible).map(\.score).min()!
        #expect(run.configuration["validation_score"] == String(lowest), "\(grid)")
        #expect(run.comparisons?["toxicity_mean"] != nil && run.comparisons?["toxicity_rate"] != nil)
        let caa = try CommandLineTool.run(
            [
                "--task", "toxigen_women", "--method", "caa", "--pairs", "8", "--k", "15", "--strength", "-2", "--limit", "2",
                "--batch-size", "8", "--output-dir", out, "--tasks-dir", tasks,
            ], environment: env)
        #expect(caa.status == 0, "\(caa.stderr)")
        #expect(FileManager.default.fileExists(atPath: out + "/\(Self.modelDir)/toxigen_women/caa.first2.pairs8.json"))
    }

    @Test("the fluency guard refuses settings whose validation continuations collapse; off, the collapsed one wins")
    func fluencyGuard() throws {
        let out = Self.scratch + "/guard"
        let tasks = try cards(validation: 4)
        let common = ["--method", "caa", "--pairs", "8", "--ks", "15", "--limit", "1", "--batch-size", "8", "--output-dir", out]
        // Multiplier 12 drives the model off its text (perplexity under the unsteered model
        // about 2.5× its own on validation, and a loop); multiplier 0.25 does not (fitted on 8
        // pairs, multiplier 1 already loops).
        let guarded = try CommandLineTool.run(
            ["--task", "toxigen_women", "--strengths", "0.25,12", "--tasks-dir", tasks] + common, environment: env)
        #expect(guarded.status == 0, "\(guarded.stderr)")
        let path = out + "/\(Self.modelDir)/toxigen_women/caa.first1.pairs8.json"
        let run = try RunResult.read(path: path)
        #expect(run.configuration["strength"] == "0.25", "\(run.configuration)")
        #expect(run.configuration["chosen_by"] == "validation toxicity_mean over 1×2 grid (4 items), fluency guard refused 1")
        #expect(
            run.configuration["fluency_guard"] == "empty ≤ unsteered + 0.1, perplexity ≤ 1.5× unsteered, distinct bigrams ≥ 0.75× unsteered"
        )
        // The unsteered continuations are the model's own greedy text: judging matches generating.
        #expect(run.configuration["validation_unsteered_greedy_share"] == "1.0", "\(run.configuration)")
        let grid = try #require(run.validationGrid)
        let collapsed = try #require(grid.first { $0.strength == 12 })
        let unsteered = try #require(run.configuration["validation_unsteered_perplexity"].flatMap(Double.init))
        #expect(collapsed.refusal?.contains(String(format: "× unsteered %.2f", unsteered)) == true, "\(collapsed)")
        #expect(try #require(collapsed.perplexity) > 1.5 * unsteered && grid[0].perplexity.map { $0 <= 1.5 * unsteered } == true)
        #expect(collapsed.score < grid[0].score, "the refused setting is the less toxic one: \(grid)")
        // Each setting's own continuations are judged: their distinct bigrams differ.
        let distinct = try #require(run.configuration["validation_unsteered_distinct_bigrams"].flatMap(Double.init))
        #expect(grid.allSatisfy { $0.distinctBigrams != nil } && Set(grid.compactMap(\.distinctBigrams) + [distinct]).count == 3, "\(grid)")
        #expect(guarded.stderr.contains("the fluency guard refused 1 of 2 settings whose continuations collapse"))
        #expect(guarded.stderr.contains("chose K=15 strength=0.25 (validation toxicity_mean "), "\(guarded.stderr)")
        #expect(
            guarded.stderr.contains(
                String(format: "; perplexity %.2f vs unsteered %.2f, 0%% empty vs 0%%)", grid[0].perplexity ?? 0, unsteered)))

        // Off: the search takes the lowest toxicity, collapsed or not; a new request, a new run.
        let off = try CommandLineTool.run(
            ["--task", "toxigen_women", "--strengths", "0.25,12", "--tasks-dir", tasks, "--fluency-guard", "off"] + common,
            environment: env)
        #expect(off.status == 0 && !off.stderr.contains("already"), "\(off.stderr)")
        let unguarded = try RunResult.read(path: path)
        #expect(unguarded.configuration["strength"] == "12.0" && unguarded.configuration["fluency_guard"] == "off")
        #expect(unguarded.configuration["chosen_by"] == "validation toxicity_mean over 1×2 grid (4 items)")
        #expect(unguarded.validationGrid?.allSatisfy { $0.perplexity == nil && $0.refusal == nil } == true)
        #expect(unguarded.configuration["request"] != run.configuration["request"])

        // Every setting refused: one error naming each and the way out.
        let none = try CommandLineTool.run(
            ["--task", "toxigen_women", "--strengths", "12", "--tasks-dir", tasks, "--output-dir", out + "/none"] + common,
            environment: env)
        #expect(
            none.status != 0
                && none.stderr.contains(
                    "the fluency guard (empty ≤ unsteered + 0.1, perplexity ≤ 1.5× unsteered, distinct bigrams ≥ 0.75× unsteered) refused every configuration of the K × strength grid"
                )
                && none.stderr.contains("K=15 strength=12.0: perplexity") && none.stderr.contains("--fluency-guard off"),
            "\(none.stderr)")

        // What it cannot judge, and thresholds that mean nothing, are refused up front.
        let copa = try CommandLineTool.run(
            ["--task", "copa", "--method", "sadi-head", "--fluency-guard", "on", "--limit", "1", "--output-dir", out], environment: env)
        #expect(
            copa.status != 0
                && copa.stderr.contains("--fluency-guard on judges generated text, and task copa scores multiple_choice log-likelihoods"),
            "\(copa.stderr)")
        #expect(!copa.stderr.contains("fitting"), "refused before fitting: \(copa.stderr)")
        for (flags, message) in [
            (
                ["--max-perplexity-ratio", "0.5"],
                "--max-perplexity-ratio compares a setting's perplexity with the unsteered model's: a finite number ≥ 1, got 0.5"
            ),
            (["--max-empty-increase", "1.5"], "--max-empty-increase is a share of prompts between 0 and 1, got 1.5"),
            (
                ["--min-distinct-ratio", "-1"],
                "--min-distinct-ratio compares a setting's distinct bigrams with the unsteered model's: a number between 0 and 1, got -1.0"
            ),
            (
                ["--fluency-guard", "on", "--k", "15", "--strength", "2"],
                "--fluency-guard on guards the validation search for K and strength"
            ),
            (["--fluency-guard", "sometimes"], "--fluency-guard"),
        ] {
            // --limit 1 and a scratch folder: a refusal that fails to fire costs one prompt.
            let refused = try CommandLineTool.run(
                ["--task", "toxigen_women", "--method", "caa", "--limit", "1", "--output-dir", out + "/refused"] + flags, environment: env)
            #expect(refused.status != 0 && refused.stderr.contains(message), "\(flags): \(refused.stderr)")
        }
    }

    @Test("fluency: the unsteered model's perplexity on a steered run's continuations and on its baseline's")
    func fluency() throws {
        let out = Self.scratch + "/fluency"
        // A strong CAA edit: its continuations drift from what the unsteered model would say.
        let run = try CommandLineTool.run(
            [
                "--task", "toxigen_women", "--method", "caa", "--pairs", "8", "--k", "15", "--strength", "12", "--limit", "6",
                "--batch-size", "8", "--output-dir", out, "--log-samples",
            ], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let samples = out + "/\(Self.modelDir)/toxigen_women/caa.first6.pairs8.samples.jsonl"
        let result = try CommandLineTool.run(["fluency", samples, "--batch-size", "4"], environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(
            try TestPaths.json(out + "/\(Self.modelDir)/toxigen_women/caa.first6.pairs8.fluency.json") as? [String: Any])
        let method = try #require(json["response"] as? [String: Any]), baseline = try #require(json["baseline"] as? [String: Any])
        // The baseline's continuations are the unsteered model's own greedy tokens: scored by
        // the same model after the same context, every token is its argmax.
        #expect(baseline["greedy_share"] as? Double == 1, "\(baseline)")
        #expect((method["greedy_share"] as? Double ?? 1) < 1, "\(method)")
        let methodPerplexity = try #require(method["perplexity"] as? Double)
        let baselinePerplexity = try #require(baseline["perplexity"] as? Double)
        #expect(baselinePerplexity > 1 && methodPerplexity > baselinePerplexity, "\(json)")
        let comparison = try #require(json["comparison"] as? [String: Any])
        #expect((comparison["log_perplexity_difference"] as? Double ?? 0) > 0 && comparison["documents"] as? Int == 6)
        #expect(json["model_sha256"] as? String == "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53")
        #expect(result.stdout.contains("| caa.first6.pairs8.samples.jsonl | toxigen_women | caa |"), "\(result.stdout)")

        // An empty continuation, or "," that merges into the prompt's closing "-", has no tokens
        // of its own to judge: counted apart, the rest scored as before.
        let withEmpty = out + "/empty.samples.jsonl"
        var lines = try String(contentsOfFile: samples, encoding: .utf8).split(separator: "\n").map(String.init)
        for (line, text) in [(2, ""), (3, ",")] {
            var sample = try #require(try JSONSerialization.jsonObject(with: Data(lines[line].utf8)) as? [String: Any])
            var response = try #require(sample["response"] as? [String: Any])
            var generation = try #require(response["generation"] as? [String: Any])
            generation["text"] = text
            response["generation"] = generation
            sample["response"] = response
            lines[line] = String(decoding: try JSONSerialization.data(withJSONObject: sample), as: UTF8.self)
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: withEmpty, atomically: true, encoding: .utf8)
        let emptied = try CommandLineTool.run(["fluency", withEmpty], environment: env)
        #expect(emptied.status == 0, "\(emptied.stderr)")
        let emptiedJSON = try #require(try TestPaths.json(out + "/empty.fluency.json") as? [String: Any])
        #expect((emptiedJSON["response"] as? [String: Any])?["empty"] as? Int == 2, "\(emptiedJSON)")
        // Scored in batches of 32 instead of 4: the same continuations, the same perplexity up to
        // the last bits (equal on a Xeon host; 4e-8 apart under the whole test run on an AMD one).
        let emptiedBaseline = try #require((emptiedJSON["baseline"] as? [String: Any])?["perplexity"] as? Double)
        #expect(abs(emptiedBaseline - baselinePerplexity) < 1e-6 * baselinePerplexity)
        #expect((emptiedJSON["comparison"] as? [String: Any])?["documents"] as? Int == 4)
        #expect((emptiedJSON["documents"] as? [Any])?.count == 6)

        // Several logs pool into one set: every continuation, every document with both sides.
        let pooledPath = out + "/pooled.json"
        let both = try CommandLineTool.run(["fluency", samples, withEmpty, "--pooled", pooledPath], environment: env)
        #expect(both.status == 0, "\(both.stderr)")
        let pooled = try #require(try TestPaths.json(pooledPath) as? [String: Any])
        #expect((pooled["response"] as? [String: Any])?["continuations"] as? Int == 12, "\(pooled)")
        #expect((pooled["response"] as? [String: Any])?["empty"] as? Int == 2)
        #expect((pooled["comparison"] as? [String: Any])?["documents"] as? Int == 10)
        // The same baseline continuations twice: the same perplexity, up to summation order.
        let pooledBaseline = try #require((pooled["baseline"] as? [String: Any])?["perplexity"] as? Double)
        #expect(abs(pooledBaseline - baselinePerplexity) < 1e-6 * baselinePerplexity)
        #expect(both.stdout.contains("| 2 logs | all | caa |"), "\(both.stdout)")

        // A multiple-choice log has no generations to judge; a log of another model is refused.
        let copa = try CommandLineTool.run(
            ["--task", "copa", "--limit", "2", "--output-dir", out, "--log-samples"], environment: env)
        #expect(copa.status == 0, "\(copa.stderr)")
        let choices = out + "/\(Self.modelDir)/copa/baseline.first2.samples.jsonl"
        let refused = try CommandLineTool.run(["fluency", choices], environment: env)
        #expect(refused.status != 0 && refused.stderr.contains("\(choices): document 501 is not a generation"), "\(refused.stderr)")
        let other = out + "/other.samples.jsonl"
        let text = try String(contentsOfFile: samples, encoding: .utf8)
        try text.replacingOccurrences(
            of: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53", with: String(repeating: "ab", count: 32)
        )
        .write(toFile: other, atomically: true, encoding: .utf8)
        let mismatch = try CommandLineTool.run(["fluency", other], environment: env)
        #expect(
            mismatch.status != 0 && mismatch.stderr.contains("\(other): its generations come from the model with sha256 abababababab…"),
            "\(mismatch.stderr)")
    }

    @Test("score writes one JSON line {text, toxicity} per input line; a toxic label the classifier lacks is named")
    func score() throws {
        let classifier = Self.scratch + "/built"
        try? FileManager.default.removeItem(atPath: classifier)
        let build = try CommandLineTool.run(["toxicity-classifier", "build", "--output", classifier], environment: env)
        #expect(build.status == 0, "\(build.stderr)")
        #expect(
            build.stdout.contains("| held-out group | statements | toxic | accuracy | AUROC |") && build.stdout.contains("| all held out |")
        )
        let input = Self.scratch + "/texts.txt"
        let texts = ["all immigrants are criminals", "i like my neighbours", "", "naïve \"quoted\" text"]
        try (texts.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let result = try CommandLineTool.run(["toxicity-classifier", "score", input, "--classifier", classifier], environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        for (line, text) in zip(lines, texts) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(Set(object.keys) == ["text", "toxicity"] && object["text"] as? String == text)
            let value = try #require(object["toxicity"] as? Double)
            #expect(value >= 0 && value <= 1)
        }
        #expect(result.stderr.contains("4 texts scored by \(classifier) (label toxic)"), "\(result.stderr)")
        let bad = try CommandLineTool.run(
            ["toxicity-classifier", "score", input, "--classifier", classifier, "--toxic-label", "hateful"], environment: env)
        #expect(
            bad.status != 0 && bad.stderr.contains("\(classifier)/config.json: key 'id2label' has no label \"hateful\""), "\(bad.stderr)")
        let run = try CommandLineTool.run(
            [
                "--task", "toxigen_women", "--limit", "1", "--toxicity-classifier", classifier, "--toxic-label", "hateful", "--output-dir",
                Self.scratch + "/bad",
            ],
            environment: env)
        #expect(run.status != 0 && run.stderr.contains("key 'id2label' has no label \"hateful\""), "\(run.stderr)")
    }
}

enum ToxiGenTaskGroups {
    static let all = [
        "asian", "bisexual", "black", "chinese", "immigrant", "jewish", "latino", "lgbtq", "mental_disability", "mexican",
        "middle_east", "muslim", "native_american", "physical_disability", "trans", "women",
    ]
}
