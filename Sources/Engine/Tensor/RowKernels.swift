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
}
