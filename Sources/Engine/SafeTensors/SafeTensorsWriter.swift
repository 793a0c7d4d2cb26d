import Foundation

/// Writes a `.safetensors` file of F32 (and I64) tensors, in the order given: an 8-byte
/// little-endian header length, the JSON header (dtype, shape and byte range of each tensor,
/// then `__metadata__` when given) and the data. The same tensors in the same order give the
/// same bytes, so a directory built twice is byte-identical. Built classifiers are written
/// with it; tests build damaged checkpoints with it. `dataStartRemainder` pads the header with
/// spaces so the data section starts at a byte offset with that remainder modulo 4 (1 puts
/// every float at an unaligned address; the reader must not care).
public enum SafeTensorsWriter {
    public struct Tensor: Sendable {
        public let name: String
        public let shape: [Int]
        public let values: [Float]
        /// Set for an I64 tensor (a buffer such as BERT's position_ids), written instead of `values`.
        public let integers: [Int64]?
        public init(name: String, shape: [Int], values: [Float]) {
            self.name = name
            self.shape = shape
            self.values = values
            integers = nil
        }

        public init(name: String, shape: [Int], integers: [Int64]) {
            self.name = name
            self.shape = shape
            values = []
            self.integers = integers
        }
    }

    /// The file's bytes. A tensor whose values do not fill its shape is refused by name.
    public static func encode(_ tensors: [Tensor], metadata: [String: String] = [:], dataStartRemainder: Int = 0) throws -> Data {
        var entries: [String] = []
        var data = Data()
        for tensor in tensors {
            let count = tensor.shape.reduce(1, *)
            guard count == (tensor.integers?.count ?? tensor.values.count) else {
                throw EngineError.invalidArgument(
                    "tensor '\(tensor.name)' has shape \(tensor.shape) (\(count) values) but \(tensor.integers?.count ?? tensor.values.count) values were given"
                )
            }
            let start = data.count
            for value in tensor.values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
            for value in tensor.integers ?? [] { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append(
                "\(quoted(tensor.name)):{\"dtype\":\"\(tensor.integers == nil ? "F32" : "I64")\",\"shape\":[\(shape)],\"data_offsets\":[\(start),\(data.count)]}"
            )
        }
        if !metadata.isEmpty {
            let fields = metadata.keys.sorted().map { "\(quoted($0)):\(quoted(metadata[$0]!))" }
            entries.append("\"__metadata__\":{" + fields.joined(separator: ",") + "}")
        }
        var header = "{" + entries.joined(separator: ",") + "}"
        while (8 + header.utf8.count) % 4 != dataStartRemainder { header += " " }
        var file = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(contentsOf: Array(header.utf8))
        file.append(data)
        return file
    }

    public static func write(
        _ tensors: [Tensor], to path: String, metadata: [String: String] = [:], dataStartRemainder: Int = 0
    ) throws {
        try encode(tensors, metadata: metadata, dataStartRemainder: dataStartRemainder).write(to: URL(fileURLWithPath: path))
    }

    /// A JSON string literal.
    private static func quoted(_ text: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }
}
