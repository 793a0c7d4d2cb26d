// The few-row product with 8-bit activations, Y ≈ X · Wᵀ with X quantised per 32 values
// (ggml's Q8_1: d = max|x|/127, q = round(x/d), s = d·Σq), written once on the vector types of
// VectorTypes.h and compiled per instruction set (KernelsQ8VNNI.c, KernelsAVX2.c,
// KernelsPortable.c).
//
// Every weight type read here is, per 32-value chunk, w_j = a·u_j + b with u_j a level in
// 0..255 (Q4_0: u = nibble, b = -8a; Q4_1: b = the block's min; Q8_0: u = q + 128, b = -128a).
// Against x_j ≈ dx·q_j: Σ w·x = a·dx·Σ u·q + b·s, so a chunk costs one integer dot product of
// u8 levels with s8 quants plus two multiply-adds.
//
// A vector lane is a weight row, not a value: sixteen rows are read together (a gather per
// 4-byte word of a chunk), every word of X's chunk is broadcast to all lanes, and after the
// last chunk each lane holds one output. Nothing is summed across lanes, and the weights of a
// chunk are unpacked once for every row of X.

#include "CKernels.h"
#include "GGMLTypes.h"
#include "VectorTypes.h"

/// X rows whose accumulators stay in registers beside a chunk's eight level vectors.
#if ISA_LEVEL == 3
#define Q8_MAX_GROUP 16
#else
#define Q8_MAX_GROUP 4
#endif

#ifndef Q8_AHEAD
#define Q8_AHEAD 2
#endif

/// Bytes of one quantised block of X: 32 int8 quants, then d and s as floats.
#define Q8_BLOCK 40

// ---- quantising X -----------------------------------------------------------------------

ALWAYS float q8_hmax(vf v) {
    const vf8 a = __builtin_elementwise_max(
        __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7), __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15));
    const vf4 b = __builtin_elementwise_max(__builtin_shufflevector(a, a, 0, 1, 2, 3), __builtin_shufflevector(a, a, 4, 5, 6, 7));
    const float c = b[0] > b[2] ? b[0] : b[2], e = b[1] > b[3] ? b[1] : b[3];
    return c > e ? c : e;
}

/// roundf (halves away from zero) of values within ±127.5, as integers: the same result on
/// every instruction set, without a library call.
ALWAYS vi q8_round(vf v) {
#pragma clang fp contract(off)
    const vi t = __builtin_convertvector(v, vi);  // toward zero
    const vf frac = v - __builtin_convertvector(t, vf);
    // Comparisons give -1 where true.
    return t - (vi)(frac >= 0.5f) + (vi)(frac <= -0.5f);
}

/// One block of 32 values as quantize_row_q8_1_ref does it: d = amax/127, q = round(x/d).
ALWAYS void q8_quantize_block(const float *x, uint8_t *out) {
#pragma clang fp contract(off)
    const vf a = ld_f(x), b = ld_f(x + 16);
    const float amax = q8_hmax(__builtin_elementwise_max(__builtin_elementwise_abs(a), __builtin_elementwise_abs(b)));
    const float d = amax / 127.0f, id = d != 0 ? 1.0f / d : 0.0f;
    const vi qa = q8_round(a * id), qb = q8_round(b * id);
    const vsb ba = __builtin_convertvector(qa, vsb), bb = __builtin_convertvector(qb, vsb);
    memcpy(out, &ba, 16);
    memcpy(out + 16, &bb, 16);
    const vi both = qa + qb;
    int sum = 0;
    for (int j = 0; j < 16; j++) sum += both[j];
    const float s = d * (float)sum;
    memcpy(out + 32, &d, 4);
    memcpy(out + 36, &s, 4);
}

/// m rows of X (`lda` floats apart, `columns` a multiple of 32) into `out`, row after row.
void FN(sadi_quantize_q8_)(const float *x, int m, int lda, int columns, void *out) {
    uint8_t *o = (uint8_t *)out;
    const int chunks = columns / 32;
    for (int i = 0; i < m; i++)
        for (int c = 0; c < chunks; c++) q8_quantize_block(x + (size_t)i * lda + 32 * c, o + ((size_t)i * chunks + c) * Q8_BLOCK);
}

// ---- reading sixteen weight rows at once --------------------------------------------------

