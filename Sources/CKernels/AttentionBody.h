// Softmax attention of a few query rows of the query heads of one KV head, for decoding:
// with one query row, sgemm calls (three or four per head and layer) cost more in call
// overhead than the arithmetic, and the KV state's two runs of positions (a fork's parent's
// and its own) are walked directly here.

#include "CKernels.h"
#include "VectorTypes.h"

/// Σ a[k]·b[k] over `count` floats.
ALWAYS float attention_dot(const float *a, const float *b, int count) {
    vf acc = 0;
    int k = 0;
    for (; k + 16 <= count; k += 16) acc += ld_f(a + k) * ld_f(b + k);
    float sum = hsum(acc);
    for (; k < count; k++) sum += a[k] * b[k];
    return sum;
}

/// e^x on 16 lanes: x = n·ln2 + r, a degree-6 polynomial for e^r (the same reduction and
/// coefficients as VectorMath.exp in the Swift engine, accurate to ~2 ulp).
ALWAYS vf attention_exp(vf x) {
    const vf v = __builtin_elementwise_min(__builtin_elementwise_max(x, (vf)-87.3f), (vf)88.3f);
    const vf magic = 12582912.0f;  // 1.5 · 2^23: adding it rounds to an integer
    const vf shifted = v * 1.44269504f + magic;
    const vf n = shifted - magic;
    vf r = v - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    vf p = 1.98756915e-4f;
    p = p * r + 1.39819995e-3f;
    p = p * r + 8.33345190e-3f;
    p = p * r + 4.16657960e-2f;
    p = p * r + 1.66666655e-1f;
    p = p * r + 5.00000010e-1f;
    p = p * (r * r) + r + 1;
    // The low bits of `shifted` hold n; n + 127 goes into the exponent field.
    const vi bits = (((vi)shifted - 0x4B400000) + 127) << 23;
    return p * (vf)bits;
}

/// Where `sums16` expects position p's accumulator: slot i holds position score_slot[i] (a
/// 4×4 transpose, its own inverse).
static const int score_slot[16] = {0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15};

