// Picks the instruction set once, from what the CPU reports and the OS saves on a context
// switch (XCR0): AVX-512 needs the opmask and upper-zmm state, AVX2 the ymm state.
#include "CKernels.h"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

int sadi_rows_product_avx512(int, const void *, size_t, int, int, const float *, int, int, float *, int, int);
int sadi_rows_product_avx2(int, const void *, size_t, int, int, const float *, int, int, float *, int, int);
int sadi_rows_product_portable(int, const void *, size_t, int, int, const float *, int, int, float *, int, int);

int sadi_rows_product_q8_avx512vnni(int, const void *, size_t, int, int, const void *, int, float *, int, int);
int sadi_rows_product_q8_avx2(int, const void *, size_t, int, int, const void *, int, float *, int, int);
int sadi_rows_product_q8_portable(int, const void *, size_t, int, int, const void *, int, float *, int, int);
void sadi_quantize_q8_avx512vnni(const float *, int, int, int, void *);
void sadi_quantize_q8_avx2(const float *, int, int, int, void *);
void sadi_quantize_q8_portable(const float *, int, int, int, void *);

void sadi_attend_avx512(
    const float *, int, int, int, int, const float *const *, const float *const *, const int *, int, int, int, float,
    float *, float *, int);
void sadi_attend_avx2(
    const float *, int, int, int, int, const float *const *, const float *const *, const int *, int, int, int, float,
    float *, float *, int);
void sadi_attend_portable(
    const float *, int, int, int, int, const float *const *, const float *const *, const int *, int, int, int, float,
    float *, float *, int);

static int detect(void) {
#if defined(__x86_64__)
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return SADI_ISA_PORTABLE;
    const int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, f16c = (c >> 29) & 1;
    if (!(osxsave && avx && fma && f16c)) return SADI_ISA_PORTABLE;
    unsigned lo, hi;
    __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    (void)hi;
    if ((lo & 0x6) != 0x6) return SADI_ISA_PORTABLE;  // xmm and ymm state
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return SADI_ISA_PORTABLE;
    const int avx2 = (b >> 5) & 1;
    const int avx512 = ((b >> 16) & 1) && ((b >> 17) & 1) && ((b >> 30) & 1) && ((b >> 31) & 1);  // F DQ BW VL
    if (avx512 && (lo & 0xE6) == 0xE6) return SADI_ISA_AVX512;  // plus opmask, zmm upper halves, zmm16-31
    if (avx2) return SADI_ISA_AVX2;
#endif
    return SADI_ISA_PORTABLE;
}

int sadi_kernels_isa(void) {
    // Every thread computes the same value, so a race here is harmless.
    static volatile int cached = 0;
    int isa = cached;
    if (isa == 0) {
        isa = detect();
        cached = isa;
    }
    return isa;
}

int sadi_kernels_isa_available(int isa) { return isa >= SADI_ISA_PORTABLE && isa <= sadi_kernels_isa(); }

int sadi_rows_product_isa(
    int isa, int type, const void *weights, size_t row_bytes, int rows, int columns, const float *x, int m, int lda,
    float *y, int ldy, int accumulate) {
    if (!sadi_kernels_isa_available(isa) || rows < 0 || m < 0 || columns < 0) return 0;
    switch (isa) {
#if defined(__x86_64__)
    case SADI_ISA_AVX512:
        return sadi_rows_product_avx512(type, weights, row_bytes, rows, columns, x, m, lda, y, ldy, accumulate);
    case SADI_ISA_AVX2:
        return sadi_rows_product_avx2(type, weights, row_bytes, rows, columns, x, m, lda, y, ldy, accumulate);
#endif
    default:
        return sadi_rows_product_portable(type, weights, row_bytes, rows, columns, x, m, lda, y, ldy, accumulate);
    }
}

int sadi_rows_product(
    int type, const void *weights, size_t row_bytes, int rows, int columns, const float *x, int m, int lda, float *y,
    int ldy, int accumulate) {
    return sadi_rows_product_isa(sadi_kernels_isa(), type, weights, row_bytes, rows, columns, x, m, lda, y, ldy, accumulate);
}

