// The few-row product Y = X · Wᵀ straight from ggml blocks, written once on the vector types
// of VectorTypes.h and compiled once per instruction set.
//
// The unit of work is a chunk of 32 weights: each type decodes a chunk into two vectors of
// its integer levels (q0: values 0..15, q1: 16..31) and has a scale and an offset per 16
// values, so a weight is q·s + m exactly as ggml dequantises it. With one row of X and a
// scale shared by the whole chunk, Σ w·x = s·Σ q·x + m·Σ x: the scale is applied once per
// chunk and the offsets once per row against X's chunk sums. Otherwise each chunk's weights
// are formed in registers (q·s + m, one FMA per 16) and dotted with every row of X.
// Nothing is written to memory but the outputs.

#include "CKernels.h"
#include "GGMLTypes.h"
#include "VectorTypes.h"

/// Values per segment of a row: the per-16 scales and offsets of a segment are formed first
/// (scalar work), then its chunks are dotted (vector work).
#define SEGMENT_CHUNKS 64
/// Bytes ahead of the current row to prefetch: the rows of a matrix are read once per
/// product, and the hardware prefetcher alone left the loop waiting on memory.
#define PREFETCH_BYTES 4096
/// X rows handled together at most: their accumulators must stay in registers.
#if ISA_LEVEL == 3
#define MAX_GROUP 16
#else
#define MAX_GROUP 4
#endif

