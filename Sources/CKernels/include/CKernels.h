#ifndef SADI_CKERNELS_H
#define SADI_CKERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "WorkerPool.h"

#ifdef __cplusplus
extern "C" {
#endif

/// The instruction sets the kernels are compiled for; `sadi_kernels_isa` says which one runs.
enum {
    /// Plain C vectors for the baseline target (SSE2 on x86-64, NEON on arm64).
    SADI_ISA_PORTABLE = 1,
    /// AVX2 with FMA and F16C (x86-64 since Haswell, 2013).
    SADI_ISA_AVX2 = 2,
    /// AVX-512 F/BW/VL/DQ (Skylake-SP and later servers, Ice Lake and later).
    SADI_ISA_AVX512 = 3,
};

/// The best instruction set this CPU and OS support (detected once, from CPUID and XCR0).
int sadi_kernels_isa(void);

/// Whether `isa` can run here.
int sadi_kernels_isa_available(int isa);

/// Y = X · Wᵀ for a few rows of X, read straight from W's stored blocks:
/// y[i·ldy + r] = (accumulate ? y[i·ldy + r] : 0) + Σ_k W[r][k] · x[i·lda + k] for r < rows,
/// i < m. W's rows, in ggml type `type` (ggml.h numbering), start `row_bytes` apart and hold
/// `columns` values each, a whole number of blocks. Weights are widened to float32 in
/// registers and never written out; X stays float32. Returns 0 (and writes nothing) when the
/// type is not one of F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K..Q6_K, IQ4_NL,
/// IQ4_XS or `columns` is not a whole number of its blocks, 1 otherwise.
int sadi_rows_product(
    int type, const void *weights, size_t row_bytes, int rows, int columns,
    const float *x, int m, int lda, float *y, int ldy, int accumulate);

/// The same product on a chosen instruction set (tests compare them); returns 0 when the
/// type is not read or `isa` cannot run here.
int sadi_rows_product_isa(
    int isa, int type, const void *weights, size_t row_bytes, int rows, int columns,
    const float *x, int m, int lda, float *y, int ldy, int accumulate);

/// Bytes of one block of 32 values of X quantised for the 8-bit products: 32 int8 quants q,
/// then d and s as float32 (x ≈ d·q, s = d·Σq; ggml's Q8_1 with float scales).
enum { SADI_Q8_BLOCK_BYTES = 40 };

/// The instruction set the 8-bit products run on here: AVX-512 needs VNNI (vpdpbusd), else
/// AVX2's maddubs runs.
int sadi_q8_isa(void);

/// Whether `isa` can run the 8-bit products here.
int sadi_q8_isa_available(int isa);

/// Whether `sadi_rows_product_q8` reads weights of ggml type `type` (Q4_0, Q4_1, Q8_0).
int sadi_rows_product_q8_reads(int type);

/// Quantises m rows of X (`lda` floats apart, `columns` a multiple of 32 values) into `out`,
/// m · columns/32 blocks of SADI_Q8_BLOCK_BYTES, row after row, as ggml's quantize_row_q8_1
/// does: d = max|x|/127, q = roundf(x/d). The same bytes on every instruction set. Returns 0
/// (nothing written) when `columns` is not a multiple of 32 or `isa` cannot run here.
int sadi_quantize_q8(const float *x, int m, int lda, int columns, void *out);
int sadi_quantize_q8_isa(int isa, const float *x, int m, int lda, int columns, void *out);

/// y[i·ldy + r] = (accumulate ? y[i·ldy + r] : 0) + Σ_chunks a·dx·Σ u·q + b·s: the product of
/// W's rows with X quantised by `sadi_quantize_q8` (`xq`, m rows), where a weight is a·u + b
/// per 32 values. Integer dot products are exact; only the per-chunk float sums round.
/// Returns 0 (nothing written) for a type `sadi_rows_product_q8_reads` refuses, `columns`
/// not a multiple of 32, or an `isa` that cannot run here.
int sadi_rows_product_q8(
    int type, const void *weights, size_t row_bytes, int rows, int columns, const void *xq, int m, float *y, int ldy,
    int accumulate);
int sadi_rows_product_q8_isa(
    int isa, int type, const void *weights, size_t row_bytes, int rows, int columns, const void *xq, int m, float *y,
    int ldy, int accumulate);

/// Softmax attention of `rows` query rows of `heads` query heads that share one head of keys
/// and values: for head h, out[i·ldo + h·dim + d] = Σ_j p_ij · v_j[d] with p_i = softmax_j(scale
/// · q_i · k_j), q_i at q + i·ldq + h·dim, over the first min(total, first_visible + i)
/// positions (the causal mask; total = Σ counts). Positions come in order from `segments` runs:
/// run s holds counts[s] keys at keys[s] and values at values[s], `ld_kv` floats apart. `dim`
/// values a head; `scores` holds at least min(heads, 8) · total floats of scratch.
void sadi_attend(
    const float *q, int ldq, int rows, int dim, int heads, const float *const *keys, const float *const *values,
    const int *counts, int segments, int ld_kv, int first_visible, float scale, float *scores, float *out, int ldo);

#ifdef __cplusplus
}
#endif

#endif
