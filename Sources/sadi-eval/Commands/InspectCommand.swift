import ArgumentParser
import Engine
import Foundation
import Tokenizers

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract:
            "Print a GGUF file's metadata and tensor table (or a Hugging Face directory's config and tensors), and what sadi-eval cannot read."
    )

    @Argument(help: "GGUF model file or Hugging Face model directory.") var model: String
    @Flag(help: "Print every array element instead of the first few.") var full = false

    func run() throws {
        if SafeTensorsDirectory.isDirectory(model) { return try inspectDirectory() }
        let gguf = try GGUFFile(path: model)
        print("file: \(model)")
        print(
            "GGUF version \(gguf.version), \(gguf.metadataKeys.count) metadata keys, \(gguf.tensors.count) tensors, alignment \(gguf.alignment), \(gguf.fileSize) bytes"
        )
        print("\nmetadata:")
        for key in gguf.metadataKeys {
            let value = gguf.metadata[key]!
            let text: String
            if full, case let .array(items) = value {
                text = "[" + items.map(\.description).joined(separator: ", ") + "]"
            } else {
                text = value.description
            }
            print("  \(key) (\(value.typeName)) = \(text)")
        }
        print("\ntensors:")
        print("  " + "name".padding(toLength: 32, withPad: " ", startingAt: 0) + " type    shape              bytes")
        var byType: [String: Int] = [:]
        for t in gguf.tensors {
            byType[t.type.description, default: 0] += 1
            let shape = t.dimensions.map(String.init).joined(separator: "×")
            print(
                "  " + t.name.padding(toLength: 32, withPad: " ", startingAt: 0) + " "
                    + t.type.description.padding(toLength: 7, withPad: " ", startingAt: 0) + " "
                    + shape.padding(toLength: 18, withPad: " ", startingAt: 0) + " \(t.byteCount)")
        }
        print("\ntypes: " + byType.sorted { $0.key < $1.key }.map { "\($0.value) × \($0.key)" }.joined(separator: ", "))
        // The file opens whatever its types; say here, before any run, what the engine cannot read.
        let unread = Set(gguf.tensors.map(\.type).filter { !Dequantization.supports($0) }).map(\.description).sorted()
        if !unread.isEmpty {
            print(
                "not read by sadi-eval: \(unread.joined(separator: ", ")) (it reads "
                    + Dequantization.readableTypes.map(\.description).joined(separator: ", ") + ")")
        }
    }

    /// A Hugging Face directory: its config.json, files and tensors, then whether the engine
    /// runs it (the configuration's or tokenizer's refusal, if any), so a directory the engine
    /// refuses can still be looked at.
    private func inspectDirectory() throws {
        let directory = try SafeTensorsDirectory(path: model)
        print("directory: \(directory.path)")
        print("files: " + directory.identityFiles.map { ($0 as NSString).lastPathComponent }.joined(separator: ", "))
        print("\nconfig.json:")
        for key in directory.config.keys { print("  \(key) = \(directory.config.text(key))") }
        print("\ntensors:")
        print("  " + "name".padding(toLength: 48, withPad: " ", startingAt: 0) + " dtype  shape              file")
        var byType: [String: Int] = [:]
        for name in directory.tensorNames {
            let (file, info) = directory.tensor(named: name)!
            byType[info.dtype, default: 0] += 1
            let shape = info.shape.map(String.init).joined(separator: "×")
            print(
                "  " + name.padding(toLength: 48, withPad: " ", startingAt: 0) + " "
                    + info.dtype.padding(toLength: 6, withPad: " ", startingAt: 0)
                    + " " + shape.padding(toLength: 18, withPad: " ", startingAt: 0) + " " + (file.path as NSString).lastPathComponent)
        }
        print("\ntypes: " + byType.sorted { $0.key < $1.key }.map { "\($0.value) × \($0.key)" }.joined(separator: ", "))
        do {
            let type = try HuggingFaceArchitectures.modelType(of: directory.config)
            if LlamaConfiguration.huggingFaceModelTypes[type] != nil {
                let c = try LlamaConfiguration(huggingFace: directory)
                print(
                    "architecture: \(c.architecture), \(c.layerCount) layers, hidden \(c.hiddenSize), \(c.headCount) heads (\(c.kvHeadCount) key-value), rope \(c.ropeLayout.rawValue)"
                )
            } else {
                let s = try HuggingFaceArchitectures.network(directory: directory, threads: 1).network.shape
                print("architecture: \(type), \(s.layerCount) layers, hidden \(s.hiddenSize), \(s.headCount) heads")
            }
        } catch {
            print("not run by sadi-eval: \(error)")
        }
        do {
            let tokenizer = try TokenizerLoader.load(huggingFace: directory.path)
            let flavour = tokenizer is ByteFallbackBPETokenizer ? "SentencePiece-style BPE with byte fallback" : "byte-level BPE"
            print("tokenizer: \(flavour), \(tokenizer.vocabularySize) tokens")
        } catch {
            print("tokenizer: \(error)")
        }
    }
}
