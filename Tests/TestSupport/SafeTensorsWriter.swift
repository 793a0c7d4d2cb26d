import Foundation

/// Writes a float32 `.safetensors` file, for tests that build checkpoints (shards, damaged
/// headers). `dataStartRemainder` pads the header with spaces so the data section starts at
/// a byte offset with that remainder modulo 4: 1 puts every float at an unaligned address.
public enum SafeTensorsWriter {
    public struct Tensor {
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

    public static func write(_ tensors: [Tensor], to path: String, dataStartRemainder: Int = 0) throws {
        var entries: [String] = []
        var data = Data()
        for tensor in tensors {
            let start = data.count
            for value in tensor.values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
            for value in tensor.integers ?? [] { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append(
                "\"\(tensor.name)\":{\"dtype\":\"\(tensor.integers == nil ? "F32" : "I64")\",\"shape\":[\(shape)],\"data_offsets\":[\(start),\(data.count)]}"
            )
        }
        var header = "{" + entries.joined(separator: ",") + "}"
        while (8 + header.utf8.count) % 4 != dataStartRemainder { header += " " }
        var file = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(contentsOf: Array(header.utf8))
        file.append(data)
        try file.write(to: URL(fileURLWithPath: path))
    }
}
