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
    workers = [threading.Thread(target=spin, args=(n,)) for _ in range(threads)]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return time.perf_counter() - start


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
for threads, n in ((1, 1_500_000), (4, 400_000)):
    plain, sampled = [], []
    for _ in range(ROUNDS):
        plain.append(measure(threads, n, False))
        sampled.append(measure(threads, n, True))
    results["threads%d" % threads] = {
        "plainSeconds": statistics.median(plain),
        "sampledSeconds": statistics.median(sampled),
        "slowdown": statistics.median(sampled) / statistics.median(plain),
        "pairedSlowdownMedian": statistics.median(s / p for s, p in zip(sampled, plain)),
    }
print(json.dumps(results))
