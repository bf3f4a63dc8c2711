// The C runtime behind `par` loops (see c_par.cpp and docs/primitives.md).
//
// Why not `#pragma omp parallel for`: an OpenMP region ends at a barrier that
// waits for every thread of the team, so when another process keeps one core
// busy, each call waits for the thread sharing that core to be scheduled (and
// its spin-waiting keeps it competing for that core): measured, a 2-thread
// SGEMM fell to a few percent of its single-thread speed. Here a call ends when
// its iterations are done, whoever ran them: the caller takes chunks too,
// threads that come late find nothing left, and idle threads sleep.
#include "backend/c_codegen.h"

namespace exo::backend {

const char* kParRuntime = R"(
/* exo_par_for(lo, hi, body, cap): body(cap, a, b) over [lo, hi) cut into
   chunks that the caller and a pool of threads claim one at a time. The call
   returns when every chunk has run; threads that never got one are not waited
   for. Idle pool threads sleep. Threads: EXO_NUM_THREADS, else
   OMP_NUM_THREADS, else the online CPUs. Calls from inside a par body, from
   an OpenMP parallel region, or while another thread's call holds the pool run
   their iterations serially, as do a few calls after one that waited long for
   a slow thread. With -DEXO_PAR_USE_OPENMP (and -fopenmp) the
   chunks run under `omp parallel for schedule(dynamic)` instead. */
#include <stdint.h>

typedef void (*exo_par_body)(void *cap, int_fast32_t lo, int_fast32_t hi);

#ifdef EXO_PAR_USE_OPENMP
static void exo_par_for(int_fast32_t lo, int_fast32_t hi, exo_par_body body, void *cap) {
#pragma omp parallel for schedule(dynamic)
  for (int_fast32_t i = lo; i < hi; i++) body(cap, i, i + 1);
}
#else
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

static struct {
  pthread_once_t once;
  pthread_mutex_t submit;    /* held by the call using the pool */
  pthread_mutex_t mu;        /* guards the job description and the sleeps */
  pthread_cond_t wake, done;
  int threads;               /* pool threads + the caller */
  uint32_t gen;              /* current job number (under mu) */
  exo_par_body body;
  void *cap;
  int_fast32_t lo, hi, grain;
  uint32_t chunks;
  _Atomic uint64_t next;     /* gen << 32 | next chunk to claim */
  _Atomic uint32_t left;     /* chunks not yet finished */
  _Atomic int skip;          /* calls to run serially before trying the pool again */
  int backoff;               /* log2 of the last skip (under submit) */
} exo_par_pool = {.once = PTHREAD_ONCE_INIT, .submit = PTHREAD_MUTEX_INITIALIZER,
                  .mu = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER,
                  .done = PTHREAD_COND_INITIALIZER};
static _Thread_local int exo_par_depth;

static double exo_par_now(void) {
  struct timespec t;
  timespec_get(&t, TIME_UTC);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int exo_par_env_threads(const char *name) {
  const char *v = getenv(name);
  int n = v ? atoi(v) : 0;
  return n > 0 ? n : 0;
}

/* Claims and runs chunks of job `gen` until none is left; returns how many it ran. */
static uint32_t exo_par_work(uint32_t gen, exo_par_body body, void *cap, int_fast32_t lo,
                             int_fast32_t hi, int_fast32_t grain, uint32_t chunks) {
  uint32_t ran = 0;
  uint64_t cur = atomic_load_explicit(&exo_par_pool.next, memory_order_acquire);
  while ((uint32_t)(cur >> 32) == gen && (uint32_t)cur < chunks) {
    if (!atomic_compare_exchange_weak(&exo_par_pool.next, &cur, cur + 1)) continue;
    int_fast32_t a = lo + (int_fast32_t)(uint32_t)cur * grain;
    int_fast32_t b = hi - a > grain ? a + grain : hi;
    exo_par_depth++;
    body(cap, a, b);
    exo_par_depth--;
    ran++;
    if (atomic_fetch_sub(&exo_par_pool.left, 1) == 1) {
      pthread_mutex_lock(&exo_par_pool.mu);
      pthread_cond_broadcast(&exo_par_pool.done);
      pthread_mutex_unlock(&exo_par_pool.mu);
    }
    cur = atomic_load_explicit(&exo_par_pool.next, memory_order_acquire);
  }
  return ran;
}

static void *exo_par_thread(void *unused) {
  (void)unused;
  uint32_t seen = 0;
  for (;;) {
    pthread_mutex_lock(&exo_par_pool.mu);
    while (exo_par_pool.gen == seen) pthread_cond_wait(&exo_par_pool.wake, &exo_par_pool.mu);
    seen = exo_par_pool.gen;
    exo_par_body body = exo_par_pool.body;
    void *cap = exo_par_pool.cap;
    int_fast32_t lo = exo_par_pool.lo, hi = exo_par_pool.hi, grain = exo_par_pool.grain;
    uint32_t chunks = exo_par_pool.chunks;
    pthread_mutex_unlock(&exo_par_pool.mu);
    (void)exo_par_work(seen, body, cap, lo, hi, grain, chunks);
  }
  return NULL;
}

static void exo_par_start(void) {
  int n = exo_par_env_threads("EXO_NUM_THREADS");
  if (!n) n = exo_par_env_threads("OMP_NUM_THREADS");
  if (!n) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    n = cpus > 0 ? (int)cpus : 1;
  }
  if (n > 256) n = 256;
  int started = 1;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  for (int k = 1; k < n; k++) {
    pthread_t t;
    if (pthread_create(&t, &attr, exo_par_thread, NULL) == 0) started++;
  }
  pthread_attr_destroy(&attr);
  exo_par_pool.threads = started;
}

static void exo_par_for(int_fast32_t lo, int_fast32_t hi, exo_par_body body, void *cap) {
  if (hi <= lo) return;
  int serial = exo_par_depth > 0 || hi - lo == 1;
#ifdef _OPENMP
  serial = serial || omp_in_parallel();
#endif
  if (!serial && atomic_load_explicit(&exo_par_pool.skip, memory_order_relaxed) > 0) {
    atomic_fetch_sub_explicit(&exo_par_pool.skip, 1, memory_order_relaxed);
    serial = 1;
  }
  if (!serial) {
    pthread_once(&exo_par_pool.once, exo_par_start);
    serial = exo_par_pool.threads <= 1 || pthread_mutex_trylock(&exo_par_pool.submit) != 0;
  }
  if (serial) {
    exo_par_depth++;
    body(cap, lo, hi);
    exo_par_depth--;
    return;
  }
  /* About 4 chunks per thread: late or slow threads leave theirs to the others. */
  int_fast32_t n = hi - lo, want = 4 * (int_fast32_t)exo_par_pool.threads;
  int_fast32_t grain = n / want > 0 ? (n + want - 1) / want : 1;
  uint32_t chunks = (uint32_t)((n + grain - 1) / grain);
  pthread_mutex_lock(&exo_par_pool.mu);
  uint32_t gen = ++exo_par_pool.gen;
  if (gen == 0) gen = ++exo_par_pool.gen; /* 0 is what a new thread has seen */
  exo_par_pool.body = body;
  exo_par_pool.cap = cap;
  exo_par_pool.lo = lo;
  exo_par_pool.hi = hi;
  exo_par_pool.grain = grain;
  exo_par_pool.chunks = chunks;
  atomic_store(&exo_par_pool.left, chunks);
  atomic_store(&exo_par_pool.next, (uint64_t)gen << 32);
  pthread_cond_broadcast(&exo_par_pool.wake);
  pthread_mutex_unlock(&exo_par_pool.mu);
  double t0 = exo_par_now();
  uint32_t mine = exo_par_work(gen, body, cap, lo, hi, grain, chunks);
  double t1 = exo_par_now(), t2 = t1;
  /* Chunks still running on other threads: wait for the last one's signal. */
  if (atomic_load(&exo_par_pool.left) != 0) {
    pthread_mutex_lock(&exo_par_pool.mu);
    while (atomic_load(&exo_par_pool.left) != 0) pthread_cond_wait(&exo_par_pool.done, &exo_par_pool.mu);
    pthread_mutex_unlock(&exo_par_pool.mu);
    t2 = exo_par_now();
  }
  /* Waiting for the last chunks is normal up to about one chunk's time (the
     chunks do not divide evenly among the threads); waiting more than two of
     its own chunks' time means a thread was held up (its core shared with
     other work): the next 2, 4, ... 64 calls run serially, then the pool is
     tried again. */
  double chunk_time = (t1 - t0) / (mine ? mine : 1);
  if (t2 - t1 > 2 * chunk_time && t2 - t1 > 20e-6) {
    if (exo_par_pool.backoff < 6) exo_par_pool.backoff++;
    atomic_store_explicit(&exo_par_pool.skip, 1 << exo_par_pool.backoff, memory_order_relaxed);
  } else {
    exo_par_pool.backoff = 0;
  }
  pthread_mutex_unlock(&exo_par_pool.submit);
}
#endif
)";

}  // namespace exo::backend