/// The lane sums of sixteen vectors as one vector, lane p the sum of the vector in slot
/// score_slot[p]: halves of pairs added, four times (46 operations where sixteen separate
/// `hsum`s take about 130 and leave the sums in scalar registers).
ALWAYS vf sums16(const vf *a) {
    vf b[8], c[4], e[2];
#pragma clang loop unroll(full)
    for (int i = 0; i < 8; i++)
        b[i] = __builtin_shufflevector(a[2 * i], a[2 * i + 1], 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23)
            + __builtin_shufflevector(a[2 * i], a[2 * i + 1], 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
#pragma clang loop unroll(full)
    for (int i = 0; i < 4; i++)
        c[i] = __builtin_shufflevector(b[2 * i], b[2 * i + 1], 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27)
            + __builtin_shufflevector(b[2 * i], b[2 * i + 1], 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
#pragma clang loop unroll(full)
    for (int i = 0; i < 2; i++)
        e[i] = __builtin_shufflevector(c[2 * i], c[2 * i + 1], 0, 16, 1, 17, 4, 20, 5, 21, 8, 24, 9, 25, 12, 28, 13, 29)
            + __builtin_shufflevector(c[2 * i], c[2 * i + 1], 2, 18, 3, 19, 6, 22, 7, 23, 10, 26, 11, 27, 14, 30, 15, 31);
    return __builtin_shufflevector(e[0], e[1], 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29)
        + __builtin_shufflevector(e[0], e[1], 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31);
}

/// Scores of sixteen consecutive keys (`kt`, `ld_kv` floats apart) for each of `heads` query
/// heads, times `scale`, into scores + h·total; returns nothing, raises `maximum`.
ALWAYS void score_block(
    const float *qi, int dim, int heads, const float *kt, int ld_kv, float scale, float *scores, int total,
    vf *maximum) {
    for (int h = 0; h < heads; h++) {
        vf acc[16];
#pragma clang loop unroll(full)
        for (int i = 0; i < 16; i++) acc[i] = 0;
        for (int d = 0; d < dim; d += 16) {
            const vf qd = ld_f(qi + h * dim + d);
#pragma clang loop unroll(full)
            for (int i = 0; i < 16; i++) acc[i] += qd * ld_f(kt + (size_t)score_slot[i] * ld_kv + d);
        }
        const vf sc = sums16(acc) * scale;
        memcpy(scores + (size_t)h * total, &sc, sizeof sc);
        maximum[h] = __builtin_elementwise_max(maximum[h], sc);
    }
}

/// Query heads of one group handled in one pass over the keys and values.
#define ATTENTION_MAX_HEADS 8

/// Positions ahead whose keys and values are prefetched.
#ifndef ATTENTION_AHEAD
#define ATTENTION_AHEAD 24
#endif

/// Rows × `heads` query heads (at most ATTENTION_MAX_HEADS) that share one head of keys and
/// values. Each key and value vector is loaded once for all of them: in grouped-query models
/// (three query heads a KV head in SmolLM2) decoding many sequences streams the whole KV state
/// every step, so reading it once per group instead of once per head cuts that traffic by the
/// group's size. Every head's arithmetic is in the same order as with one head alone.
ALWAYS void attend_group(
    const float *q, int ldq, int rows, int dim, int heads, const float *const *keys, const float *const *values,
    const int *counts, int segments, int ld_kv, int first_visible, float scale, float *scores, float *out, int ldo,
    int total) {
    // The first positions' keys and values requested at once: the KV state of many sequences
    // is far larger than the caches, and a key waited on is ~100 ns of nothing.
    for (int s = 0, j = 0; s < segments && j < ATTENTION_AHEAD; s++)
        for (int t = 0; t < counts[s] && j < ATTENTION_AHEAD; t++, j++)
            for (int d = 0; d < dim; d += 16) {
                __builtin_prefetch(keys[s] + (size_t)t * ld_kv + d, 0, 3);
                __builtin_prefetch(values[s] + (size_t)t * ld_kv + d, 0, 3);
            }
    for (int i = 0; i < rows; i++) {
        const float *qi = q + (size_t)i * ldq;
        float *oi = out + (size_t)i * ldo;
        int visible = first_visible + i;
        if (visible > total) visible = total;
        if (visible <= 0) {
            for (int h = 0; h < heads; h++)
                for (int d = 0; d < dim; d++) oi[h * dim + d] = 0;
            continue;
        }
        // Scores of the visible keys, in position order across the segments: head h's at
        // scores + h·total.
        vf touched = 0;
        float maximum[ATTENTION_MAX_HEADS];
        vf block_maximum[ATTENTION_MAX_HEADS];
        for (int h = 0; h < heads; h++) maximum[h] = -__builtin_inff(), block_maximum[h] = -__builtin_inff();
        for (int s = 0, j = 0; s < segments && j < visible; s++) {
            const float *k = keys[s];
            int t = 0;
            // Sixteen keys at a time where the head size is whole vectors: their dot products
            // are summed across lanes together (`sums16`).
            if (dim % 16 == 0)
                for (; t + 16 <= counts[s] && j + 16 <= visible; t += 16, j += 16) {
                    // These positions' values loaded now, beside their keys (and summed into
                    // `touched`, so the loads stay): the weighted sum below then finds them in
                    // cache. Prefetch instructions for them measured no faster than nothing,
                    // and the sum over values waiting on memory was a third of attention.
                    for (int p = 0; p < 16; p++) {
                        const float *vp = values[s] + (size_t)(t + p) * ld_kv;
                        for (int d = 0; d < dim; d += 16) touched += ld_f(vp + d);
                    }
                    score_block(qi, dim, heads, k + (size_t)t * ld_kv, ld_kv, scale, scores + j, total, block_maximum);
                }
            for (; t < counts[s] && j < visible; t++, j++) {
                const float *kt = k + (size_t)t * ld_kv;
                // Keys and values lie ld_kv floats apart (every KV head's beside each other), a
                // stride the hardware prefetcher follows poorly: fetch both some positions
                // ahead, so the values are in cache when the weighted sum below reads them.
                if (t + ATTENTION_AHEAD < counts[s]) {
                    const float *kp = kt + (size_t)ATTENTION_AHEAD * ld_kv;
                    const float *vp = values[s] + (size_t)(t + ATTENTION_AHEAD) * ld_kv;
                    for (int d = 0; d < dim; d += 16) {
                        __builtin_prefetch(kp + d, 0, 3);
                        __builtin_prefetch(vp + d, 0, 3);
                    }
                }
                vf acc[ATTENTION_MAX_HEADS];
                for (int h = 0; h < heads; h++) acc[h] = 0;
                int d = 0;
                for (; d + 16 <= dim; d += 16) {
                    const vf kv = ld_f(kt + d);
                    for (int h = 0; h < heads; h++) acc[h] += ld_f(qi + h * dim + d) * kv;
                }
                for (int h = 0; h < heads; h++) {
                    float sum = hsum(acc[h]);
                    for (int e = d; e < dim; e++) sum += qi[h * dim + e] * kt[e];
                    const float score = sum * scale;
                    scores[(size_t)h * total + j] = score;
                    maximum[h] = score > maximum[h] ? score : maximum[h];
                }
            }
        }
        // A branch on one lane keeps the loads (and lets them be single floats); it does nothing.
        if (touched[3] == 1234.5f) __asm__ volatile("" : : : "memory");
        for (int h = 0; h < heads; h++) {
            const float m = __builtin_reduce_max(block_maximum[h]);
            maximum[h] = m > maximum[h] ? m : maximum[h];
        }
        // Softmax numerators and their sums.
        float inverse[ATTENTION_MAX_HEADS];
        for (int h = 0; h < heads; h++) {
            float *sh = scores + (size_t)h * total;
            vf sums = 0;
            int j = 0;
            for (; j + 16 <= visible; j += 16) {
                const vf e = attention_exp(ld_f(sh + j) - maximum[h]);
                memcpy(sh + j, &e, sizeof e);
                sums += e;
            }
            float sum = hsum(sums);
            if (j < visible) {
                vf tail = -__builtin_inff();
                for (int t = j; t < visible; t++) tail[t - j] = sh[t];
                const vf e = attention_exp(tail - maximum[h]);
                for (int t = j; t < visible; t++) {
                    sh[t] = e[t - j];
                    sum += e[t - j];
                }
            }
            inverse[h] = 1 / sum;
        }
        // Σ p·v, 16 dimensions at a time across all visible positions, two chains a head.
        int d = 0;
        for (; d + 16 <= dim; d += 16) {
            vf acc0[ATTENTION_MAX_HEADS], acc1[ATTENTION_MAX_HEADS];
            for (int h = 0; h < heads; h++) acc0[h] = acc1[h] = 0;
            for (int s = 0, jj = 0; s < segments && jj < visible; s++) {
                const float *v = values[s] + d;
                int t = 0;
                for (; t + 2 <= counts[s] && jj + 2 <= visible; t += 2, jj += 2) {
                    const vf v0 = ld_f(v + (size_t)t * ld_kv), v1 = ld_f(v + (size_t)(t + 1) * ld_kv);
                    for (int h = 0; h < heads; h++) {
                        acc0[h] += (vf)scores[(size_t)h * total + jj] * v0;
                        acc1[h] += (vf)scores[(size_t)h * total + jj + 1] * v1;
                    }
                }
                if (t < counts[s] && jj < visible) {
                    const vf v0 = ld_f(v + (size_t)t * ld_kv);
                    for (int h = 0; h < heads; h++) acc0[h] += (vf)scores[(size_t)h * total + jj] * v0;
                    jj++;
                }
            }
            for (int h = 0; h < heads; h++) {
                const vf result = (acc0[h] + acc1[h]) * inverse[h];
                memcpy(oi + h * dim + d, &result, sizeof result);
            }
        }
        for (; d < dim; d++) {
            for (int h = 0; h < heads; h++) {
                float acc = 0;
                for (int s = 0, jj = 0; s < segments && jj < visible; s++)
                    for (int t = 0; t < counts[s] && jj < visible; t++, jj++)
                        acc += scores[(size_t)h * total + jj] * values[s][(size_t)t * ld_kv + d];
                oi[h * dim + d] = acc * inverse[h];
            }
        }
    }
}

void FN(sadi_attend_)(
    const float *q, int ldq, int rows, int dim, int heads, const float *const *keys, const float *const *values,
    const int *counts, int segments, int ld_kv, int first_visible, float scale, float *scores, float *out, int ldo) {
    int total = 0;
    for (int s = 0; s < segments; s++) total += counts[s];
    for (int h0 = 0; h0 < heads; h0 += ATTENTION_MAX_HEADS) {
        const int group = heads - h0 < ATTENTION_MAX_HEADS ? heads - h0 : ATTENTION_MAX_HEADS;
        // The group size as a constant, so each head's accumulators stay in registers (with a
        // variable count they lived on the stack: 3-4x slower from the caches).
#define GROUP(G)                                                                                                  \
    case G:                                                                                                       \
        attend_group(                                                                                             \
            q + h0 * dim, ldq, rows, dim, G, keys, values, counts, segments, ld_kv, first_visible, scale, scores, \
            out + h0 * dim, ldo, total);                                                                          \
        break;
        switch (group) {
            GROUP(1)
            GROUP(2)
            GROUP(3)
            GROUP(4)
            GROUP(5)
            GROUP(6)
            GROUP(7)
            GROUP(8)
        }
#undef GROUP
    }
}
