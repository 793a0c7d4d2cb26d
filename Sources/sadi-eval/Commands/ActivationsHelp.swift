import ArgumentParser
import Engine

extension ActivationPrecision: ExpressibleByArgument {
    /// The `--activations` help every model-running command shows, with what 8 bits cost and
    /// gain (measured on SmolLM2-135M Q4_1, see the README's engine section).
    static let help = ArgumentHelp(
        "Activations in decoding's few-row products: float32 (default, what scoring is checked against) or int8 (quantised per 32 values as llama.cpp does; faster, less exact; results are filed apart).",
        valueName: "float32|int8")
}
