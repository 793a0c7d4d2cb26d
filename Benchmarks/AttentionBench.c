// Decoding attention of `sadi-eval bench --decode-batch 16` alone: 16 sequences × 30 layers × 3 KV
// heads (three query heads each, 64 dimensions, SmolLM2-135M's shape) over `context` positions,
// one `sadi_attend` call per KV head as the engine makes them, on one thread.
// Build and run from the repository root:
//   clang -O3 -ISources/CKernels/include Benchmarks/AttentionBench.c Sources/CKernels/Dispatch.c \
//     Sources/CKernels/Kernels*.c Sources/CKernels/WorkerPool.c -lpthread -lm -o /tmp/attnbench && /tmp/attnbench 96
// Prints milliseconds a step (thread CPU time, best of 10) with the KV states in 2 MB pages (as
// the engine allocates states of 4 MB and more) and in 4 KB pages, and the same calls over one
// state that stays in cache (the arithmetic alone).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "CKernels.h"

enum { sequences = 16, layers = 30, groups = 3, head = 64, kv_width = groups * head, q_width = 3 * kv_width, capacity = 1024 };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

/// One step's calls over `states` states (keys then values, `capacity` positions each), the
/// state of (sequence, layer) being number (sequence · layers + layer) % states.
static double step(float *const *keys, float *const *values, int states, int context) {
    float q[q_width], out[q_width], scores[8 * capacity];
    for (int j = 0; j < q_width; j++) q[j] = (float)(j % 17) / 17 - 0.5f;
    double best = 1e9;
    for (int repeat = 0; repeat < 10; repeat++) {
        const double start = now();
        for (int l = 0; l < layers; l++)
            for (int s = 0; s < sequences; s++)
                for (int g = 0; g < groups; g++) {
                    const int state = (s * layers + l) % states;
                    const float *k[1] = {keys[state] + g * head}, *v[1] = {values[state] + g * head};
                    const int counts[1] = {context};
                    sadi_attend(q + g * 3 * head, q_width, 1, head, 3, k, v, counts, 1, kv_width, context, 0.125f, scores,
                        out + g * 3 * head, q_width);
                }
        const double t = now() - start;
        if (t < best) best = t;
    }
    return best;
}

int main(int argc, char **argv) {
    const int context = argc > 1 ? atoi(argv[1]) : 96;
    if (context < 1 || context > capacity) return fprintf(stderr, "context: 1 to %d positions\n", capacity), 1;
    const size_t bytes = (size_t)capacity * kv_width * sizeof(float), states = sequences * layers;
    float *keys[sequences * layers], *values[sequences * layers];
    // 2 MB pages: one aligned block for all states.
    const size_t total = (2 * states * bytes + (2u << 20) - 1) & ~(size_t)((2u << 20) - 1);
    char *block = aligned_alloc(2u << 20, total);
    madvise(block, total, MADV_HUGEPAGE);
    for (size_t i = 0; i < states; i++) {
        keys[i] = (float *)(block + 2 * i * bytes);
        values[i] = (float *)(block + (2 * i + 1) * bytes);
        for (int j = 0; j < capacity * kv_width; j++) {
            keys[i][j] = (float)((j * 7919) % 1000) / 1000 - 0.5f;
            values[i][j] = (float)((j * 104729) % 1000) / 1000 - 0.5f;
        }
    }
    const double huge = step(keys, values, (int)states, context), cached = step(keys, values, 1, context);
    // 4 KB pages: a separate allocation a state's keys and values.
    for (size_t i = 0; i < states; i++) {
        float *k = malloc(bytes), *v = malloc(bytes);
        memcpy(k, keys[i], bytes);
        memcpy(v, values[i], bytes);
        keys[i] = k, values[i] = v;
    }
    const double small = step(keys, values, (int)states, context);
    const double read = (double)states * context * kv_width * 2 * sizeof(float);
    printf("decoding attention, 16 sequences × 30 layers, %d positions, one thread:\n", context);
    printf("  2 MB pages %6.2f ms/step (%4.1f GB/s of keys and values)\n", huge * 1e3, read / huge / 1e9);
    printf("  4 KB pages %6.2f ms/step (%4.1f GB/s)\n", small * 1e3, read / small / 1e9);
    printf("  one state, in cache %6.2f ms/step (the arithmetic)\n", cached * 1e3);
    return 0;
}