/// The 4 bytes at base + offsets[l] in lane l.
ALWAYS vu q8_gather(const uint8_t *base, vi offsets) {
#if ISA_LEVEL == 3
    return (vu)_mm512_i32gather_epi32((__m512i)offsets, base, 1);
#elif ISA_LEVEL == 2
    const __m256i lo = __builtin_shufflevector(offsets, offsets, 0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i hi = __builtin_shufflevector(offsets, offsets, 8, 9, 10, 11, 12, 13, 14, 15);
    typedef uint32_t vu8 __attribute__((ext_vector_type(8)));
    const vu8 a = (vu8)_mm256_i32gather_epi32((const int *)base, lo, 1);
    const vu8 b = (vu8)_mm256_i32gather_epi32((const int *)base, hi, 1);
    return __builtin_shufflevector(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
#else
    vu v;
    for (int l = 0; l < 16; l++) v[l] = ld_u32(base + offsets[l]);
    return v;
#endif
}

/// The 4-byte words at base + offsets[l] (w0) and 4 bytes further (w1). AVX-512 reads both with
/// two 8-lane gathers of 8 bytes and splits them into words: half the loads of two 16-lane gathers
/// (measured 10-25% faster a product with one row of X).
ALWAYS void q8_gather2(const uint8_t *base, vi offsets, vu *w0, vu *w1) {
#if ISA_LEVEL == 3
    const __m256i lo = (__m256i)__builtin_shufflevector(offsets, offsets, 0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i hi = (__m256i)__builtin_shufflevector(offsets, offsets, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i a = _mm512_i32gather_epi64(lo, base, 1), b = _mm512_i32gather_epi64(hi, base, 1);
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    *w0 = (vu)_mm512_permutex2var_epi32(a, even, b);
    *w1 = (vu)_mm512_permutex2var_epi32(a, odd, b);
#else
    *w0 = q8_gather(base, offsets);
    *w1 = q8_gather(base + 4, offsets);
#endif
}

/// The halves in the low 16 bits of each lane, as floats.
ALWAYS vf q8_halves(vu v) {
#if ISA_LEVEL != 1
    typedef _Float16 vh __attribute__((ext_vector_type(16)));
    const vw h = __builtin_convertvector(v & 0xFFFF, vw);
    return __builtin_convertvector((vh)h, vf);
#else
    vf f;
    for (int l = 0; l < 16; l++) f[l] = half_to_float((uint16_t)v[l]);
    return f;
#endif
}

/// acc + Σ_b u_b·q_b per lane: u the four levels (bytes, unsigned) of a lane's word, q the
/// four int8 quants at `x`, the same for every lane. `wide`: levels may exceed 127.
ALWAYS vi q8_dot4(vi acc, vu u, const uint8_t *x, const int wide) {
    const uint32_t word = ld_u32(x);
#if ISA_LEVEL == 3
    (void)wide;
    return (vi)_mm512_dpbusd_epi32((__m512i)acc, (__m512i)u, _mm512_set1_epi32((int)word));
#elif ISA_LEVEL == 2
    // maddubs saturates pairs past 32,767: levels above 127 go in as a low 7 bits and a top bit.
    const __m256i q = _mm256_set1_epi32((int)word), ones = _mm256_set1_epi16(1);
    const __m256i u0 = __builtin_shufflevector(u, u, 0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i u1 = __builtin_shufflevector(u, u, 8, 9, 10, 11, 12, 13, 14, 15);
    typedef int32_t vi8 __attribute__((ext_vector_type(8)));
    vi8 s0, s1;
    if (wide) {
        const __m256i low7 = _mm256_set1_epi8(0x7F), top = _mm256_set1_epi8(1);
        s0 = (vi8)_mm256_madd_epi16(_mm256_maddubs_epi16(u0 & low7, q), ones)
            + ((vi8)_mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_srli_epi16(u0, 7) & top, q), ones) << 7);
        s1 = (vi8)_mm256_madd_epi16(_mm256_maddubs_epi16(u1 & low7, q), ones)
            + ((vi8)_mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_srli_epi16(u1, 7) & top, q), ones) << 7);
    } else {
        s0 = (vi8)_mm256_madd_epi16(_mm256_maddubs_epi16(u0, q), ones);
        s1 = (vi8)_mm256_madd_epi16(_mm256_maddubs_epi16(u1, q), ones);
    }
    return acc + __builtin_shufflevector(s0, s1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
#else
    (void)wide;
    for (int b = 0; b < 4; b++) acc += (vi)((u >> (8 * b)) & 0xFF) * (int32_t)(int8_t)(uint8_t)(word >> (8 * b));
    return acc;
#endif
}

#if ISA_LEVEL == 3
/// Words 0..3 of the 16 bytes at base + offsets[l], lane l in w[k]: sixteen 16-byte loads
/// (four rows a register) and a 16×4 transpose of words, in place of gathers (measured ~1.5x
/// faster for a chunk of Q4 levels on Zen 5, whose gathers are slow).
ALWAYS void q8_words4(const uint8_t *base, vi offsets, vu w[4]) {
    __m512i r[4];
#pragma clang loop unroll(full)
    for (int j = 0; j < 4; j++) {
        __m512i v = _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)(base + offsets[4 * j])));
        v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(base + offsets[4 * j + 1])), 1);
        v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(base + offsets[4 * j + 2])), 2);
        r[j] = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(base + offsets[4 * j + 3])), 3);
    }
    // r[j] word 4i + k is row 4j + i's word k. Words 0 and 1 (2 and 3) of rows 0..7 from r0, r1,
    // and of rows 8..15 from r2, r3; then the halves joined.
    const __m512i even = _mm512_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28, 1, 5, 9, 13, 17, 21, 25, 29);
    const __m512i odd = _mm512_setr_epi32(2, 6, 10, 14, 18, 22, 26, 30, 3, 7, 11, 15, 19, 23, 27, 31);
    const __m512i a01 = _mm512_permutex2var_epi32(r[0], even, r[1]), a23 = _mm512_permutex2var_epi32(r[0], odd, r[1]);
    const __m512i b01 = _mm512_permutex2var_epi32(r[2], even, r[3]), b23 = _mm512_permutex2var_epi32(r[2], odd, r[3]);
    w[0] = (vu)_mm512_shuffle_i64x2(a01, b01, 0x44);
    w[1] = (vu)_mm512_shuffle_i64x2(a01, b01, 0xEE);
    w[2] = (vu)_mm512_shuffle_i64x2(a23, b23, 0x44);
    w[3] = (vu)_mm512_shuffle_i64x2(a23, b23, 0xEE);
}
#endif

