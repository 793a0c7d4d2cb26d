import Foundation
import Harness

/// Lower-case hex SHA-256 of a byte buffer, through the product's own `SHA256`.
public func sha256Hex(_ bytes: UnsafeRawBufferPointer) -> String {
    SHA256.hex(of: Data(bytes))
}

/// SHA-256 of an array's bytes, e.g. a dequantised [Float] compared with `sha256_f32_le`.
public func sha256Hex<T>(_ array: [T]) -> String {
    array.withUnsafeBytes { sha256Hex($0) }
}
