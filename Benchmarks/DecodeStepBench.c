// The weight products of one decoding step of the default model (SmolLM2-135M, Q4_1 layers and a
// Q8_0 output matrix: ~96 MB read once a step, as in `sadi-eval bench`), on one thread, with the
// rows of every matrix cut into ranges as the engine's thread pool cuts them.
// Build and run from the repository root:
//   clang -O3 -ISources/CKernels/include Benchmarks/DecodeStepBench.c Sources/CKernels/Dispatch.c \
//     Sources/CKernels/Kernels*.c Sources/CKernels/WorkerPool.c -lpthread -lm -o /tmp/stepbench && /tmp/stepbench
// Prints milliseconds a step (thread CPU time, best of the repetitions) and G weights/s for
// float32 and 8-bit activations, one row of X (one sequence) and 16 (batched decoding).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "CKernels.h"

static uint64_t state = 0x9E3779B97F4A7C15ull;
static uint64_t next(void) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

enum { layers = 30, hidden = 576, ffn = 1536, vocab = 49152, matrices = 7 * layers + 1 };

typedef struct {
    int type, rows, columns;
    size_t row_bytes;
    uint8_t *w;
} Matrix;

static Matrix make(int type, int rows, int columns) {
    const int block = type == 3 ? 20 : type == 2 ? 18 : 34;
    Matrix m = {type, rows, columns, (size_t)columns / 32 * block, NULL};
    const size_t bytes = m.row_bytes * rows;
    m.w = malloc(bytes);
    for (size_t j = 0; j < bytes; j++) m.w[j] = (uint8_t)next();
    // Small finite scales (and Q4_1 offsets): halves with exponents near 2^-9.
    for (size_t b = 0; b < bytes; b += block) {
        m.w[b + 1] = (m.w[b + 1] & 0x83) | 0x10;
        if (type == 3) m.w[b + 3] = (m.w[b + 3] & 0x83) | 0x10;
    }
    return m;
}

/// One step: every matrix times X, its rows in `split` ranges as Parallel.forRanges cuts them.
static void step(const Matrix *all, const float *x, const void *xq, int m, int split, int int8, float *y) {
    for (int k = 0; k < matrices; k++) {
        const Matrix *a = &all[k];
        const int chunks = a->rows / 64 < split ? (a->rows / 64 > 0 ? a->rows / 64 : 1) : split;
        for (int c = 0; c < chunks; c++) {
            // Range ends on multiples of 16 rows (the 8-bit kernel's lanes), as the engine cuts them.
            const int groups = (a->rows + 15) / 16, lo = 16 * (groups * c / chunks);
            const int hi = c + 1 == chunks ? a->rows : 16 * (groups * (c + 1) / chunks);
            const uint8_t *w = a->w + (size_t)lo * a->row_bytes;
            if (int8 && sadi_rows_product_q8_reads(a->type))
                sadi_rows_product_q8(a->type, w, a->row_bytes, hi - lo, a->columns, xq, m, y + lo, a->rows, 0);
            else sadi_rows_product(a->type, w, a->row_bytes, hi - lo, a->columns, x, m, a->columns, y + lo, a->rows, 0);
        }
    }
}

int main(int argc, char **argv) {
    // Arguments: repetitions, ranges a matrix, and optionally one row count and "float" or "int8".
    const int reps = argc > 1 ? atoi(argv[1]) : 20, split = argc > 2 ? atoi(argv[2]) : 8;
    const int only_m = argc > 3 ? atoi(argv[3]) : 0, only_kind = argc > 4 ? (strcmp(argv[4], "int8") == 0) : -1;
    Matrix all[matrices];
    double weights = 0;
    for (int l = 0; l < layers; l++) {
        const int shapes[7][2] = {{hidden, hidden}, {192, hidden}, {192, hidden}, {hidden, hidden}, {ffn, hidden},
            {ffn, hidden}, {hidden, ffn}};
        for (int j = 0; j < 7; j++) all[7 * l + j] = make(3, shapes[j][0], shapes[j][1]);
    }
    all[matrices - 1] = make(8, vocab, hidden);
    for (int k = 0; k < matrices; k++) weights += (double)all[k].rows * all[k].columns;
    float *x = malloc(sizeof(float) * 16 * ffn), *y = malloc(sizeof(float) * 16 * vocab);
    for (int j = 0; j < 16 * ffn; j++) x[j] = (float)((int)(next() % 2001) - 1000) / 1000;
    void *xq = malloc((size_t)16 * ffn / 32 * SADI_Q8_BLOCK_BYTES);
    sadi_quantize_q8(x, 16, ffn, ffn, xq);
    printf("one decoding step of SmolLM2-135M (Q4_1 layers, Q8_0 output, %.0f M weights), one thread, %d ranges\n",
        weights / 1e6, split);
    const int ms[] = {1, 4, 16};
    for (int mi = 0; mi < 3; mi++)
        for (int int8 = 0; int8 < 2; int8++) {
            const int m = ms[mi];
            if ((only_m && m != only_m) || (only_kind >= 0 && int8 != only_kind)) continue;
            double best = 1e9;
            for (int r = 0; r < (m == 1 ? reps : reps / 4 + 1); r++) {
                const double t0 = now();
                step(all, x, xq, m, split, int8, y);
                const double t = now() - t0;
                if (t < best) best = t;
            }
            printf("m=%2d %-5s %7.2f ms/step  %5.1f G weights/s  (%6.0f tokens/s of products)\n", m,
                int8 ? "int8" : "float", best * 1e3, weights / best / 1e9, m / best);
        }
    return 0;
}
