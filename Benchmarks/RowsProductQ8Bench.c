// Kernel-only throughput of the few-row products, float activations against 8-bit ones, on
// random blocks of the default model's shapes (L2/L3-resident, like a 135M model's weights).
// Build and run from the repository root:
//   clang -O3 -ISources/CKernels/include Benchmarks/RowsProductQ8Bench.c Sources/CKernels/Dispatch.c \
//     Sources/CKernels/Kernels*.c Sources/CKernels/WorkerPool.c -lpthread -lm -o /tmp/q8bench && /tmp/q8bench
// Prints G weights/s on one thread (weights read per second of the thread's CPU time, so a busy
// machine slows it less than wall time; whatever the rows of X).
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

static int block_bytes(int type) { return type == 2 ? 18 : type == 3 ? 20 : 34; }

int main(void) {
    const int types[] = {3, 2, 8};
    const char *names[] = {"Q4_1", "Q4_0", "Q8_0"};
    const int shapes[][2] = {{1536, 576}, {576, 1536}};
    const int ms[] = {1, 16};
    for (int t = 0; t < 3; t++) {
        for (int s = 0; s < 2; s++) {
            const int rows = shapes[s][0], columns = shapes[s][1], type = types[t];
            const size_t row_bytes = (size_t)columns / 32 * block_bytes(type);
            uint8_t *w = malloc(row_bytes * rows);
            for (size_t j = 0; j < row_bytes * rows; j++) w[j] = (uint8_t)next();
            // Small finite scales: clear the high exponent bits of every half.
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < columns / 32; c++) {
                    uint8_t *b = w + r * row_bytes + c * block_bytes(type);
                    b[1] = (b[1] & 0x83) | 0x10;
                    if (type == 3) b[3] = (b[3] & 0x83) | 0x10;
                }
            float *x = malloc(sizeof(float) * 16 * columns), *y = malloc(sizeof(float) * 16 * rows);
            for (int j = 0; j < 16 * columns; j++) x[j] = (float)((int)(next() % 2001) - 1000) / 1000;
            void *xq = malloc((size_t)16 * columns / 32 * SADI_Q8_BLOCK_BYTES);
            for (int mi = 0; mi < 2; mi++) {
                const int m = ms[mi];
                const int reps = m == 1 ? 2000 : 200;
                double t0 = now();
                for (int k = 0; k < reps; k++) sadi_rows_product(type, w, row_bytes, rows, columns, x, m, columns, y, rows, 0);
                const double f = (double)reps * rows * columns / (now() - t0) / 1e9;
                t0 = now();
                for (int k = 0; k < reps; k++) {
                    sadi_quantize_q8(x, m, columns, columns, xq);
                    sadi_rows_product_q8(type, w, row_bytes, rows, columns, xq, m, y, rows, 0);
                }
                const double q = (double)reps * rows * columns / (now() - t0) / 1e9;
                printf("%s %4d×%4d m=%2d: float %6.1f, int8 %6.1f G weights/s (%.2fx)\n", names[t], rows, columns, m, f, q,
                    q / f);
            }
            free(w), free(x), free(y), free(xq);
        }
    }
    // A decoding step reads ~100 MB of weights from L3, not the same 1 MB from L2: 200 copies of
    // a Q4_1 1536×576 matrix, each read once a pass.
    const int copies = 200, rows = 1536, columns = 576;
    const size_t row_bytes = columns / 32 * 20, bytes = row_bytes * rows;
    uint8_t *w = malloc(bytes * copies);
    for (size_t j = 0; j < bytes * copies; j++) w[j] = (uint8_t)next();
    for (size_t b = 0; b < bytes * copies; b += 20) w[b + 1] = w[b + 3] = 0x14;
    float *x = malloc(sizeof(float) * 16 * columns), *y = malloc(sizeof(float) * 16 * rows);
    for (int j = 0; j < 16 * columns; j++) x[j] = (float)((int)(next() % 2001) - 1000) / 1000;
    void *xq = malloc((size_t)16 * columns / 32 * SADI_Q8_BLOCK_BYTES);
    for (int mi = 0; mi < 2; mi++) {
        const int m = ms[mi];
        double t0 = now();
        for (int k = 0; k < copies; k++) sadi_rows_product(3, w + k * bytes, row_bytes, rows, columns, x, m, columns, y, rows, 0);
        const double f = (double)copies * rows * columns / (now() - t0) / 1e9;
        t0 = now();
        for (int k = 0; k < copies; k++) {
            sadi_quantize_q8(x, m, columns, columns, xq);
            sadi_rows_product_q8(3, w + k * bytes, row_bytes, rows, columns, xq, m, y, rows, 0);
        }
        const double q = (double)copies * rows * columns / (now() - t0) / 1e9;
        printf("Q4_1 %d MB from L3 m=%2d: float %6.1f, int8 %6.1f G weights/s (%.2fx)\n", (int)(bytes * copies >> 20), m, f,
            q, q / f);
    }
    free(w), free(x), free(y), free(xq);
    return 0;
}
