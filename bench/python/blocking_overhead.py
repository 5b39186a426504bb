"""Cost of the blocking recorders (cp_blocking): the lock recorder on threads that take a shared lock
after each ~100 us piece of work (a request handler updating shared state), and the event-loop
recorder on coroutines that await after each ~100 us piece of work. Each runs with and without the
recorder, interleaved, ROUNDS times; prints one JSON line with the medians, and the recorders' cost
per lock acquisition and per loop callback. Usage: python blocking_overhead.py HARNESS_DIR ROUNDS
"""
import _thread
import asyncio
import json
import statistics
import sys
import threading
import time

sys.path.insert(0, sys.argv[1])
import cp_blocking  # noqa: E402

ROUNDS = int(sys.argv[2])
THREADS = 4
STEPS = 400  # lock acquisitions per thread / awaits per coroutine per round
COROUTINES = 8
WORK_SECONDS = 100e-6


class Tracer:  # what the recorders write goes nowhere
    def __init__(self):
        self.before_stop = []

    def series(self, name):
        return []

    def note(self, record):
        pass


def spin(n):
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def calibrate():
    """Iterations of spin() that take WORK_SECONDS of CPU here."""
    start = time.thread_time()
    spin(200_000)
    return max(1, int(200_000 * WORK_SECONDS / max(1e-9, time.thread_time() - start)))


WORK = calibrate()


def work():
    return spin(WORK)


def lock_round(lock):
    counter = [0]

    def worker():
        for _ in range(STEPS):
            work()
            with lock:
                counter[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    start, cpu = time.perf_counter(), time.process_time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, time.process_time() - cpu


def loop_round():
    async def handler():
        for _ in range(STEPS):
            work()
            await asyncio.sleep(0)

    async def main():
        await asyncio.gather(*(handler() for _ in range(COROUTINES)))

    start, cpu = time.perf_counter(), time.process_time()
    asyncio.run(main())
    return time.perf_counter() - start, time.process_time() - cpu


def per_acquire_ns(lock, n=200_000):
    """CPU time of an uncontended `with lock:`, ns."""
    start = time.thread_time_ns()
    for _ in range(n):
        with lock:
            pass
    return (time.thread_time_ns() - start) / n


def summary(plain, traced):
    """Medians of wall and process CPU time, and the median of each interleaved pair's ratio (on a
    loaded machine the CPU figures are the steadier)."""
    return {
        "plainSeconds": statistics.median(w for w, _ in plain),
        "plainCpuSeconds": statistics.median(c for _, c in plain),
        "tracedSeconds": statistics.median(w for w, _ in traced),
        "slowdown": statistics.median(t[0] / p[0] for p, t in zip(plain, traced)),
        "cpuSlowdown": statistics.median(t[1] / p[1] for p, t in zip(plain, traced)),
    }


def per_callback_ns(watched, n=20_000):
    """CPU time of one bare `await asyncio.sleep(0)` round trip through the loop, ns."""

    async def main():
        for _ in range(n):
            await asyncio.sleep(0)

    unwatch = cp_blocking.watch_loops(tracer) if watched else None
    start = time.thread_time_ns()
    asyncio.run(main())
    took = time.thread_time_ns() - start
    if unwatch:
        unwatch()
    return took / n


tracer = Tracer()
cp_blocking.trace_locks(tracer)
plain_lock = _thread.allocate_lock()
traced_lock = threading.Lock()  # created by this file after trace_locks: wrapped
assert type(traced_lock).__name__ == "TracedLock"

plain, traced = [], []
for _ in range(ROUNDS):
    plain.append(lock_round(plain_lock))
    traced.append(lock_round(traced_lock))
locks = summary(plain, traced)
locks["acquisitions"] = THREADS * STEPS
locks["acquisitionsPerSecond"] = THREADS * STEPS / locks["plainSeconds"]
# The least of a few tries: CPU-time micro-measurements only ever err upwards (preemption, cache misses).
locks["plainAcquireNs"] = min(per_acquire_ns(plain_lock) for _ in range(5))
locks["tracedAcquireNs"] = min(per_acquire_ns(traced_lock) for _ in range(5))

plain, traced = [], []
callbacks = COROUTINES * STEPS
for _ in range(ROUNDS):
    plain.append(loop_round())
    unwatch = cp_blocking.watch_loops(tracer)
    traced.append(loop_round())
    unwatch()
loops = summary(plain, traced)
loops["callbacks"] = callbacks
loops["callbacksPerSecond"] = callbacks / loops["plainSeconds"]
loops["plainCallbackNs"] = min(per_callback_ns(False) for _ in range(5))
loops["watchedCallbackNs"] = min(per_callback_ns(True) for _ in range(5))

print(json.dumps({"locks": locks, "loops": loops}))
