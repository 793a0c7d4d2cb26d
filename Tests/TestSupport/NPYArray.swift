import Foundation

/// A float32 or int32 array read from a NumPy .npy file (version 1 or 2, little-endian,
/// C order), as the reference outputs in ../shared/reference are stored.
public struct NPYArray: Sendable {
    public let shape: [Int]
    public let floats: [Float]

    public var count: Int { floats.count }
    public var ints: [Int32] { floats.map { Int32($0) } }

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TestDataError("cannot read \(path)")
        }
        let bytes = [UInt8](data)
        guard bytes.count > 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
            throw TestDataError("\(path) is not an .npy file")
        }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        if major == 1 {
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        } else {
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        guard !header.contains("'fortran_order': True") else { throw TestDataError("\(path) is Fortran-ordered") }
        guard let shapeStart = header.range(of: "'shape': ("),
            let shapeEnd = header[shapeStart.upperBound...].firstIndex(of: ")")
        else {
            throw TestDataError("\(path): no shape in header \(header)")
        }
        shape = header[shapeStart.upperBound..<shapeEnd]
            .split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let count = shape.reduce(1, *)
        let body = headerStart + headerLength
        if header.contains("'<f4'") {
            guard bytes.count >= body + count * 4 else { throw TestDataError("\(path) is truncated") }
            floats = bytes.withUnsafeBytes { raw in
                (0..<count).map {
                    Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: body + $0 * 4, as: UInt32.self)))
                }
            }
        } else if header.contains("'<i4'") {
            guard bytes.count >= body + count * 4 else { throw TestDataError("\(path) is truncated") }
            floats = bytes.withUnsafeBytes { raw in
                (0..<count).map { Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: body + $0 * 4, as: Int32.self))) }
            }
        } else if header.contains("'<i8'") {
            guard bytes.count >= body + count * 8 else { throw TestDataError("\(path) is truncated") }
            floats = bytes.withUnsafeBytes { raw in
                (0..<count).map { Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: body + $0 * 8, as: Int64.self))) }
            }
        } else {
            throw TestDataError("\(path): unsupported dtype in \(header)")
        }
    }

    /// Raw bit patterns of a float32 file, for bit-exact comparisons.
    public static func rawFloat32Bytes(path: String) throws -> [UInt8] {
        let array = try NPYArray(path: path)
        var out: [UInt8] = []
        out.reserveCapacity(array.count * 4)
        for f in array.floats { withUnsafeBytes(of: f.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        return out
    }
}

public struct TestDataError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