ALWAYS int q8_block_bytes(const int type) { return type == GGML_Q4_0 ? 18 : type == GGML_Q4_1 ? 20 : 34; }

/// The levels u (8 words of 4 values, in value order) and the a, b of one chunk of sixteen
/// rows, the chunk at `block` in row 0 and `offsets` further in the others.
ALWAYS void q8_unpack(const int type, const uint8_t *block, vi offsets, vu u[8], vf *a, vf *b) {
#if ISA_LEVEL == 3
    // Sixteen scalar loads put together: faster than the gather here too (Zen 5: 10% a step).
#define W(l) (int)ld_u32(block + offsets[l])
    const vu header = (vu)_mm512_setr_epi32(
        W(0), W(1), W(2), W(3), W(4), W(5), W(6), W(7), W(8), W(9), W(10), W(11), W(12), W(13), W(14), W(15));
#undef W
#else
    const vu header = q8_gather(block, offsets);
#endif
    *a = q8_halves(header);
    switch (type) {
    case GGML_Q4_0: case GGML_Q4_1: {
        const uint8_t *qs = block + (type == GGML_Q4_0 ? 2 : 4);
        vu g[4];
#if ISA_LEVEL == 3
        q8_words4(qs, offsets, g);
#else
        q8_gather2(qs, offsets, &g[0], &g[1]);
        q8_gather2(qs + 8, offsets, &g[2], &g[3]);
#endif
        for (int k = 0; k < 4; k++) {
            // Byte j's low nibble is value j, its high nibble value j + 16.
            u[k] = g[k] & 0x0F0F0F0Fu;
            u[k + 4] = (g[k] >> 4) & 0x0F0F0F0Fu;
        }
        *b = type == GGML_Q4_0 ? *a * -8.0f : q8_halves(header >> 16);
        return;
    }
    default: {  // Q8_0: the signed quants moved to 0..255
#if ISA_LEVEL == 3
        q8_words4(block + 2, offsets, u);
        q8_words4(block + 18, offsets, u + 4);
        for (int k = 0; k < 8; k++) u[k] ^= 0x80808080u;
#else
        for (int k = 0; k < 8; k += 2) {
            q8_gather2(block + 2 + 4 * k, offsets, &u[k], &u[k + 1]);
            u[k] ^= 0x80808080u;
            u[k + 1] ^= 0x80808080u;
        }
#endif
        *b = *a * -128.0f;
        return;
    }
    }
}

