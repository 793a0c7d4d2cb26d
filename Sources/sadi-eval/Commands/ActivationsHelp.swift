import ArgumentParser
import Engine

extension ActivationPrecision: ExpressibleByArgument {
    /// The `--activations` help every model-running command shows, with what 8 bits cost and
    /// gain (measured on SmolLM2-135M Q4_1, see the README's engine section).
    static let help = ArgumentHelp(
        "Activations in decoding's few-row products (up to 16 rows, Q4_0/Q4_1/Q8_0 weights): float32 (default, what scoring is checked against) or int8, quantised per 32 values as llama.cpp does. 8-bit activations on SmolLM2-135M Q4_1: decoding 16 sequences 2.3x and one sequence 1.1x the tokens per second (AVX-512 VNNI, 2 threads); max logit error 1.6 against PyTorch (float32: 4e-5), greedy runs part from it only at near ties. Results are filed apart (`.int8`).",
        valueName: "float32|int8")
}
