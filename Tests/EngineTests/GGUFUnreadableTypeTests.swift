import Engine
import Foundation
import TestSupport
import Testing

/// Tensors in a type ggml defines but the engine does not read (IQ2_XXS, TQ1_0, MXFP4, …) or
/// under a code ggml has retired: the file is valid, so it opens and lists its tensors, and
/// the model is refused with the tensor, its type and the types the engine reads, never as
/// "truncated or corrupted". Each file is the F32 fixture with blk.0.attn_q.weight retyped.
@Suite struct GGUFUnreadableTypeTests {
    static let tensor = "blk.0.attn_q.weight"
    static let readList = "F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_NL, IQ4_XS"

    static var unreadTypes: [GGMLType] { GGMLType.allCases.filter { !Dequantization.supports($0) } }

    static func retypedFixture(_ code: UInt32, in scratch: ScratchDirectory) throws -> String {
        try RetypedGGUF.write(
            TestPaths.tinyGGUF("F32"), retyping: tensor, to: code, in: scratch.url.path, file: "retyped-\(code).gguf")
    }

    @Test("ggml's type codes: 0 to 42, each defined or retired, none both")
    func everyGGMLCodeIsKnown() {
        let defined = Set(GGMLType.allCases.map(\.rawValue)), retired = Set(GGMLType.retiredNames.keys)
        #expect(defined.isDisjoint(with: retired))
        #expect(defined.union(retired) == Set(0...42))
        #expect(
            GGMLType.retiredNames.values.sorted() == [
                "IQ4_NL_4_4", "IQ4_NL_4_8", "IQ4_NL_8_8", "Q4_0_4_4", "Q4_0_4_8", "Q4_0_8_8", "Q4_2", "Q4_3",
            ])
        #expect(Dequantization.readableTypes.map(\.description).joined(separator: ", ") == Self.readList)
    }

    @Test("a tensor in a type the engine does not read: the file opens, the model is refused by name and type")
    func unreadTypesAreNamed() throws {
        let scratch = try ScratchDirectory()
        #expect(Self.unreadTypes.count == 20)
        for type in Self.unreadTypes {
            let path = try Self.retypedFixture(type.rawValue, in: scratch)
            let file = try GGUFFile(path: path)
            #expect(file.tensor(named: Self.tensor)?.type == type, "\(type)")
            let expected =
                "\(path): tensor '\(Self.tensor)' is \(type) (ggml type \(type.rawValue)), which sadi-eval does not read; it reads \(Self.readList); convert the file with llama-quantize to one of those."
            #expect(throws: EngineError.unreadableTensorType(path: path, tensor: Self.tensor, type: type)) {
                try ModelLoader.load(path: path, threads: 1)
            }
            do {
                _ = try ModelLoader.load(path: path, threads: 1)
            } catch {
                #expect("\(error)" == expected)
                #expect(!"\(error)".contains("corrupt"))
            }
        }
    }

    @Test("IQ2_XXS, the issue's example, reads as the issue asks")
    func issueExample() throws {
        let scratch = try ScratchDirectory()
        let path = try Self.retypedFixture(16, in: scratch)
        do {
            _ = try ModelLoader.load(path: path, threads: 1)
            Issue.record("an IQ2_XXS tensor was accepted")
        } catch {
            #expect(
                "\(error)".hasSuffix(
                    "tensor 'blk.0.attn_q.weight' is IQ2_XXS (ggml type 16), which sadi-eval does not read; it reads F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_NL, IQ4_XS; convert the file with llama-quantize to one of those."
                ), "\(error)")
        }
    }

    @Test("a tensor under a code ggml has retired is named with the layout it was", arguments: [4, 5, 31, 32, 33, 36, 37, 38] as [UInt32])
    func retiredCodesAreNamed(code: UInt32) throws {
        let scratch = try ScratchDirectory()
        let path = try Self.retypedFixture(code, in: scratch)
        let name = try #require(GGMLType.retiredNames[code])
        #expect(throws: EngineError.retiredTensorType(path: path, tensor: Self.tensor, code: code, name: name)) {
            try GGUFFile(path: path)
        }
        do {
            _ = try GGUFFile(path: path)
        } catch {
            #expect("\(error)".contains("tensor '\(Self.tensor)' is \(name) (ggml type \(code)), a layout ggml has removed"))
            #expect("\(error)".contains(Self.readList) && !"\(error)".contains("corrupt"), "\(error)")
        }
    }
}
