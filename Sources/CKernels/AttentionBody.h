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
        float maximum[ATTENTION_MAX_HEADS];
        for (int h = 0; h < heads; h++) maximum[h] = -__builtin_inff();
        for (int s = 0, j = 0; s < segments && j < visible; s++) {
            const float *k = keys[s];
            for (int t = 0; t < counts[s] && j < visible; t++, j++) {
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
        attend_group(
            q + h0 * dim, ldq, rows, dim, group, keys, values, counts, segments, ld_kv, first_visible, scale, scores,
            out + h0 * dim, ldo, total);
    }
}
