// A fork/join pool for the engine's parallel loops. Decoding one token runs ~150 parallel
// products of 10-100 µs each; waking a sleeping thread through the kernel for each of them
// (libdispatch) cost more than some of the products. Here each worker spins on its own flag
// for a while after its last task, so back-to-back loops start in well under a microsecond,
// and sleeps on a condition variable once the engine goes quiet.
//
// Chunks are claimed from a shared counter, so a caller never waits for a worker that has not
// woken yet: it runs the unclaimed chunks itself and waits only for chunks in progress. The
// counter also holds the job's number and chunk count, so a worker that wakes late claims
// nothing of a job it was not started for, and nothing once its own job's chunks are gone.
#include "WorkerPool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define SPIN_PAUSE() _mm_pause()
#else
#define SPIN_PAUSE() ((void)0)
#endif

/// How long a worker spins for its next task before it sleeps (at least 256 pauses, ~13 µs).
/// Spins of 200 µs, which bridge every gap of a decoding step, cost 15% of prompt speed and 25%
/// of decoding speed on this shared 2-core machine under load: a spinning thread takes the CPU
/// time the other one needs when the process gets about one core.
#define SPIN_NANOSECONDS 10000
/// How long a caller spins for chunks in progress before it yields its core between checks
/// (on a machine with more runnable threads than cores, the thread it waits for may need it).
#define WAIT_NANOSECONDS 20000

typedef struct {
    _Alignas(64) atomic_uint generation;  // bumped by the caller to start this worker
    atomic_int sleeping;
    _Atomic uint64_t job;  // the job it was started for, written before the bump
    int slot;  // 1 + the worker's index; the caller is slot 0
    pthread_t thread;
    struct sadi_pool *pool;
} worker;

struct sadi_pool {
    int count;
    worker *workers;
    atomic_int busy;  // a caller owns the pool
    atomic_int stop;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    // The current job, written before its chunks can be claimed.
    sadi_pool_task task;
    void *context;
    uint64_t job;
    _Alignas(64) _Atomic uint64_t next;  // job << 40 | chunks << 20 | next unclaimed chunk
    _Alignas(64) atomic_int pending;     // chunks not yet finished
};

#define CHUNK_BITS 20
#define CHUNK_MASK ((1u << CHUNK_BITS) - 1)

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/// Claims and runs chunks of job `job` until none is left.
static void run_chunks(struct sadi_pool *pool, uint64_t job, int slot) {
    uint64_t claim = atomic_load_explicit(&pool->next, memory_order_acquire);
    for (;;) {
        const uint32_t index = (uint32_t)claim & CHUNK_MASK, chunks = (uint32_t)(claim >> CHUNK_BITS) & CHUNK_MASK;
        if (claim >> (2 * CHUNK_BITS) != job || index >= chunks) return;
        // Acquire: the job's task was written before its counter was published (release).
        if (!atomic_compare_exchange_weak_explicit(
                &pool->next, &claim, claim + 1, memory_order_acq_rel, memory_order_acquire))
            continue;
        pool->task(pool->context, (int)index, slot);
        atomic_fetch_sub_explicit(&pool->pending, 1, memory_order_release);
        claim = atomic_load_explicit(&pool->next, memory_order_acquire);
    }
}

static void *worker_main(void *argument) {
    worker *self = argument;
    struct sadi_pool *pool = self->pool;
    unsigned seen = atomic_load_explicit(&self->generation, memory_order_acquire);
    for (;;) {
        // Spin for the next generation, then sleep.
        const uint64_t start = now_ns();
        unsigned spins = 0, current;
        while ((current = atomic_load_explicit(&self->generation, memory_order_acquire)) == seen) {
            SPIN_PAUSE();
            if ((++spins & 255) == 0 && now_ns() - start > SPIN_NANOSECONDS) {
                pthread_mutex_lock(&pool->lock);
                atomic_store(&self->sleeping, 1);
                // Sequentially consistent with the caller's bump-then-check (see sadi_pool_run).
                while ((current = atomic_load(&self->generation)) == seen && !atomic_load(&pool->stop))
                    pthread_cond_wait(&pool->wake, &pool->lock);
                atomic_store(&self->sleeping, 0);
                pthread_mutex_unlock(&pool->lock);
                break;
            }
        }
        if (atomic_load_explicit(&pool->stop, memory_order_acquire)) return NULL;
        seen = current;
        run_chunks(pool, atomic_load_explicit(&self->job, memory_order_relaxed), self->slot);
    }
}

