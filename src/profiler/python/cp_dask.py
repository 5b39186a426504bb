"""Dask strategies, run by the harness: the same tasks sent with `client.map`/`gather`.

- `dask-local`: a `distributed.LocalCluster` of K single-threaded worker processes on this
  machine, started before the clock and closed after it. Its workers are children of the harness,
  so the engine samples them like any pool worker (a recorder runs in each), and kills them with
  the harness's tree on a timeout or a cancel.
- `dask` (`--dask-scheduler tcp://HOST:PORT`): an existing cluster. The user's module is shipped
  with `upload_file` (a package as a zip), so it need not be installed there. The engine never
  kills it: at the deadline or on SIGTERM the run's futures are cancelled and the client closes.

Before the clock each run also measures what the scheduler costs per task: a round trip of one
no-op task, and the mean time per task of a burst of no-op tasks over all workers (the scheduler's
throughput, what limits how many workers pay off). `distributed` is imported here only.
"""
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
import zipfile

CONNECT_TIMEOUT_SECONDS = 20
NOOP_TASKS_PER_WORKER = 10


class Unavailable(Exception):
    """`distributed` does not import, or the scheduler cannot be reached: the strategy is skipped."""


class Stopped(Exception):
    """The deadline passed or SIGTERM came: the run's futures were cancelled."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def _noop(value):
    return value


def _timed(fn, args):
    """One task on a worker, with where and when it ran. This module travels by value
    (cloudpickle), so a remote worker needs nothing of ours; the user's module it needs."""
    import inspect
    import threading

    start_wall, start = time.time_ns(), time.monotonic_ns()
    result = fn(*args)
    if inspect.iscoroutine(result):
        import asyncio

        result = asyncio.run(result)
    end, end_wall = time.monotonic_ns(), time.time_ns()
    return result, (start, end, start_wall, end_wall, threading.get_native_id(), os.getpid())


def _cpu_seconds():
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime


def _start_recorder(trace_dir, hz, plan):
    """In a local worker: a recorder like a pool worker's, and the user's module loaded."""
    import cp_tracer
    import cp_worker

    cp_tracer.start(os.path.join(trace_dir, "trace-%d.jsonl" % os.getpid()), hz, "worker")
    cp_worker.load_user_module(plan)
    return os.getpid()


def _stop_recorder():
    import cp_tracer

    if cp_tracer.current is not None:
        cp_tracer.current.stop()


