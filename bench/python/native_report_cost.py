"""Cost of cp_native.report() in a task process that ran numpy on a multi-threaded BLAS: what the
harness adds once per task process after the tasks (foreign threads' CPU, the mapped objects and,
when importable, threadpoolctl's view). Run in a fresh interpreter each time, so the first call is
cold as in a real run. Prints one JSON line: the first call without threadpoolctl (the runs after the
baseline), then the first with it (the baseline run: import and first query), the median later call,
whether a pool was reported, and settle()'s wait before the first product.
Usage: python native_report_cost.py HARNESS_DIR
"""
import json
import statistics
import sys
import time

sys.path.insert(0, sys.argv[1])
import cp_native  # noqa: E402
import numpy as np  # noqa: E402

A = np.random.default_rng(7).random((600, 600))
settled = cp_native.settle()
float((A @ A).sum())  # the BLAS pool threads run and use CPU

started = time.perf_counter()
without = cp_native.report(False)  # the other runs: stacks and mapped objects only
first_without = time.perf_counter() - started
started = time.perf_counter()
report = cp_native.report(True)  # the baseline run: threadpoolctl imported and queried
first_with = time.perf_counter() - started
later = []
for _ in range(9):
    started = time.perf_counter()
    cp_native.report(True)
    later.append(time.perf_counter() - started)
print(
    json.dumps(
        {
            "withoutSeconds": first_without,
            "withSeconds": first_with,
            "laterSeconds": statistics.median(later),
            "pool": report is not None and without is not None,
            "threadpoolctl": report is not None and report["threadpoolctl"] is not None,
            "settleSeconds": settled,
        }
    )
)
