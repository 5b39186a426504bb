"""Slowdown of a CPU-bound workload under the in-process stack sampler (cp_tracer), 1 and 4 threads.

Runs ROUNDS pairs of runs with and without the sampler, alternating which goes first, and prints
one JSON line with the medians of the pairs' wall and process CPU ratios, and the sampler thread's
own CPU per sample round. Usage: python sampler_overhead.py HARNESS_DIR HZ ROUNDS
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


def thread_cpu_seconds(native_id):
    """CPU time a thread of this process has run (schedstat: nanoseconds, unlike stat's 10 ms ticks)."""
    with open("/proc/self/task/%d/schedstat" % native_id) as f:
        return int(f.read().split()[0]) / 1e9


def samples_taken(path):
    """Wake-ups of the sampler in a trace file: one lateness entry per sample round."""
    with open(path, encoding="utf-8") as f:
        return sum(len(json.loads(line).get("lateness", [])) for line in f)


def measure(threads, n, sampled):
    """(wall s, process CPU s, the sampler thread's own CPU s, sample rounds) of one run."""
    if not sampled:
        return run(threads, n) + (0.0, 0)
    tracer = cp_tracer.start(os.path.join(tempfile.gettempdir(), "cp-bench-trace-%d.jsonl" % os.getpid()), HZ, "harness")
    try:
        wall, cpu = run(threads, n)
        sampler_cpu = thread_cpu_seconds(tracer._thread.native_id)
    finally:
        tracer.stop()
    rounds = samples_taken(tracer.path)
    os.unlink(tracer.path)
    return wall, cpu, sampler_cpu, rounds


results = {}
for threads, n in ((1, 12_000_000), (4, 3_000_000)):
    plain, sampled, ratios = [], [], []
    for pair in range(ROUNDS):
        # Every other pair runs the sampled one first, so a drift in the machine's speed (another
        # tenant, a frequency step) does not land on one side; each pair's ratio compares two
        # neighbouring runs, and the median of those ratios is the figure judged.
        order = (False, True) if pair % 2 == 0 else (True, False)
        runs = {sampled_run: measure(threads, n, sampled_run) for sampled_run in order}
        plain.append(runs[False])
        sampled.append(runs[True])
        ratios.append((runs[True][0] / runs[False][0], runs[True][1] / runs[False][1]))
    wall_plain, wall_sampled = [r[0] for r in plain], [r[0] for r in sampled]
    results["threads%d" % threads] = {
        "plainSeconds": statistics.median(wall_plain),
        "sampledSeconds": statistics.median(wall_sampled),
        "slowdown": statistics.median(r[0] for r in ratios),
        "cpuSlowdown": statistics.median(r[1] for r in ratios),
        # The sampler thread's own CPU per sample round, and that times HZ: the share of a core it
        # takes at its rate. Steadier under load than the ratios: on a busy machine a run lasts
        # longer, so the sampler takes more rounds per second of the workload's CPU.
        "perSampleSeconds": statistics.median(r[2] / max(1, r[3]) for r in sampled),
        "directCost": HZ * statistics.median(r[2] / max(1, r[3]) for r in sampled),
    }
print(json.dumps(results))