/// `group` rows of X against sixteen weight rows: out[i] lane l is row l's product with X row i.
/// The `ahead` bytes at `next` (the next sixteen rows) are prefetched a slice a chunk: sixteen
/// rows read a chunk at a time are sixteen streams, more than the hardware prefetcher follows
/// (without it, weights from L3 ran at half the speed of weights in L2).
ALWAYS void q8_rows(
    const int type, const int group, const uint8_t *w, vi offsets, int chunks, const uint8_t *xq, size_t xrow,
    const uint8_t *next, size_t ahead, vf *out) {
    const int wide = type == GGML_Q8_0, bb = q8_block_bytes(type);
    const size_t slice = ((ahead + (size_t)chunks - 1) / (size_t)chunks + 63) & ~(size_t)63;
    vf acc[Q8_MAX_GROUP];
#pragma clang loop unroll(full)
    for (int i = 0; i < group; i++) acc[i] = 0;
    for (int c = 0; c < chunks; c++) {
        for (size_t o = (size_t)c * slice; o < (size_t)(c + 1) * slice && o < ahead; o += 64) __builtin_prefetch(next + o, 0, 3);
        vu u[8];
        vf a, b;
        q8_unpack(type, w + (size_t)c * bb, offsets, u, &a, &b);
#pragma clang loop unroll(full)
        for (int i = 0; i < group; i++) {
            const uint8_t *x = xq + i * xrow + (size_t)c * Q8_BLOCK;
            // Two chains: the dot products' latency, not their throughput, bounds one row.
            vi p0 = 0, p1 = 0;
#pragma clang loop unroll(full)
            for (int k = 0; k < 8; k += 2) {
                p0 = q8_dot4(p0, u[k], x + 4 * k, wide);
                p1 = q8_dot4(p1, u[k + 1], x + 4 * k + 4, wide);
            }
            float dx, s;
            memcpy(&dx, x + 32, 4);
            memcpy(&s, x + 36, 4);
            acc[i] += __builtin_convertvector(p0 + p1, vf) * (a * dx) + b * s;
        }
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < group; i++) out[i] = acc[i];
}

ALWAYS void q8_rows_product(
    const int type, const uint8_t *w, size_t row_bytes, int rows, int columns, const uint8_t *xq, int m, float *y,
    int ldy, int accumulate) {
    const int chunks = columns / 32;
    const size_t xrow = (size_t)chunks * Q8_BLOCK;
    vf sums[Q8_MAX_GROUP];
    // The rows before the first prefetched ones, requested all at once: a range of rows the
    // thread pool hands out starts cold, and sixteen rows' gathers waiting on memory chunk by
    // chunk cost microseconds a range (measured: 35% of a batched step at 8 ranges a matrix).
    const size_t cold = (size_t)(rows < 16 * Q8_AHEAD ? rows : 16 * Q8_AHEAD) * row_bytes;
    for (size_t o = 0; o < cold; o += 64) __builtin_prefetch(w + o, 0, 3);
    for (int r0 = 0; r0 < rows; r0 += 16) {
        const int lanes = rows - r0 < 16 ? rows - r0 : 16;
        // Lanes past the last row read row 0 again and are not stored.
        vi offsets;
        for (int l = 0; l < 16; l++) offsets[l] = l < lanes ? (int)((size_t)l * row_bytes) : 0;
        const uint8_t *base = w + (size_t)r0 * row_bytes;
        // The next sixteen rows, prefetched while these are read (once, with the first rows of X).
        const int from = r0 + 16 * Q8_AHEAD, to = from + 16 < rows ? from + 16 : rows;
        const size_t ahead = to > from ? (size_t)(to - from) * row_bytes : 0;
        for (int i = 0; i < m;) {
            const int left = m - i;
            int group;
            const uint8_t *xi = xq + (size_t)i * xrow;
#define RUN(G) q8_rows(type, G, base, offsets, chunks, xi, xrow, w + (size_t)from * row_bytes, i == 0 ? ahead : 0, sums), group = G
            if (Q8_MAX_GROUP >= 16 && left >= 16) RUN(16);
            else if (Q8_MAX_GROUP >= 8 && left >= 8) RUN(8);
            else if (left >= 4) RUN(4);
            else if (left == 3) RUN(3);
            else if (left == 2) RUN(2);
            else RUN(1);
#undef RUN
            for (int g = 0; g < group; g++) {
                float *out = y + (size_t)(i + g) * ldy + r0;
                for (int l = 0; l < lanes; l++) out[l] = (accumulate ? out[l] : 0) + sums[g][l];
            }
            i += group;
        }
    }
}

/// The product for Q4_0, Q4_1 and Q8_0 weights against X quantised by sadi_quantize_q8_; 0
/// (nothing written) for other types or a row of partial blocks.
int FN(sadi_rows_product_q8_)(
    int type, const void *w, size_t row_bytes, int rows, int columns, const void *xq, int m, float *y, int ldy,
    int accumulate) {
    if (columns % 32 != 0 || (size_t)row_bytes * 16 > (size_t)INT32_MAX) return 0;
    switch (type) {
    case GGML_Q4_0:
        q8_rows_product(GGML_Q4_0, (const uint8_t *)w, row_bytes, rows, columns, (const uint8_t *)xq, m, y, ldy, accumulate);
        return 1;
    case GGML_Q4_1:
        q8_rows_product(GGML_Q4_1, (const uint8_t *)w, row_bytes, rows, columns, (const uint8_t *)xq, m, y, ldy, accumulate);
        return 1;
    case GGML_Q8_0:
        q8_rows_product(GGML_Q8_0, (const uint8_t *)w, row_bytes, rows, columns, (const uint8_t *)xq, m, y, ldy, accumulate);
        return 1;
    default: return 0;
    }
}
