#ifndef SADI_WORKER_POOL_H
#define SADI_WORKER_POOL_H

#ifdef __cplusplus
extern "C" {
#endif

/// A fixed set of threads that run the chunks of one parallel loop at a time.
typedef struct sadi_pool sadi_pool;

/// Runs chunk `chunk` of a loop on the thread numbered `slot` (0 the caller, 1... the pool's
/// threads), so per-thread scratch can be indexed by it; `context` is the caller's.
typedef void (*sadi_pool_task)(void *context, int chunk, int slot);

/// A pool of `workers` threads (besides the callers'); NULL if none could be started.
sadi_pool *sadi_pool_create(int workers);

/// Stops and joins the threads.
void sadi_pool_destroy(sadi_pool *pool);

/// The number of threads the pool started.
int sadi_pool_workers(const sadi_pool *pool);

/// Runs task(context, c, slot) for every c in 0..<chunks on the calling thread and up to
/// `helpers` of the pool's threads (slots 0...helpers), each claiming the next chunk when
/// done with one, and returns once all have finished: 1. Returns 0 at once, running
/// nothing, when another caller is using the pool (run the loop another way then).
int sadi_pool_run(sadi_pool *pool, int chunks, int helpers, sadi_pool_task task, void *context);

#ifdef __cplusplus
}
#endif

#endif
