"""Slowdown of a CPU-bound workload under the in-process stack sampler (cp_tracer), 1 and 4 threads.

Runs with and without the sampler interleaved, ROUNDS times each, and prints one JSON line with
the medians. Usage: python sampler_overhead.py HARNESS_DIR HZ ROUNDS
"""
import json
import os
import statistics
import sys
import tempfile
import threading
import time

sys.path.insert(0, sys.argv[1])
import cp_tracer  # noqa: E402

HZ = float(sys.argv[2])
ROUNDS = int(sys.argv[3])


def spin(n):
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def run(threads, n):
    """Wall seconds and CPU seconds of the whole process (the workload plus the sampler): on a
    loaded machine the CPU figure is the steadier of the two."""
    workers = [threading.Thread(target=spin, args=(n,)) for _ in range(threads)]
    start, cpu = time.perf_counter(), time.process_time()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return time.perf_counter() - start, time.process_time() - cpu


def measure(threads, n, sampled):
    tracer = None
    if sampled:
        tracer = cp_tracer.start(os.path.join(tempfile.gettempdir(), "cp-bench-trace-%d.jsonl" % os.getpid()), HZ, "harness")
    try:
        return run(threads, n)
    finally:
        if tracer is not None:
            tracer.stop()
            os.unlink(tracer.path)


results = {}
for threads, n in ((1, 12_000_000), (4, 3_000_000)):
    plain, sampled = [], []
    for _ in range(ROUNDS):
        plain.append(measure(threads, n, False))
        sampled.append(measure(threads, n, True))
    wall_plain, wall_sampled = [w for w, _ in plain], [w for w, _ in sampled]
    cpu_plain, cpu_sampled = [c for _, c in plain], [c for _, c in sampled]
    results["threads%d" % threads] = {
        "plainSeconds": statistics.median(wall_plain),
        "sampledSeconds": statistics.median(wall_sampled),
        "slowdown": statistics.median(wall_sampled) / statistics.median(wall_plain),
        "cpuSlowdown": statistics.median(cpu_sampled) / statistics.median(cpu_plain),
    }
print(json.dumps(results))
