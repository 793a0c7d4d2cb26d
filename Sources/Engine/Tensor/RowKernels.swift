import CKernels

/// The fused few-row kernels of the `CKernels` target: Y = X · Wᵀ read straight from a
/// weight's stored blocks, compiled for several instruction sets and picked at run time.
public enum RowKernels {
    /// What the kernels are compiled for, best last.
    public enum InstructionSet: Int32, CaseIterable, Sendable, CustomStringConvertible {
        case portable = 1, avx2 = 2, avx512 = 3

        public var description: String {
            switch self {
            case .portable: return "portable C"
            case .avx2: return "AVX2"
            case .avx512: return "AVX-512"
            }
        }
    }

    /// The instruction set products run on here (the CPU's and OS's best).
    public static var active: InstructionSet { InstructionSet(rawValue: sadi_kernels_isa()) ?? .portable }

    /// Every instruction set this machine can run.
    static var available: [InstructionSet] {
        InstructionSet.allCases.filter { sadi_kernels_isa_available($0.rawValue) != 0 }
    }

    /// y[i·ldy + r] (+)= row r of the `rows` weight rows at `base` · x row i, for i < m; false
    /// (nothing written) when the kernels do not read `type`. `isa` nil: the active set.
    @inline(__always)
    static func product(
        _ type: GGMLType, _ base: UnsafeRawPointer, rowBytes: Int, rows: Int, columns: Int,
        x: UnsafePointer<Float>, m: Int, lda: Int, into y: UnsafeMutablePointer<Float>, ldy: Int,
        accumulate: Bool, isa: InstructionSet? = nil
    ) -> Bool {
        sadi_rows_product_isa(
            (isa ?? active).rawValue, Int32(type.rawValue), base, rowBytes, Int32(rows), Int32(columns), x,
            Int32(m), Int32(lda), y, Int32(ldy), accumulate ? 1 : 0) != 0
    }

    /// The instruction set the 8-bit products run on here (AVX-512 needs VNNI).
    public static var activeInt8: InstructionSet { InstructionSet(rawValue: sadi_q8_isa()) ?? .portable }

    /// Every instruction set this machine runs the 8-bit products on.
    static var availableInt8: [InstructionSet] {
        InstructionSet.allCases.filter { sadi_q8_isa_available($0.rawValue) != 0 }
    }

    /// Whether `productInt8` reads weights of `type`.
    static func readsInt8(_ type: GGMLType) -> Bool { sadi_rows_product_q8_reads(Int32(type.rawValue)) != 0 }

    /// Bytes of `m` rows of `columns` values quantised by `quantize`.
    static func quantizedBytes(m: Int, columns: Int) -> Int { m * (columns / 32) * Int(SADI_Q8_BLOCK_BYTES) }

    /// Quantises `m` rows of X (`lda` floats apart) to 8 bits per value into `buffer`, grown as
    /// needed; nil when `columns` is not a multiple of 32 (the float products run then).
    static func quantize(
        _ x: UnsafePointer<Float>, m: Int, lda: Int, columns: Int, into buffer: FloatBuffer, isa: InstructionSet? = nil
    ) -> UnsafeRawPointer? {
        guard columns % 32 == 0 else { return nil }
        let out = buffer.reserve((quantizedBytes(m: m, columns: columns) + 3) / 4)
        let done = sadi_quantize_q8_isa((isa ?? activeInt8).rawValue, x, Int32(m), Int32(lda), Int32(columns), out)
        return done != 0 ? UnsafeRawPointer(out) : nil
    }

    /// Like `product`, with X quantised by `quantize`; false (nothing written) when the 8-bit
    /// kernels do not read `type`.
    @inline(__always)
    static func productInt8(
        _ type: GGMLType, _ base: UnsafeRawPointer, rowBytes: Int, rows: Int, columns: Int, x: UnsafeRawPointer, m: Int,
        into y: UnsafeMutablePointer<Float>, ldy: Int, accumulate: Bool, isa: InstructionSet? = nil
    ) -> Bool {
        sadi_rows_product_q8_isa(
            (isa ?? activeInt8).rawValue, Int32(type.rawValue), base, rowBytes, Int32(rows), Int32(columns), x, Int32(m), y,
            Int32(ldy), accumulate ? 1 : 0) != 0
    }
}
