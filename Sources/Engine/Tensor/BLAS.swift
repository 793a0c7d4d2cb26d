import COpenBLAS

/// The engine's only entry into OpenBLAS. The engine parallelises around it (see
/// `Parallel`), so OpenBLAS itself is kept to one thread per call; concurrent calls on
/// disjoint outputs are safe in the threaded (pthread) build Debian ships, which
/// `BLASConcurrencyTests` checks.
public enum BLAS {
    /// Makes every OpenBLAS call run on the calling thread alone.
    static func useCallerThreadOnly() {
        openblas_set_num_threads(1)
    }

    /// C[m×n] = alpha · A[m×k] · B[n×k]ᵀ + beta · C, all row-major with leading dimensions.
    @inline(__always)
    static func gemmTransposedB(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        alpha: Float = 1, beta: Float = 0
    ) {
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k),
            alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// C[m×n] = alpha · A[m×k] · B[k×n] + beta · C, row-major.
    @inline(__always)
    static func gemm(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        alpha: Float = 1, beta: Float = 0
    ) {
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
            alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