/// kvalues_iq4nl (ggml-common.h).
static const int8_t iq4_table[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

/// iq4_table[i] as floats for sixteen indices (0..15 each).
ALWAYS vf iq4_lookup(vb indices) {
#if ISA_LEVEL == 3
    const __m512 table = _mm512_setr_ps(-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113);
    vi index = __builtin_convertvector(indices, vi);
    return (vf)_mm512_permutexvar_ps((__m512i)index, table);
#elif ISA_LEVEL == 2
    __m128i table;
    memcpy(&table, iq4_table, 16);
    __m128i bytes = _mm_shuffle_epi8(table, (__m128i)indices);
    return sb_to_f((vsb)bytes);
#else
    vf v;
    for (int i = 0; i < 16; i++) v[i] = (float)iq4_table[indices[i] & 15];
    return v;
#endif
}

// ---- per-type layout -------------------------------------------------------------------

/// Values per block (float types: 32, a chunk, so rows of any multiple of 32 values run here).
ALWAYS int block_values(const int type) {
    switch (type) {
    case GGML_Q2_K: case GGML_Q3_K: case GGML_Q4_K: case GGML_Q5_K: case GGML_Q6_K: case GGML_IQ4_XS: return 256;
    default: return 32;
    }
}

/// Bytes per block (float types: per 32 values).
ALWAYS int block_bytes(const int type) {
    switch (type) {
    case GGML_F32: return 128;
    case GGML_F16: case GGML_BF16: return 64;
    case GGML_Q4_0: return 18;
    case GGML_Q4_1: return 20;
    case GGML_Q5_0: return 22;
    case GGML_Q5_1: return 24;
    case GGML_Q8_0: return 34;
    case GGML_IQ4_NL: return 18;
    case GGML_Q2_K: return 84;
    case GGML_Q3_K: return 110;
    case GGML_Q4_K: return 144;
    case GGML_Q5_K: return 176;
    case GGML_Q6_K: return 210;
    case GGML_IQ4_XS: return 136;
    default: return 0;
    }
}

/// Float types: no scale, no offset.
ALWAYS int is_float(const int type) { return type == GGML_F32 || type == GGML_F16 || type == GGML_BF16; }

/// One scale and one offset for all 32 values of a chunk.
ALWAYS int shares_scale(const int type) {
    return !(type == GGML_Q2_K || type == GGML_Q3_K || type == GGML_Q6_K);
}

/// Whether the offsets can be nonzero.
ALWAYS int has_offset(const int type) {
    return !(is_float(type) || type == GGML_Q8_0 || type == GGML_IQ4_NL || type == GGML_IQ4_XS || type == GGML_Q3_K);
}

/// Q4_K/Q5_K: the 6-bit scale and min of sub-block j (get_scale_min_k4 in ggml).
ALWAYS void scale_min_k4(int j, const uint8_t *q, int *scale, int *min) {
    if (j < 4) {
        *scale = q[j] & 63;
        *min = q[j + 4] & 63;
    } else {
        *scale = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        *min = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

/// Q3_K: the sixteen 6-bit scales, unpacked as dequantize_row_q3_K does (minus 32).
ALWAYS int q3k_scale(const uint8_t *block, int index) {
    const uint32_t k1 = 0x03030303u, k2 = 0x0F0F0F0Fu;
    uint32_t a0 = ld_u32(block + 96), a1 = ld_u32(block + 100), t = ld_u32(block + 104), word;
    switch (index >> 2) {
    case 0: word = (a0 & k2) | ((t & k1) << 4); break;
    case 1: word = (a1 & k2) | (((t >> 2) & k1) << 4); break;
    case 2: word = ((a0 >> 4) & k2) | (((t >> 4) & k1) << 4); break;
    default: word = ((a1 >> 4) & k2) | (((t >> 6) & k1) << 4); break;
    }
    return (int)(int8_t)(uint8_t)(word >> (8 * (index & 3))) - 32;
}

/// Floats `chunk_scales` writes per chunk: [s, m] for a chunk-wide scale with offsets, [s]
/// without offsets, [s0, m0, s1, m1] when the two halves of a chunk have their own.
ALWAYS int scale_floats(const int type) { return !shares_scale(type) ? 4 : has_offset(type) ? 2 : 1; }

typedef _Float16 vh2 __attribute__((ext_vector_type(2)));
typedef float vf2 __attribute__((ext_vector_type(2)));

/// The scales and offsets of chunk `c` (0..<block_values/32) of `block`, as `scale_floats`
/// says: values 0..15 of the chunk are q·s0 + m0, values 16..31 are q·s1 + m1.
ALWAYS void chunk_scales(const int type, const uint8_t *block, int c, float *out) {
    switch (type) {
    case GGML_Q4_0: case GGML_Q5_0: {
        const float d = half_to_float(ld_u16(block));
        out[0] = d;
        out[1] = (type == GGML_Q4_0 ? -8 : -16) * d;
        return;
    }
    case GGML_Q4_1: case GGML_Q5_1: {
#if ISA_LEVEL != 1
        // d and m are adjacent halves: one conversion for both.
        vh2 h;
        memcpy(&h, block, 4);
        const vf2 f = __builtin_convertvector(h, vf2);
        memcpy(out, &f, 8);
#else
        out[0] = half_to_float(ld_u16(block));
        out[1] = half_to_float(ld_u16(block + 2));
#endif
        return;
    }
    case GGML_Q8_0: case GGML_IQ4_NL:
        out[0] = half_to_float(ld_u16(block));
        return;
    case GGML_IQ4_XS: {
        const int low = (block[4 + c / 2] >> (4 * (c % 2))) & 0xF, high = (ld_u16(block + 2) >> (2 * c)) & 3;
        out[0] = half_to_float(ld_u16(block)) * (float)((low | (high << 4)) - 32);
        return;
    }
    case GGML_Q4_K: case GGML_Q5_K: {
        int scale, min;
        scale_min_k4(c, block + 4, &scale, &min);
        out[0] = half_to_float(ld_u16(block)) * (float)scale;
        out[1] = -(half_to_float(ld_u16(block + 2)) * (float)min);
        return;
    }
    case GGML_Q6_K: {
        const int n = c >> 2, k = c & 3;
        const float d = half_to_float(ld_u16(block + 208));
        out[0] = d * (float)(int8_t)block[192 + 8 * n + 2 * k];
        out[1] = -32 * out[0];
        out[2] = d * (float)(int8_t)block[192 + 8 * n + 2 * k + 1];
        out[3] = -32 * out[2];
        return;
    }
    case GGML_Q2_K: {
        const int n = c >> 2, j = c & 3;
        const uint8_t a = block[8 * n + 2 * j], b = block[8 * n + 2 * j + 1];
        const float d = half_to_float(ld_u16(block + 80)), dmin = half_to_float(ld_u16(block + 82));
        out[0] = d * (float)(a & 0xF);
        out[1] = -(dmin * (float)(a >> 4));
        out[2] = d * (float)(b & 0xF);
        out[3] = -(dmin * (float)(b >> 4));
        return;
    }
    case GGML_Q3_K: {
        const int n = c >> 2, j = c & 3;
        const float d = half_to_float(ld_u16(block + 108));
        out[0] = d * (float)q3k_scale(block, 8 * n + 2 * j);
        out[1] = 0;
        out[2] = d * (float)q3k_scale(block, 8 * n + 2 * j + 1);
        out[3] = 0;
        return;
    }
    default:
        return;
    }
}

/// The block holding chunk `c` of a row, and the chunk's index within it.
ALWAYS const uint8_t *chunk_block(const int type, const uint8_t *row, int c, int *within) {
    const int per = block_values(type) / 32;
    *within = c % per;
    return row + (size_t)(c / per) * block_bytes(type);
}

/// Whether `row_scales` picks this type's scales out with vector permutes: a half (and for
/// Q4_1/Q5_1 the offset half after it) at the start of each block of 32 values.
ALWAYS int permutes_scales(const int type) {
    return ISA_LEVEL == 3
        && (type == GGML_Q4_0 || type == GGML_Q4_1 || type == GGML_Q5_0 || type == GGML_Q5_1 || type == GGML_Q8_0
            || type == GGML_IQ4_NL);
}

/// How `row_scales` reads a segment of `count` chunks of any row of a type: worked out once
/// per product, since it is the same for every row.
typedef struct {
    int count, steps;
#if ISA_LEVEL == 3
    /// Word indices into two loads (the second's words are 32 on): [d, m] pairs, or each d
    /// twice (Q4_0/Q5_0, then scaled by `offset_scale`), or each d once.
    __m512i index;
    __m512 offset_scale;
    /// Bytes of each load inside the segment (so nothing past the matrix is read).
    __mmask64 masks[2 * (SEGMENT_CHUNKS / 4 + 1)];
#endif
} ScalePlan;

ALWAYS ScalePlan scale_plan(const int type, int count) {
    ScalePlan plan;
    plan.count = count;
    plan.steps = 0;
#if ISA_LEVEL == 3
    if (permutes_scales(type)) {
        const int bytes = block_bytes(type), pair = type == GGML_Q4_1 || type == GGML_Q5_1, k = scale_floats(type);
        const int p = (64 - (pair ? 4 : 2)) / bytes + 1, end = count * bytes;
        uint16_t words[32] = {0};
        for (int i = 0; i < 2 * p; i++) {
            const int w = (i < p ? 0 : 32) + (i % p) * bytes / 2;
            if (pair || k == 2) {
                words[2 * i] = (uint16_t)w;
                words[2 * i + 1] = (uint16_t)(pair ? w + 1 : w);
            } else {
                words[i] = (uint16_t)w;
            }
        }
        memcpy(&plan.index, words, 64);
        const float low = type == GGML_Q4_0 ? -8.0f : -16.0f;
        plan.offset_scale = _mm512_setr_ps(1, low, 1, low, 1, low, 1, low, 1, low, 1, low, 1, low, 1, low);
        // Chunks up to a multiple of 8 (the offsets are summed 16 floats, 8 chunks, at a time).
        const int padded = (count + 7) / 8 * 8;
        for (int c = 0; c < padded; c += 2 * p, plan.steps++) {
            const int n0 = end - c * bytes, n1 = end - (c + p) * bytes;
            plan.masks[2 * plan.steps] = n0 >= 64 ? ~0ull : n0 > 0 ? (1ull << n0) - 1 : 0;
            plan.masks[2 * plan.steps + 1] = n1 >= 64 ? ~0ull : n1 > 0 ? (1ull << n1) - 1 : 0;
        }
    }
#endif
    return plan;
}

/// `chunk_scales` for chunks first..<first+plan.count of `row` into sm (scale_floats a chunk),
/// then zeros up to a multiple of 8 chunks. Under AVX-512 the leading halves of 2p blocks come
/// from two 64-byte loads and one word permute (p blocks start within a load): chunk by
/// chunk, the scalar loads, conversions and stores took about as long as the dot products of
/// a one-row product over 576 columns. (Gathers measured slower than either.)
ALWAYS void row_scales(const int type, const ScalePlan *plan, const uint8_t *row, int first, float *sm) {
    const int k = scale_floats(type), count = plan->count;
#if ISA_LEVEL == 3
    if (permutes_scales(type)) {
        const int bytes = block_bytes(type), pair = type == GGML_Q4_1 || type == GGML_Q5_1;
        const int p = (64 - (pair ? 4 : 2)) / bytes + 1;
        const uint8_t *base = row + (size_t)first * bytes;
        for (int step = 0; step < plan->steps; step++) {
            const int c = 2 * p * step;
            const __m512i a = _mm512_maskz_loadu_epi8(plan->masks[2 * step], base + c * bytes);
            const __m512i b = _mm512_maskz_loadu_epi8(plan->masks[2 * step + 1], base + (c + p) * bytes);
            const __m512 f = _mm512_cvtph_ps(_mm512_castsi512_si256(_mm512_permutex2var_epi16(a, plan->index, b)));
            if (pair) _mm512_storeu_ps(sm + 2 * c, f);
            else if (k == 2) _mm512_storeu_ps(sm + 2 * c, _mm512_mul_ps(f, plan->offset_scale));
            else _mm512_storeu_ps(sm + c, f);
        }
        return;
    }
#endif
    for (int c = 0; c < count; c++) {
        int within;
        chunk_scales(type, chunk_block(type, row, first + c, &within), within, sm + k * c);
    }
    for (int j = k * count; j < k * ((count + 7) / 8 * 8); j++) sm[j] = 0;
}

/// The integer levels of chunk `c` of `block` as floats: q0 holds values 0..15, q1 16..31.
ALWAYS void chunk_levels(const int type, const uint8_t *block, int c, vf *q0, vf *q1) {
    switch (type) {
    case GGML_F32:
        *q0 = ld_f((const float *)block);
        *q1 = ld_f((const float *)block + 16);
        return;
    case GGML_F16:
        *q0 = halves_to_f(block);
        *q1 = halves_to_f(block + 32);
        return;
    case GGML_BF16:
        *q0 = bf16_to_f(block);
        *q1 = bf16_to_f(block + 32);
        return;
    case GGML_Q4_0: case GGML_Q4_1: {
        // Widened once, split into nibbles as 32-bit lanes: one byte-to-lane widening a chunk.
        const vu q = __builtin_convertvector(ld_b(block + (type == GGML_Q4_0 ? 2 : 4)), vu);
#if ISA_LEVEL == 3
        // The low nibble as an index into 0..15: vpermps reads only an index's low 4 bits, so
        // it replaces the mask and the conversion (measured 15-20% faster per block).
        const __m512 levels = _mm512_setr_ps(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        *q0 = (vf)_mm512_permutexvar_ps((__m512i)q, levels);
#else
        *q0 = __builtin_convertvector((vi)(q & 15), vf);
#endif
        *q1 = __builtin_convertvector((vi)(q >> 4), vf);
        return;
    }
    case GGML_Q5_0: case GGML_Q5_1: {
        const int at = type == GGML_Q5_0 ? 2 : 4;
        const uint32_t qh = ld_u32(block + at);
        const vb q = ld_b(block + at + 4);
        const vu lane = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
        // Bit j of qh is bit 4 of value j: shift it to bit 4 of lane j (and of lane j-16).
        const vu high0 = (((vu)(qh << 4)) >> lane) & 16, high1 = (((vu)(qh >> 12)) >> lane) & 16;
        *q0 = __builtin_convertvector(__builtin_convertvector(q & 15, vu) | high0, vf);
        *q1 = __builtin_convertvector(__builtin_convertvector(q >> 4, vu) | high1, vf);
        return;
    }
    case GGML_Q8_0: {
        vsb a, b;
        memcpy(&a, block + 2, 16);
        memcpy(&b, block + 18, 16);
        *q0 = sb_to_f(a);
        *q1 = sb_to_f(b);
        return;
    }
    case GGML_IQ4_NL: {
        const vb q = ld_b(block + 2);
        *q0 = iq4_lookup(q & 15);
        *q1 = iq4_lookup(q >> 4);
        return;
    }
    case GGML_IQ4_XS: {
        const vb q = ld_b(block + 8 + 16 * c);
        *q0 = iq4_lookup(q & 15);
        *q1 = iq4_lookup(q >> 4);
        return;
    }
    case GGML_Q4_K: case GGML_Q5_K: {
        const int pair = c >> 1, shift = 4 * (c & 1);
        const uint8_t *qs = block + (type == GGML_Q4_K ? 16 : 48) + 32 * pair;
        vb a = (ld_b(qs) >> shift) & 15, b = (ld_b(qs + 16) >> shift) & 15;
        if (type == GGML_Q5_K) {
            a |= ((ld_b(block + 16) >> c) & 1) << 4;
            b |= ((ld_b(block + 32) >> c) & 1) << 4;
        }
        *q0 = b_to_f(a);
        *q1 = b_to_f(b);
        return;
    }
    case GGML_Q6_K: {
        const int n = c >> 2, k = c & 3;
        const uint8_t *ql = block + 64 * n + 32 * (k & 1), *qh = block + 128 + 32 * n;
        const int nibble = 4 * (k >> 1), high = 2 * k;
        const vb a = ((ld_b(ql) >> nibble) & 15) | (((ld_b(qh) >> high) & 3) << 4);
        const vb b = ((ld_b(ql + 16) >> nibble) & 15) | (((ld_b(qh + 16) >> high) & 3) << 4);
        *q0 = b_to_f(a);
        *q1 = b_to_f(b);
        return;
    }
    case GGML_Q2_K: {
        const int n = c >> 2, shift = 2 * (c & 3);
        const uint8_t *qs = block + 16 + 32 * n;
        *q0 = b_to_f((ld_b(qs) >> shift) & 3);
        *q1 = b_to_f((ld_b(qs + 16) >> shift) & 3);
        return;
    }
    case GGML_Q3_K: {
        const int n = c >> 2, j = c & 3, shift = 2 * j;
        const uint8_t *qs = block + 32 + 32 * n, bit = (uint8_t)(1u << (4 * n + j));
        // A clear hmask bit subtracts 4 from the 2-bit level.
        const vsb a = (vsb)((ld_b(qs) >> shift) & 3) - (vsb)(((ld_b(block) & bit) == 0) & 4);
        const vsb b = (vsb)((ld_b(qs + 16) >> shift) & 3) - (vsb)(((ld_b(block + 16) & bit) == 0) & 4);
        *q0 = sb_to_f(a);
        *q1 = sb_to_f(b);
        return;
    }
    default:
        *q0 = *q1 = (vf)0;
        return;
    }
}

/// Q4_0/Q4_1 for one row of X, in "byte form": with b = 16·h + l a quant byte (l the low
/// nibble, value j; h the high one, value j + 16), l·x_j + h·x_{j+16} = l·(x_j − x_{j+16}/16)
/// + b·(x_{j+16}/16), so against X rewritten that way once per call (`byte_form_inputs`) a
/// chunk needs l and b, not l and h: one conversion fewer per chunk than `chunk_levels`.
ALWAYS int uses_byte_form(const int type) { return type == GGML_Q4_0 || type == GGML_Q4_1; }

/// The low nibbles (q0) and whole bytes (q1) of a Q4_0/Q4_1 chunk, as floats.
ALWAYS void chunk_bytes(const int type, const uint8_t *block, vf *q0, vf *q1) {
    const vu q = __builtin_convertvector(ld_b(block + (type == GGML_Q4_0 ? 2 : 4)), vu);
#if ISA_LEVEL == 3
    const __m512 levels = _mm512_setr_ps(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    *q0 = (vf)_mm512_permutexvar_ps((__m512i)q, levels);
#else
    *q0 = __builtin_convertvector((vi)(q & 15), vf);
#endif
    *q1 = __builtin_convertvector((vi)q, vf);
}

/// X's chunks rewritten for `chunk_bytes`: (x_j − x_{j+16}/16, x_{j+16}/16) for j < 16.
ALWAYS void byte_form_inputs(const float *x, int chunks, float *out) {
    for (int c = 0; c < chunks; c++) {
        const vf low = ld_f(x + 32 * c), high = ld_f(x + 32 * c + 16) * 0.0625f;
        const vf a = low - high;
        memcpy(out + 32 * c, &a, sizeof a);
        memcpy(out + 32 * c + 16, &high, sizeof high);
    }
}

// ---- kernels over one segment of one weight row --------------------------------------

/// One row of X and a chunk-wide scale: Σ s·(q·x) per chunk; the offsets, interleaved with
/// the scales in `sm`, are dotted with X's chunk sums interleaved with zeros (`xsums`).
ALWAYS float segment_one_row(
    const int type, const int byte_form, const uint8_t *row, int first, int count, const float *x, const float *sm,
    const float *xsums) {
    const int k = scale_floats(type);
    vf a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    int c = 0, within;
    for (; c + 2 <= count; c += 2) {
        vf q0, q1, r0, r1;
        if (byte_form) {
            chunk_bytes(type, chunk_block(type, row, first + c, &within), &q0, &q1);
            chunk_bytes(type, chunk_block(type, row, first + c + 1, &within), &r0, &r1);
        } else {
            chunk_levels(type, chunk_block(type, row, first + c, &within), within, &q0, &q1);
            chunk_levels(type, chunk_block(type, row, first + c + 1, &within), within, &r0, &r1);
        }
        const float *xc = x + 32 * (first + c);
        if (is_float(type)) {
            a0 += q0 * ld_f(xc);
            a1 += q1 * ld_f(xc + 16);
            a2 += r0 * ld_f(xc + 32);
            a3 += r1 * ld_f(xc + 48);
        } else {
            a0 += (vf)sm[k * c] * (q0 * ld_f(xc) + q1 * ld_f(xc + 16));
            a2 += (vf)sm[k * c + k] * (r0 * ld_f(xc + 32) + r1 * ld_f(xc + 48));
        }
    }
    if (c < count) {
        vf q0, q1;
        if (byte_form) chunk_bytes(type, chunk_block(type, row, first + c, &within), &q0, &q1);
        else chunk_levels(type, chunk_block(type, row, first + c, &within), within, &q0, &q1);
        const float *xc = x + 32 * (first + c);
        if (is_float(type)) {
            a0 += q0 * ld_f(xc);
            a1 += q1 * ld_f(xc + 16);
        } else {
            a0 += (vf)sm[k * c] * (q0 * ld_f(xc) + q1 * ld_f(xc + 16));
        }
    }
    float sum = hsum((a0 + a1) + (a2 + a3));
    if (has_offset(type)) {
        // sm is zero-padded past the segment, so whole vectors can be read.
        vf o = 0;
        for (int j = 0; j < 2 * count; j += 16) o += ld_f(sm + j) * ld_f(xsums + 2 * first + j);
        sum += hsum(o);
    }
    return sum;
}

/// Weight rows taken together against one row of X: they share every load of X, and their
/// sums are reduced together (rows of 576 values are only 18 chunks, so a row's own reduction
/// and loop overhead cost as much as a third of its dot product).
#define ROW_BLOCK 4

/// `segment_one_row` for ROW_BLOCK weight rows, `row_bytes` apart; `sm` holds each row's scales
/// `sm_stride` floats apart, and `offsets` each row's offset terms as a vector to sum. Adds
/// each row's sum to `out`.
ALWAYS void segment_row_block(
    const int type, const int byte_form, const uint8_t *row, size_t row_bytes, int first, int count, const float *x,
    const float *sm, int sm_stride, const vf *offsets, float *out) {
    const int k = scale_floats(type);
    vf acc[ROW_BLOCK];
#pragma clang loop unroll(full)
    for (int j = 0; j < ROW_BLOCK; j++) acc[j] = offsets[j];
    for (int c = 0; c < count; c++) {
        const float *xc = x + 32 * (first + c);
        const vf x0 = ld_f(xc), x1 = ld_f(xc + 16);
#pragma clang loop unroll(full)
        for (int j = 0; j < ROW_BLOCK; j++) {
            vf q0, q1;
            int within;
            const uint8_t *block = chunk_block(type, row + (size_t)j * row_bytes, first + c, &within);
            if (byte_form) chunk_bytes(type, block, &q0, &q1);
            else chunk_levels(type, block, within, &q0, &q1);
            if (is_float(type)) acc[j] += q0 * x0 + q1 * x1;
            else acc[j] += (vf)sm[j * sm_stride + k * c] * (q0 * x0 + q1 * x1);
        }
    }
    // The four sums at once: halve each vector and add pairs of rows, twice.
    const vf a01 = __builtin_shufflevector(acc[0], acc[1], 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23)
        + __builtin_shufflevector(acc[0], acc[1], 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
    const vf a23 = __builtin_shufflevector(acc[2], acc[3], 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23)
        + __builtin_shufflevector(acc[2], acc[3], 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
    // Lanes 0-7 row 0, 8-15 row 1 (a01); likewise rows 2, 3: fold each 8 into 4.
    const vf b = __builtin_shufflevector(a01, a23, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27)
        + __builtin_shufflevector(a01, a23, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
    // Four lanes a row now: rows 0, 1, 2, 3 in lanes 0-3, 4-7, 8-11, 12-15.
    const vf8 h = __builtin_shufflevector(b, b, 0, 1, 4, 5, 8, 9, 12, 13)
        + __builtin_shufflevector(b, b, 2, 3, 6, 7, 10, 11, 14, 15);
    const vf4 g = __builtin_shufflevector(h, h, 0, 2, 4, 6) + __builtin_shufflevector(h, h, 1, 3, 5, 7);
#pragma clang loop unroll(full)
    for (int j = 0; j < ROW_BLOCK; j++) out[j] += g[j];
}

/// The scales of chunks first..<first+count of ROW_BLOCK rows into `sm` (`stride` floats a
/// row) and each row's offset terms against X's chunk sums as a vector to sum.
ALWAYS void prepare_row_block(
    const int type, const ScalePlan *plan, const uint8_t *row, size_t row_bytes, int first, const float *xsums,
    float *sm, int stride, vf *offsets) {
    const int count = plan->count;
    for (int j = 0; j < ROW_BLOCK; j++) {
        offsets[j] = 0;
        if (is_float(type)) continue;
        float *s = sm + j * stride;
        row_scales(type, plan, row + j * row_bytes, first, s);
        if (has_offset(type))
            for (int i = 0; i < 2 * count; i += 16) offsets[j] += ld_f(s + i) * ld_f(xsums + 2 * first + i);
    }
}

/// `group` rows of X: each chunk's weights are formed in registers and dotted with all of them.
ALWAYS void segment_rows(
    const int type, const int group, const uint8_t *row, int first, int count, const float *x, int lda,
    const float *sm, float *out) {
    const int k = scale_floats(type);
    // Two accumulators a row hide the FMA latency when few rows share a chunk.
    const int split = (group <= 4 && MAX_GROUP > 4) ? 2 : 1;
    vf acc[MAX_GROUP][2];
    // Fully unrolled, so the accumulators live in registers.
#pragma clang loop unroll(full)
    for (int i = 0; i < group; i++)
        for (int k = 0; k < split; k++) acc[i][k] = 0;
    for (int c = 0; c < count; c++) {
        int within;
        vf w0, w1;
        chunk_levels(type, chunk_block(type, row, first + c, &within), within, &w0, &w1);
        if (k == 4) {
            w0 = w0 * (vf)sm[4 * c] + (vf)sm[4 * c + 1];
            w1 = w1 * (vf)sm[4 * c + 2] + (vf)sm[4 * c + 3];
        } else if (k == 2) {
            w0 = w0 * (vf)sm[2 * c] + (vf)sm[2 * c + 1];
            w1 = w1 * (vf)sm[2 * c] + (vf)sm[2 * c + 1];
        } else if (!is_float(type)) {
            w0 = w0 * (vf)sm[c];
            w1 = w1 * (vf)sm[c];
        }
        const float *xc = x + 32 * (first + c);
#pragma clang loop unroll(full)
        for (int i = 0; i < group; i++) {
            acc[i][0] += w0 * ld_f(xc + (size_t)i * lda);
            acc[i][split - 1] += w1 * ld_f(xc + (size_t)i * lda + 16);
        }
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < group; i++) out[i] = hsum(split == 2 ? acc[i][0] + acc[i][split - 1] : acc[i][0]);
}

/// The whole product for one type (a constant after inlining).
ALWAYS void rows_product(
    const int type, const uint8_t *w, size_t row_bytes, int rows, int columns, const float *x, int m, int lda,
    float *y, int ldy, int accumulate) {
    const int chunks = columns / 32, tail = columns % 32;
    // X's chunk sums, interleaved with zeros to meet the [s, m] pairs of a one-row product.
    enum { max_chunks = 2048 };
    const int one_row = m == 1 && shares_scale(type) && (!has_offset(type) || chunks <= max_chunks);
    float xsums[2 * max_chunks + 16];
    if (one_row && has_offset(type)) {
        for (int c = 0; c < chunks; c++) {
            xsums[2 * c] = 0;
            xsums[2 * c + 1] = hsum(ld_f(x + 32 * c) + ld_f(x + 32 * c + 16));
        }
        for (int c = 2 * chunks; c < 2 * chunks + 16; c++) xsums[c] = 0;
    }
    // One row of Q4_0/Q4_1: X in byte form (on the stack, for rows up to 16,384 values).
    enum { max_byte_form = 16384 };
    const int byte_form = one_row && uses_byte_form(type) && columns <= max_byte_form;
    float byte_inputs[byte_form ? max_byte_form : 1];
    if (byte_form) byte_form_inputs(x, chunks, byte_inputs);
    const float *one_row_x = byte_form ? byte_inputs : x;
    float sm[4 * SEGMENT_CHUNKS + 16], sums[MAX_GROUP];
    // The bytes before the first prefetched ones, requested all at once: a range of rows the
    // thread pool hands out starts cold.
    const size_t cold = (size_t)rows * row_bytes < PREFETCH_BYTES ? (size_t)rows * row_bytes : PREFETCH_BYTES;
    for (size_t o = 0; o < cold; o += 64) __builtin_prefetch(w + o, 0, 3);
    int r = 0;
    if (one_row && tail == 0 && ISA_LEVEL != 1) {
        enum { stride = 2 * SEGMENT_CHUNKS + 16 };
        // Scales of the next block of rows are formed before this block's dot products: read
        // right after they are stored, the vector stores stalled the loads that broadcast them.
        float block_sm[2][ROW_BLOCK * stride];
        vf offsets[2][ROW_BLOCK];
        const int single = chunks <= SEGMENT_CHUNKS;
        const ScalePlan whole = scale_plan(type, single ? chunks : SEGMENT_CHUNKS), segment = whole;
        if (single && rows >= ROW_BLOCK)
            prepare_row_block(type, &whole, w, row_bytes, 0, xsums, block_sm[0], stride, offsets[0]);
        for (int b = 0; r + ROW_BLOCK <= rows; r += ROW_BLOCK, b ^= 1) {
            const uint8_t *row = w + (size_t)r * row_bytes;
            for (size_t o = 0; o < ROW_BLOCK * row_bytes; o += 64) __builtin_prefetch(row + PREFETCH_BYTES + o, 0, 3);
            float block_sums[ROW_BLOCK] = {0};
            if (single) {
                if (r + 2 * ROW_BLOCK <= rows)
                    prepare_row_block(type, &whole, row + ROW_BLOCK * row_bytes, row_bytes, 0, xsums, block_sm[b ^ 1],
                        stride, offsets[b ^ 1]);
                segment_row_block(
                    type, byte_form, row, row_bytes, 0, chunks, one_row_x, block_sm[b], stride, offsets[b], block_sums);
            } else {
                for (int first = 0; first < chunks; first += SEGMENT_CHUNKS) {
                    const int count = chunks - first < SEGMENT_CHUNKS ? chunks - first : SEGMENT_CHUNKS;
                    const ScalePlan plan = count == SEGMENT_CHUNKS ? segment : scale_plan(type, count);
                    prepare_row_block(type, &plan, row, row_bytes, first, xsums, block_sm[0], stride, offsets[0]);
                    segment_row_block(
                        type, byte_form, row, row_bytes, first, count, one_row_x, block_sm[0], stride, offsets[0],
                        block_sums);
                }
            }
            for (int j = 0; j < ROW_BLOCK; j++) y[r + j] = (accumulate ? y[r + j] : 0) + block_sums[j];
        }
    }
    for (; r < rows; r++) {
        const uint8_t *row = w + (size_t)r * row_bytes;
        for (size_t o = 0; o < row_bytes; o += 64) __builtin_prefetch(row + PREFETCH_BYTES + o, 0, 3);
        for (int first = 0; first < chunks; first += SEGMENT_CHUNKS) {
            const int count = chunks - first < SEGMENT_CHUNKS ? chunks - first : SEGMENT_CHUNKS;
            if (!is_float(type)) {
                const ScalePlan plan = scale_plan(type, count);
                row_scales(type, &plan, row, first, sm);
            }
            if (one_row) {
                const float s = segment_one_row(type, byte_form, row, first, count, one_row_x, sm, xsums);
                y[r] = (first == 0 && !accumulate ? 0 : y[r]) + s;
                continue;
            }
            for (int i = 0; i < m;) {
                const int left = m - i;
                int group;
                const float *xi = x + (size_t)i * lda;
#define RUN(G) segment_rows(type, G, row, first, count, xi, lda, sm, sums), group = G
                if (MAX_GROUP >= 16 && left >= 16) RUN(16);
                else if (MAX_GROUP >= 8 && left >= 8) RUN(8);
                else if (left >= 4) RUN(4);
                else if (left == 3) RUN(3);
                else if (left == 2) RUN(2);
                else RUN(1);
#undef RUN
                for (int g = 0; g < group; g++) {
                    float *out = y + (size_t)(i + g) * ldy + r;
                    *out = (first == 0 && !accumulate ? 0 : *out) + sums[g];
                }
                i += group;
            }
        }
        if (tail) {
            // Float types only (quantised rows are whole blocks): the last columns % 32 values.
            for (int i = 0; i < m; i++) {
                const float *xi = x + (size_t)i * lda + 32 * chunks;
                const uint8_t *rest = row + (size_t)chunks * block_bytes(type);
                float s = 0;
                for (int k = 0; k < tail; k++) {
                    float v;
                    if (type == GGML_F32) memcpy(&v, rest + 4 * k, 4);
                    else if (type == GGML_F16) v = half_to_float(ld_u16(rest + 2 * k));
                    else {
                        uint32_t bits = (uint32_t)ld_u16(rest + 2 * k) << 16;
                        memcpy(&v, &bits, 4);
                    }
                    s += v * xi[k];
                }
                float *out = y + (size_t)i * ldy + r;
                *out = (chunks == 0 && !accumulate ? 0 : *out) + s;
            }
        }
    }
}

#define TYPE_CASE(T)                                                                                      \
    case T:                                                                                               \
        if (!is_float(T) && columns % block_values(T) != 0) return 0;                                    \
        rows_product(T, (const uint8_t *)w, row_bytes, rows, columns, x, m, lda, y, ldy, accumulate); \
        return 1;

/// The product for any type this file reads; 0 for others.
int FN(sadi_rows_product_)(
    int type, const void *w, size_t row_bytes, int rows, int columns, const float *x, int m, int lda, float *y,
    int ldy, int accumulate) {
    switch (type) {
        TYPE_CASE(GGML_F32)
        TYPE_CASE(GGML_F16)
        TYPE_CASE(GGML_BF16)
        TYPE_CASE(GGML_Q4_0)
        TYPE_CASE(GGML_Q4_1)
        TYPE_CASE(GGML_Q5_0)
        TYPE_CASE(GGML_Q5_1)
        TYPE_CASE(GGML_Q8_0)
        TYPE_CASE(GGML_Q2_K)
        TYPE_CASE(GGML_Q3_K)
        TYPE_CASE(GGML_Q4_K)
        TYPE_CASE(GGML_Q5_K)
        TYPE_CASE(GGML_Q6_K)
        TYPE_CASE(GGML_IQ4_NL)
        TYPE_CASE(GGML_IQ4_XS)
    default: return 0;
    }
}