class Session:
    """A client on a cluster, ready before the clock: `run` sends the tasks, `close` ends it."""

    def __init__(self, config, workers, result):
        try:
            import cloudpickle
            import distributed
        except Exception as exc:  # ImportError, or a broken install
            raise Unavailable("dask needs the distributed package in %s (%s: %s): pip install distributed, or apt-get install python3-distributed" % (sys.executable, type(exc).__name__, exc))
        cloudpickle.register_pickle_by_value(sys.modules[__name__])
        self.distributed = distributed
        self.scheduler = config["dask"]["scheduler"]
        self.config = config
        self.cluster = None
        self.client = None
        self.futures = []
        self.stop_reason = None
        started = time.monotonic_ns()
        if self.scheduler:
            try:
                self.client = distributed.Client(self.scheduler, timeout=CONNECT_TIMEOUT_SECONDS, set_as_default=False)
            except Exception as exc:
                raise Unavailable("no Dask scheduler answered at %s within %d s (%s: %s)" % (self.scheduler, CONNECT_TIMEOUT_SECONDS, type(exc).__name__, exc))
            signal.signal(signal.SIGTERM, self._on_sigterm)
            self._upload(config["import"])
        else:
            self.cluster = distributed.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.ERROR,
                local_directory=config["traceDir"],
            )
            self.client = distributed.Client(self.cluster, set_as_default=False)
            self.client.run(_start_recorder, config["traceDir"], config["stackHz"], config["import"])
        self.workers = self._describe_workers()
        if not self.workers:
            raise Unavailable("the Dask cluster at %s has no workers" % self.scheduler)
        self.address_index = {w["address"]: i for i, w in enumerate(self.workers)}
        ready = time.monotonic_ns()
        self.overhead, self.round_trip = self._calibrate()
        self.cpu_before = self._cpu()
        result["cluster"] = {
            "kind": "remote" if self.scheduler else "local",
            "scheduler": self.client.scheduler.address,
            "distributedVersion": distributed.__version__,
            "workers": self.workers,
            "threads": sum(w["threads"] for w in self.workers),
            "startSeconds": (ready - started) / 1e9,
            "overheadPerTaskSeconds": self.overhead,
            "roundTripSeconds": self.round_trip,
            "taskWorker": [],
        }
        self.record = result["cluster"]

    # -- before the clock ------------------------------------------------------------------
    def _upload(self, plan):
        """Ships the user's module to every worker: its file, or its top package as a zip."""
        folder = tempfile.mkdtemp(prefix="cp-dask-")
        try:
            name = plan.get("imported")
            if name and "." in name:
                top = name.partition(".")[0]
                root = os.path.dirname(plan["file"])
                for _ in range(name.count(".")):
                    root = os.path.dirname(root)
                package = os.path.join(root, top)
                shipped = os.path.join(folder, top + ".zip")
                with zipfile.ZipFile(shipped, "w") as archive:
                    for parent, _, files in os.walk(package):
                        for file in files:
                            if file.endswith(".py"):
                                path = os.path.join(parent, file)
                                archive.write(path, os.path.relpath(path, root))
            else:
                shipped = os.path.join(folder, (name or plan.get("fileName") or os.path.splitext(os.path.basename(plan["file"]))[0]) + ".py")
                shutil.copyfile(plan["file"], shipped)
            self.client.upload_file(shipped)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _describe_workers(self):
        info = self.client.scheduler_info().get("workers", {})
        pids = self.client.run(os.getpid)
        return [
            {"address": address, "host": w.get("host") or "", "pid": pids.get(address), "threads": int(w.get("nthreads") or 1)}
            for address, w in sorted(info.items())
        ]

    def _calibrate(self):
        """Seconds per task the scheduler spends with every worker busy on no-ops, and one task's
        round trip (submit to result)."""
        burst = NOOP_TASKS_PER_WORKER * len(self.workers)
        self.client.gather(self.client.map(_noop, range(burst), pure=False))  # warm up
        start = time.monotonic()
        self.client.gather(self.client.map(_noop, range(burst), pure=False))
        per_task = (time.monotonic() - start) / burst
        start = time.monotonic()
        self.client.submit(_noop, -1, pure=False).result()
        return per_task, time.monotonic() - start

    def _cpu(self):
        return self.client.run(_cpu_seconds) if self.cluster is not None else {}

    def _on_sigterm(self, signum, frame):
        raise Stopped("cancelled", "cancelled: the run's futures on %s were cancelled; the cluster was left running" % self.scheduler)

    # -- the clock runs ---------------------------------------------------------------------
    def run(self, fn, tasks, tracer):
        """Results in task order as (value, error); after the first failure the rest is cancelled."""
        deadline = self.config["dask"].get("deadlineNs") if self.scheduler else None
        self.futures = [self.client.submit(_timed, fn, args, pure=False) for args in tasks]
        outcomes = []
        try:
            for index, future in enumerate(self.futures):
                timeout = None if deadline is None else max(0.0, (deadline - time.monotonic_ns()) / 1e9)
                try:
                    value, (start, end, start_wall, end_wall, tid, pid) = future.result(timeout=timeout)
                except (TimeoutError, self.distributed.TimeoutError):
                    raise Stopped("timeout", "no result before the deadline: the run's futures on %s were cancelled; the cluster was left running" % self.scheduler)
                except Exception as exc:
                    outcomes.append((None, exc))
                    self.client.cancel(self.futures[index + 1 :], force=True)
                    break
                if self.scheduler:  # another machine's monotonic clock: place the span by wall time
                    offset = time.time_ns() - time.monotonic_ns()
                    start, end = start_wall - offset, end_wall - offset
                tracer.record_span(index, tid, start, end, False)
                self.record["taskWorker"].append(self._worker_of(future, pid))
                outcomes.append((value, None))
        except Stopped:
            self.client.cancel(self.futures, force=True)
            raise
        return outcomes

    def _worker_of(self, future, pid):
        for i, w in enumerate(self.workers):
            if w["pid"] == pid:
                return i
        return -1

    # -- after the clock --------------------------------------------------------------------
    def cpu_seconds(self):
        """CPU the local workers used while the clock ran (a remote cluster's is not ours)."""
        after = self._cpu()
        user = sum(after[a][0] - self.cpu_before.get(a, (0, 0))[0] for a in after)
        system = sum(after[a][1] - self.cpu_before.get(a, (0, 0))[1] for a in after)
        return user, system

    def close(self):
        if self.client is None:
            return
        try:
            if self.cluster is not None:
                self.client.run(_stop_recorder)
            elif self.futures:
                self.client.cancel(self.futures, force=True)
        except Exception:
            pass  # a worker gone or a scheduler lost: closing goes on
        try:
            self.client.close(timeout=10)
        finally:
            if self.cluster is not None:
                self.cluster.close(timeout=20)
