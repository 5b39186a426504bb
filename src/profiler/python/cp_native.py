"""Native thread pools of this process (OpenBLAS, MKL, BLIS, OpenMP, numexpr, ...): what the engine
cannot read from outside once the process is gone, and the `+native-N` limit.

`report()` runs after the tasks: when a thread that Python did not start has used CPU, it lists the
shared objects mapped in this process and, when the user's environment has threadpoolctl, its view
of the thread pools (library, file, thread limit) in the baseline run. The engine names the libraries from these; it
reads which threads ran and how much from /proc itself. Standard library only.
"""
import os
import threading
import time


# Settling before the clock starts: poll this often, give up after this long, and call the threads
# idle below this much CPU per poll (a thread waking now and then, not a spinning pool).
SETTLE_POLL_SECONDS = 0.01
SETTLE_MAX_SECONDS = 1.0
SETTLE_IDLE_NS = 1_000_000


def foreign_tids():
    """Native ids of this process's threads that Python did not start."""
    python = {thread.native_id for thread in threading.enumerate()}
    try:
        return [int(tid) for tid in os.listdir("/proc/self/task") if int(tid) not in python]
    except OSError:
        return []


def cpu_ns(tid):
    """Nanoseconds the thread has run (schedstat), 0 once it has exited."""
    try:
        with open("/proc/self/task/%d/schedstat" % tid) as handle:
            return int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def runnable(tid):
    """True when the thread is running or queued for a core (state R): a spinning pool thread on a
    busy machine may get no CPU for a while, yet it has not gone to sleep."""
    try:
        with open("/proc/self/task/%d/stat" % tid) as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] == "R"
    except (OSError, IndexError):
        return False


def foreign_threads_used_cpu():
    """True when a thread of this process that Python did not start has used CPU time."""
    return any(cpu_ns(tid) > 0 for tid in foreign_tids())


def settle():
    """Wait until the native threads stop using CPU, at most SETTLE_MAX_SECONDS; returns the seconds
    waited. OpenBLAS's threads spin for about 0.1 s after the library loads: left alone, that spinning
    would run inside the timed tasks, slowing them and looking like pool work."""
    tids = foreign_tids()
    if not tids:
        return 0.0
    started = time.monotonic()
    before = sum(cpu_ns(tid) for tid in tids)
    while time.monotonic() - started < SETTLE_MAX_SECONDS:
        time.sleep(SETTLE_POLL_SECONDS)
        now = sum(cpu_ns(tid) for tid in tids)
        # Idle: little CPU since the last poll and none of them still runnable (under load a spinner
        # can wait a whole poll for a core, which alone would look idle).
        if now - before < SETTLE_IDLE_NS and not any(runnable(tid) for tid in tids):
            break
        before = now
    return time.monotonic() - started


def mapped_objects():
    """Paths of the shared objects mapped executable in this process."""
    paths = []
    try:
        with open("/proc/self/maps") as handle:
            for line in handle:
                parts = line.split(None, 5)
                if len(parts) == 6 and "x" in parts[1] and parts[5].startswith("/"):
                    path = parts[5].rstrip("\n")
                    if path not in paths:
                        paths.append(path)
    except OSError:
        pass
    return paths


def threadpoolctl_view():
    """threadpoolctl's pools, or None when it is not importable in this interpreter."""
    try:
        import threadpoolctl
    except Exception:
        return None
    try:
        return [
            {"api": info.get("internal_api"), "path": info.get("filepath"), "threads": info.get("num_threads")}
            for info in threadpoolctl.threadpool_info()
        ]
    except Exception:
        return None


def report(with_threadpoolctl):
    """What the engine needs to name this process's native pools, or None when none ran.
    threadpoolctl's view only when asked (the baseline run): importing it and its first query took
    27-50 ms on a loaded machine, everything else here under 1 ms; the other runs name their pools
    from the threads' stacks and the mapped objects, which need no import."""
    if not foreign_threads_used_cpu():
        return None
    view = threadpoolctl_view() if with_threadpoolctl else None
    return {"pid": os.getpid(), "objects": mapped_objects(), "threadpoolctl": view}


def limit(threads):
    """Limit the native pools to `threads` each, at run time, where threadpoolctl is importable. The
    environment variables (set by the engine before the interpreter started) cover the rest."""
    try:
        import threadpoolctl

        threadpoolctl.threadpool_limits(threads)
        return True
    except Exception:
        return False