/// AVX-512 runs the 8-bit kernels only with VNNI (CPUID leaf 7, ECX bit 11); without it the
/// AVX2 ones (maddubs) run.
static int detect_q8(void) {
    const int isa = sadi_kernels_isa();
#if defined(__x86_64__)
    if (isa == SADI_ISA_AVX512) {
        unsigned a, b, c, d;
        if (__get_cpuid_count(7, 0, &a, &b, &c, &d) && ((c >> 11) & 1)) return SADI_ISA_AVX512;
        return SADI_ISA_AVX2;
    }
#endif
    return isa;
}

int sadi_q8_isa(void) {
    static volatile int cached = 0;
    int isa = cached;
    if (isa == 0) {
        isa = detect_q8();
        cached = isa;
    }
    return isa;
}

int sadi_q8_isa_available(int isa) { return isa >= SADI_ISA_PORTABLE && isa <= sadi_q8_isa(); }

int sadi_rows_product_q8_reads(int type) { return type == 2 || type == 3 || type == 8; }

int sadi_quantize_q8_isa(int isa, const float *x, int m, int lda, int columns, void *out) {
    if (!sadi_q8_isa_available(isa) || m < 0 || columns < 0 || columns % 32 != 0) return 0;
    switch (isa) {
#if defined(__x86_64__)
    case SADI_ISA_AVX512: sadi_quantize_q8_avx512vnni(x, m, lda, columns, out); return 1;
    case SADI_ISA_AVX2: sadi_quantize_q8_avx2(x, m, lda, columns, out); return 1;
#endif
    default: sadi_quantize_q8_portable(x, m, lda, columns, out); return 1;
    }
}

int sadi_quantize_q8(const float *x, int m, int lda, int columns, void *out) {
    return sadi_quantize_q8_isa(sadi_q8_isa(), x, m, lda, columns, out);
}

int sadi_rows_product_q8_isa(
    int isa, int type, const void *weights, size_t row_bytes, int rows, int columns, const void *xq, int m, float *y,
    int ldy, int accumulate) {
    if (!sadi_q8_isa_available(isa) || rows < 0 || m < 0 || columns < 0) return 0;
    switch (isa) {
#if defined(__x86_64__)
    case SADI_ISA_AVX512:
        return sadi_rows_product_q8_avx512vnni(type, weights, row_bytes, rows, columns, xq, m, y, ldy, accumulate);
    case SADI_ISA_AVX2:
        return sadi_rows_product_q8_avx2(type, weights, row_bytes, rows, columns, xq, m, y, ldy, accumulate);
#endif
    default:
        return sadi_rows_product_q8_portable(type, weights, row_bytes, rows, columns, xq, m, y, ldy, accumulate);
    }
}

int sadi_rows_product_q8(
    int type, const void *weights, size_t row_bytes, int rows, int columns, const void *xq, int m, float *y, int ldy,
    int accumulate) {
    return sadi_rows_product_q8_isa(sadi_q8_isa(), type, weights, row_bytes, rows, columns, xq, m, y, ldy, accumulate);
}

void sadi_attend(
    const float *q, int ldq, int rows, int dim, int heads, const float *const *keys, const float *const *values,
    const int *counts, int segments, int ld_kv, int first_visible, float scale, float *scores, float *out, int ldo) {
    switch (sadi_kernels_isa()) {
#if defined(__x86_64__)
    case SADI_ISA_AVX512:
        sadi_attend_avx512(q, ldq, rows, dim, heads, keys, values, counts, segments, ld_kv, first_visible, scale, scores, out, ldo);
        return;
    case SADI_ISA_AVX2:
        sadi_attend_avx2(q, ldq, rows, dim, heads, keys, values, counts, segments, ld_kv, first_visible, scale, scores, out, ldo);
        return;
#endif
    default:
        sadi_attend_portable(q, ldq, rows, dim, heads, keys, values, counts, segments, ld_kv, first_visible, scale, scores, out, ldo);
        return;
    }
}
