// swift-tools-version: 6.0
import PackageDescription

/// The task plugins: each is `Sources/Tasks/<Name>/` (target `Task<Name>`, depending on
/// Harness and the extras given here) with its card `tasks/<name>.yaml`. The task targets,
/// TaskRegistry's dependencies (whose `RegisteredTasks` the RegisterTasks plugin generates
/// from them) and the test targets' task dependencies all come from this list, so a task is
/// one line here. `swift package --allow-writing-to-package-directory new-task NAME` adds it.
let taskTargets: [TaskTarget] = [
    .init("COPA", dependencies: ["CLibXML2"]),
    .init("StoryCloze"),
    .init("MMLU"),
    .init("BoolQ"),
    .init("XCOPA"),
    .init("Winogrande"),
    .init("SST2"),
    .init("RTE"),
    .init("TriviaQA", dependencies: ["Engine"]),
    .init("TruthfulQA"),
    .init("ToxiGen", dependencies: ["Engine"]),
]

let optimize: [SwiftSetting] = [
    // The engine's inner loops run over raw buffers; exclusivity checks cost ~10% there.
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
    // SIMD16 code lowers to AVX2 vectors instead of SSE2 pairs; every x86-64 server since
    // 2013 has it. Swift never contracts a*b+c into FMA, so results stay bit-exact.
    .unsafeFlags(["-target-cpu", "haswell"], .when(configuration: .release)),
    // Code may then use Haswell's instructions directly (the IQ4 table lookup's byte shuffle).
    .define("TARGET_CPU_HASWELL", .when(configuration: .release)),
]

let package = Package(
    name: "sadi-eval",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sadi-eval", targets: ["sadi-eval"]),
        .library(name: "Tokenizers", targets: ["Tokenizers"]),
        .library(name: "Engine", targets: ["Engine"]),
        .library(name: "Harness", targets: ["Harness"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "COpenSSL", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),
        // The engine's fused decoding kernels, in C for per-function target attributes: one
        // source compiled for AVX-512, AVX2 and the baseline, picked at run time.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),

        .target(name: "Tokenizers", swiftSettings: optimize),
        .target(name: "Engine", dependencies: ["COpenBLAS", "CKernels", "Tokenizers"], swiftSettings: optimize),
        .target(
            name: "Harness",
            dependencies: [
                "Engine", "Tokenizers", "CCurl", "COpenSSL",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: optimize),
        .target(name: "Interventions", dependencies: ["Harness", "Engine", "Tokenizers"], swiftSettings: optimize),
        .target(name: "Experiment", dependencies: ["Harness", "Interventions", "Engine", "Tokenizers"], swiftSettings: optimize),
    ] + taskTargets.map(\.target) + [
        .target(
            name: "TaskRegistry", dependencies: ["Harness"] + taskTargets.map(\.dependency),
            plugins: ["RegisterTasks"]),
        .executableTarget(
            name: "sadi-eval",
            dependencies: [
                "Engine", "Tokenizers", "Harness", "Interventions", "Experiment", "TaskRegistry", "TaskToxiGen",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ], swiftSettings: optimize),

        // Seeded mutation fuzzing of the parsers users feed files to (`make fuzz`).
        .executableTarget(
            name: "sadi-fuzz",
            dependencies: [
                "Engine", "Harness", "TaskCOPA", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ], swiftSettings: optimize),

        .target(name: "TestSupport", dependencies: ["Engine", "Harness"], path: "Tests/TestSupport"),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "Tokenizers", "TestSupport"]),
        .testTarget(name: "HarnessTests", dependencies: ["Harness", "Engine", "TestSupport"]),
        .testTarget(
            name: "TaskTests", dependencies: ["TaskRegistry", "Harness", "Engine", "TestSupport"] + taskTargets.map(\.dependency)),
        .testTarget(name: "CLITests", dependencies: ["sadi-eval", "Engine", "Harness", "TestSupport"]),
        .testTarget(
            name: "ExperimentTests",
            dependencies: [
                "Experiment", "Interventions", "Harness", "Engine", "Tokenizers",
                "TaskCOPA", "TaskTriviaQA", "TaskTruthfulQA", "TaskToxiGen", "TestSupport",
            ]),
        .testTarget(
            name: "InterventionsTests",
            dependencies: [
                "Interventions", "Experiment", "Harness", "Engine", "TaskCOPA", "Tokenizers",
                "TestSupport",
            ]),

        // Generates TaskRegistry's `RegisteredTasks` from the Task* targets it depends on.
        .plugin(name: "RegisterTasks", capability: .buildTool()),
        .plugin(
            name: "NewTask",
            capability: .command(
                intent: .custom(
                    verb: "new-task",
                    description:
                        "Scaffold a task plugin: Sources/Tasks/<Name>/, its card tasks/<name>.yaml, a test, and its line in Package.swift."),
                permissions: [
                    .writeToPackageDirectory(
                        reason:
                            "new-task writes the new task's source folder, card and test, and adds one line to Package.swift's taskTargets."
                    )
                ])),
        .plugin(
            name: "LintCards",
            capability: .command(
                intent: .custom(
                    verb: "lint-cards",
                    description: "Build sadi-eval and check every task card in tasks/ against the registered task plugins."))),
    ],
    swiftLanguageModes: [.v6]
)

/// One task plugin target: `Task<name>` in `Sources/Tasks/<name>/`.
struct TaskTarget {
    let name: String
    let dependencies: [Target.Dependency]

    init(_ name: String, dependencies: [Target.Dependency] = []) {
        self.name = name
        self.dependencies = dependencies
    }

    var targetName: String { "Task" + name }
    var dependency: Target.Dependency { .target(name: targetName) }
    var target: Target {
        .target(name: targetName, dependencies: ["Harness"] + dependencies, path: "Sources/Tasks/" + name)
    }
}
