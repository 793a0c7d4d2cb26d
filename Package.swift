// swift-tools-version: 6.0
import PackageDescription

let optimize: [SwiftSetting] = [
    // The engine's inner loops run over raw buffers; exclusivity checks cost ~10% there.
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
    // SIMD16 code lowers to AVX2 vectors instead of SSE2 pairs; every x86-64 server since
    // 2013 has it. Swift never contracts a*b+c into FMA, so results stay bit-exact.
    .unsafeFlags(["-target-cpu", "haswell"], .when(configuration: .release)),
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
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"])]),
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),

        .target(name: "Tokenizers", swiftSettings: optimize),
        .target(name: "Engine", dependencies: ["COpenBLAS", "Tokenizers"], swiftSettings: optimize),
        .target(name: "Harness", dependencies: ["Engine", "Tokenizers", "CCurl", "COpenSSL",
                                                .product(name: "Yams", package: "Yams")],
                swiftSettings: optimize),
        .target(name: "Interventions", dependencies: ["Harness", "Engine", "Tokenizers"], swiftSettings: optimize),
        .target(name: "Experiment", dependencies: ["Harness", "Interventions", "Engine", "Tokenizers"], swiftSettings: optimize),
        .target(name: "TaskCOPA", dependencies: ["Harness", "CLibXML2"], path: "Sources/Tasks/COPA"),
        .target(name: "TaskRegistry", dependencies: ["Harness", "TaskCOPA"]),
        .executableTarget(name: "sadi-eval", dependencies: [
            "Engine", "Tokenizers", "Harness", "Interventions", "Experiment", "TaskRegistry",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: optimize),

        .target(name: "TestSupport", dependencies: ["Engine", "Harness"], path: "Tests/TestSupport"),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "Tokenizers", "TestSupport"]),
        .testTarget(name: "HarnessTests", dependencies: ["Harness", "Engine", "TestSupport"]),
        .testTarget(name: "TaskTests", dependencies: ["TaskCOPA", "TaskRegistry", "Harness", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["sadi-eval", "Engine", "Harness", "TestSupport"]),
        .testTarget(name: "ExperimentTests", dependencies: ["Experiment", "Interventions", "Harness", "Engine", "Tokenizers",
                                                            "TaskCOPA", "TestSupport"]),
        .testTarget(name: "InterventionsTests", dependencies: ["Interventions", "Experiment", "Harness", "Engine", "TaskCOPA",
                                                               "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