sadi_pool *sadi_pool_create(int workers) {
    if (workers < 1) return NULL;
    struct sadi_pool *pool = calloc(1, sizeof *pool);
    if (!pool) return NULL;
    pool->workers = aligned_alloc(64, sizeof(worker) * (size_t)workers);
    if (!pool->workers) {
        free(pool);
        return NULL;
    }
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->wake, NULL);
    for (int i = 0; i < workers; i++) {
        worker *w = &pool->workers[i];
        atomic_init(&w->generation, 0);
        atomic_init(&w->sleeping, 0);
        atomic_init(&w->job, 0);
        w->pool = pool;
        w->slot = i + 1;
        if (pthread_create(&w->thread, NULL, worker_main, w) != 0) break;
        pool->count = i + 1;
    }
    if (pool->count == 0) {
        sadi_pool_destroy(pool);
        return NULL;
    }
    return pool;
}

void sadi_pool_destroy(sadi_pool *pool) {
    if (!pool) return;
    atomic_store(&pool->stop, 1);
    pthread_mutex_lock(&pool->lock);
    for (int i = 0; i < pool->count; i++) atomic_fetch_add(&pool->workers[i].generation, 1);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    for (int i = 0; i < pool->count; i++) pthread_join(pool->workers[i].thread, NULL);
    pthread_cond_destroy(&pool->wake);
    pthread_mutex_destroy(&pool->lock);
    free(pool->workers);
    free(pool);
}

int sadi_pool_workers(const sadi_pool *pool) { return pool ? pool->count : 0; }

int sadi_pool_run(sadi_pool *pool, int chunks, int helpers, sadi_pool_task task, void *context) {
    if (!pool || chunks < 1 || (unsigned)chunks > CHUNK_MASK || helpers < 0) return 0;
    int expected = 0;
    if (!atomic_compare_exchange_strong(&pool->busy, &expected, 1)) return 0;
    const uint64_t job = ++pool->job & ((1ull << (64 - 2 * CHUNK_BITS)) - 1);
    pool->task = task;
    pool->context = context;
    atomic_store_explicit(&pool->pending, chunks, memory_order_relaxed);
    atomic_store_explicit(&pool->next, job << (2 * CHUNK_BITS) | (uint64_t)chunks << CHUNK_BITS, memory_order_release);
    if (helpers > chunks - 1) helpers = chunks - 1;
    if (helpers > pool->count) helpers = pool->count;
    int sleepers = 0;
    for (int i = 0; i < helpers; i++) {
        atomic_store_explicit(&pool->workers[i].job, job, memory_order_relaxed);
        atomic_fetch_add(&pool->workers[i].generation, 1);  // sequentially consistent
        sleepers += atomic_load(&pool->workers[i].sleeping);
    }
    if (sleepers) {
        pthread_mutex_lock(&pool->lock);
        pthread_cond_broadcast(&pool->wake);
        pthread_mutex_unlock(&pool->lock);
    }
    run_chunks(pool, job, 0);
    uint64_t start = 0;
    for (unsigned spins = 0; atomic_load_explicit(&pool->pending, memory_order_acquire) > 0; spins++) {
        SPIN_PAUSE();
        if ((spins & 63) == 63) {
            if (start == 0) start = now_ns();
            else if (now_ns() - start > WAIT_NANOSECONDS) sched_yield();
        }
    }
    atomic_store_explicit(&pool->busy, 0, memory_order_release);
    return 1;
}
