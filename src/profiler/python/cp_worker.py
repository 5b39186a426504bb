"""What runs in every thread and pool worker: loading the user's module and timing one task.

Kept apart from the harness so that spawn/forkserver workers import only this small module
(plus the user's) and never re-run the harness's main.
"""
import importlib.util
import inspect
import multiprocessing.util
import os
import resource
import sys
import time

import cp_tracer


def module_name_for(path):
    return os.path.splitext(os.path.basename(path))[0]


def load_user_module(path):
    """Import the user's file under its own name, with its folder on sys.path, so that functions
    defined in it pickle by reference and resolve the same way in spawn/forkserver workers."""
    name = module_name_for(path)
    existing = sys.modules.get(name)
    if existing is not None and os.path.abspath(getattr(existing, "__file__", "") or "") == path:
        return existing
    folder = os.path.dirname(path)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def call(fn, args):
    """One call of the user's callable; a coroutine it returns is run to completion."""
    result = fn(*args)
    if inspect.iscoroutine(result):
        import asyncio  # only coroutines need it: importing it costs ~20 ms of start-up

        result = asyncio.run(result)
    return result


def run_task(fn, args, index):
    tracer = cp_tracer.current
    start = time.monotonic_ns()
    try:
        result = call(fn, args)
    except BaseException:
        tracer.record_task(index, start, time.monotonic_ns(), True)
        raise
    tracer.record_task(index, start, time.monotonic_ns(), False)
    return result


def _on_worker_exit():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    tracer = cp_tracer.current
    tracer.note({"workerCpu": {"pid": os.getpid(), "user": usage.ru_utime + children.ru_utime, "system": usage.ru_stime + children.ru_stime}})
    tracer.stop()


def init_worker(trace_dir, hz, module_path, pool_created_ns):
    """Pool initializer: a fresh recorder for this process (a forked child inherits the parent's
    recorder state but not its thread), then the user's module, then report readiness."""
    tracer = cp_tracer.start(os.path.join(trace_dir, "trace-%d.jsonl" % os.getpid()), hz, "worker")
    # Flush when the worker exits normally: pool workers leave through os._exit, which skips
    # atexit, but multiprocessing runs its own finalizers first.
    multiprocessing.util.Finalize(None, _on_worker_exit, exitpriority=100)
    load_user_module(module_path)
    tracer.note({"workerReady": {"pid": os.getpid(), "poolCreatedNs": pool_created_ns, "readyNs": time.monotonic_ns()}})
