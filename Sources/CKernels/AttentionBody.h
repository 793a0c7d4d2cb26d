// Softmax attention of a few query rows of one head over its keys and values, for decoding:
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

void FN(sadi_attend_)(
    const float *q, int ldq, int rows, int dim, const float *const *keys, const float *const *values,
    const int *counts, int segments, int ld_kv, int first_visible, float scale, float *scores, float *out,
    int ldo) {
    int total = 0;
    for (int s = 0; s < segments; s++) total += counts[s];
    for (int i = 0; i < rows; i++) {
        const float *qi = q + (size_t)i * ldq;
        float *oi = out + (size_t)i * ldo;
        int visible = first_visible + i;
        if (visible > total) visible = total;
        if (visible <= 0) {
            for (int d = 0; d < dim; d++) oi[d] = 0;
            continue;
        }
        // Scores of the visible keys, in position order across the segments.
        float maximum = -__builtin_inff();
        for (int s = 0, j = 0; s < segments && j < visible; s++) {
            const float *k = keys[s];
            for (int t = 0; t < counts[s] && j < visible; t++, j++) {
                const float score = attention_dot(qi, k + (size_t)t * ld_kv, dim) * scale;
                scores[j] = score;
                maximum = score > maximum ? score : maximum;
            }
        }
        // Softmax numerators and their sum.
        vf sums = 0;
        int j = 0;
        for (; j + 16 <= visible; j += 16) {
            const vf e = attention_exp(ld_f(scores + j) - maximum);
            memcpy(scores + j, &e, sizeof e);
            sums += e;
        }
        float sum = hsum(sums);
        if (j < visible) {
            vf tail = -__builtin_inff();
            for (int t = j; t < visible; t++) tail[t - j] = scores[t];
            const vf e = attention_exp(tail - maximum);
            for (int t = j; t < visible; t++) {
                scores[t] = e[t - j];
                sum += e[t - j];
            }
        }
        const float inverse = 1 / sum;
        // Σ p·v, 16 dimensions at a time across all visible positions.
        int d = 0;
        for (; d + 16 <= dim; d += 16) {
            vf acc0 = 0, acc1 = 0;
            for (int s = 0, jj = 0; s < segments && jj < visible; s++) {
                const float *v = values[s] + d;
                int t = 0;
                for (; t + 2 <= counts[s] && jj + 2 <= visible; t += 2, jj += 2) {
                    acc0 += (vf)scores[jj] * ld_f(v + (size_t)t * ld_kv);
                    acc1 += (vf)scores[jj + 1] * ld_f(v + (size_t)(t + 1) * ld_kv);
                }
                if (t < counts[s] && jj < visible) {
                    acc0 += (vf)scores[jj] * ld_f(v + (size_t)t * ld_kv);
                    jj++;
                }
            }
            const vf result = (acc0 + acc1) * inverse;
            memcpy(oi + d, &result, sizeof result);
        }
        for (; d < dim; d++) {
            float acc = 0;
            for (int s = 0, jj = 0; s < segments && jj < visible; s++)
                for (int t = 0; t < counts[s] && jj < visible; t++, jj++)
                    acc += scores[jj] * values[s][(size_t)t * ld_kv + d];
            oi[d] = acc * inverse;
        }
    }
}
