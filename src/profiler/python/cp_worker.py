"""What runs in every thread and pool worker: loading the user's module and timing one task.

Kept apart from the harness so that spawn/forkserver workers import only this small module
(plus the user's) and never re-run the harness's main.
"""
import importlib
import importlib.machinery
import importlib.util
import inspect
import multiprocessing.util
import os
import resource
import sys
import threading
import time

import cp_blocking
import cp_native
import cp_tracer


# -- finding and importing the user's module -------------------------------------------------
# The engine plans it (src/profiler/project.ts): a dotted name as `python -m` from the project root
# would use, the folders to put on sys.path, and the file. The harness checks the name with the
# import system itself (decide_import) and every worker follows that decision (load_user_module).


def same_file(a, b):
    try:
        return os.path.samefile(a, b)
    except (OSError, TypeError):
        return False


def module_file(module):
    return getattr(module, "__file__", None) or ""


def add_paths(plan):
    """The plan's folders at the front of sys.path (in order), its appended folder at the end."""
    front = [p for p in plan["sysPathAdded"] if p not in sys.path]
    sys.path[:0] = front
    appended = plan["sysPathAppended"]
    if appended and appended not in sys.path:
        sys.path.append(appended)


def stand_aside(top):
    """Removes `top` and its submodules from sys.modules and returns them. The profiler's own
    machinery has loaded standard-library modules that `python -m` would not have loaded yet
    (json, pickle, queue): a project module of that name must win the import, as it would there.
    What already holds those modules keeps its references."""
    return {key: sys.modules.pop(key) for key in list(sys.modules) if key == top or key.startswith(top + ".")}


def folder_of(name, depth, path):
    """The folder that the first `depth` parts of `name` stand for, given that `name` is `path`."""
    parts = len(name.split("."))
    levels = parts - depth if os.path.basename(path) == "__init__.py" else parts - 1 - depth
    folder = os.path.dirname(path)
    for _ in range(levels):
        folder = os.path.dirname(folder)
    return folder


def why_elsewhere(name, path, found):
    """Why `import name` does not load `path`: the first parent package that is something else."""
    parts = name.split(".")
    for depth in range(1, len(parts)):
        prefix = ".".join(parts[:depth])
        module = sys.modules.get(prefix)
        expected = folder_of(name, depth, path)
        if module is not None and not any(same_file(p, expected) for p in getattr(module, "__path__", [])):
            where = module_file(module) or "built in"
            return "%s is %s, not the folder %s" % (prefix, where, expected)
    return "it finds %s" % (found or "nothing")


def belongs(module, name, path):
    """Whether `module`, loaded as the top of `name`, is the project's own."""
    if "." not in name:
        return same_file(module_file(module), path)
    return any(same_file(p, folder_of(name, 1, path)) for p in getattr(module, "__path__", []))


def decide_import(plan, startup_modules):
    """(name, None) when `import name` loads the planned file, as under `python -m`; else
    (None, why). May import the module's parent packages, as `python -m` does first."""
    name, path = plan["module"], plan["file"]
    if name is None:
        return None, plan["moduleNote"]
    top = name.partition(".")[0]
    loaded = sys.modules.get(top)
    if loaded is not None and top in startup_modules and not belongs(loaded, name, path):
        return None, "%s is the module Python loaded at start-up (%s), so `python -m %s` would not run this file" % (
            top,
            module_file(loaded) or "built in",
            name,
        )
    set_aside = stand_aside(top) if loaded is not None else {}
    try:
        spec = importlib.util.find_spec(name)
    except ModuleNotFoundError as exc:
        if exc.name is None or not (name == exc.name or name.startswith(exc.name + ".")):
            sys.modules.update(set_aside)
            raise  # the package's own code failed to import something: the user's error
        spec = None
    except BaseException:
        sys.modules.update(set_aside)
        raise
    if spec is not None and spec.origin and same_file(spec.origin, path):
        return name, None
    sys.modules.update(set_aside)
    origin = spec.origin if spec is not None else None
    return None, "`python -m %s` would not run this file: %s" % (name, why_elsewhere(name, path, origin))


def file_mode_name(path):
    """The file's stem, or a private name when a loaded module already has the stem."""
    stem = os.path.splitext(os.path.basename(path))[0]
    taken = sys.modules.get(stem)
    return stem if taken is None or same_file(module_file(taken), path) else "_cp_file_" + stem


def load_user_module(plan):
    """Imports the user's module as the harness decided (plan["imported"]): by its dotted name, or
    from its file under plan["fileName"] with its folder first on sys.path (as `python FILE.py`).
    Either way functions pickle by reference and resolve the same way in spawn/forkserver workers."""
    add_paths(plan)
    name, path = plan["imported"], plan["file"]
    existing = sys.modules.get(name or plan["fileName"])
    if existing is not None and same_file(module_file(existing), path):
        return existing
    if name is not None:
        top = name.partition(".")[0]
        loaded = sys.modules.get(top)
        if loaded is not None and not belongs(loaded, name, path):
            stand_aside(top)  # in a spawn/forkserver worker: the machinery's module of that name
        return importlib.import_module(name)
    name = plan["fileName"]
    folder = os.path.dirname(path)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    loader = importlib.machinery.SourceFileLoader(name, path)  # any extension, as `python FILE` allows
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


# How results were consumed in this process: a generator (or async generator) does its work only
# when iterated, so each task iterates it and its items become the task's result.
CONSUMED = set()


def consume(result):
    if inspect.isgenerator(result):
        CONSUMED.add("generator")
        return list(result)
    return result


async def finish(result):
    """A coroutine awaited, an async generator drained into a list."""
    cp_blocking.watch_running_loop()
    if inspect.isasyncgen(result):
        CONSUMED.add("async generator")
        return [item async for item in result]
    return consume(await result)


async def await_task(fn, args):
    """One call on an event loop: the call's coroutine or async generator finished there."""
    result = fn(*args)
    if inspect.isasyncgen(result) or inspect.isawaitable(result):
        return await finish(result)
    return consume(result)


def call(fn, args):
    """One call of the user's callable; a coroutine it returns is run to completion, a generator
    (or async generator) iterated to its end."""
    result = fn(*args)
    if inspect.iscoroutine(result) or inspect.isasyncgen(result):
        import asyncio  # only coroutines need it: importing it costs ~20 ms of start-up

        return asyncio.run(finish(result))
    return consume(result)


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


def timed_call(fn, args):
    """One task where no recorder runs (a worker interpreter): the result with its own timing, so
    the caller records the span. Monotonic clocks are shared by all threads of a machine."""
    start = time.monotonic_ns()
    result = call(fn, args)
    return result, start, time.monotonic_ns(), threading.get_native_id()


def isolated_task(payload, out_path):
    """One task inside an isolated interpreter of Python 3.13 (its private _interpreters module,
    which cannot return values): the pickled (callable, args) in, the pickled outcome written to
    out_path for the main interpreter to read. A failure travels as text, since the exception
    itself may not unpickle there."""
    import pickle
    import traceback

    fn, args = pickle.loads(payload)
    try:
        outcome = ("ok",) + timed_call(fn, args)
    except BaseException as exc:  # the caller re-raises it in the main interpreter
        frames = "".join(traceback.format_tb(exc.__traceback__))  # the harness adds the last line
        outcome = ("error", type(exc).__name__, str(exc), frames)
    try:
        data = pickle.dumps(outcome)
    except Exception as exc:  # an unpicklable result, as a process pool would report it
        data = pickle.dumps(("error", type(exc).__name__, "the result cannot be pickled: %s" % exc, ""))
    with open(out_path, "wb") as out:
        out.write(data)


def _on_worker_exit():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    tracer = cp_tracer.current
    tracer.note({"workerCpu": {"pid": os.getpid(), "user": usage.ru_utime + children.ru_utime, "system": usage.ru_stime + children.ru_stime}})
    note_native_pools(tracer, False)
    tracer.stop()


def note_native_pools(tracer, with_threadpoolctl):
    """After this process's tasks: what names its native thread pools (see cp_native)."""
    try:
        native = cp_native.report(with_threadpoolctl)
    except Exception:  # a missing /proc entry must not fail the run: the pools stay unnamed
        native = None
    if native is not None:
        tracer.note({"native": native})


def init_worker(trace_dir, hz, plan, pool_created_ns, native_threads):
    """Pool initializer: a fresh recorder for this process (a forked child inherits the parent's
    recorder state but not its thread), then the user's module (and the `+native-N` limit on the
    pools it loaded), then report readiness."""
    tracer = cp_tracer.start(os.path.join(trace_dir, "trace-%d.jsonl" % os.getpid()), hz, "worker")
    # Flush when the worker exits normally: pool workers leave through os._exit, which skips
    # atexit, but multiprocessing runs its own finalizers first.
    multiprocessing.util.Finalize(None, _on_worker_exit, exitpriority=100)
    load_user_module(plan)
    if native_threads is not None:
        cp_native.limit(native_threads)
    # A spawned worker loaded its libraries just now: their threads' start-up spinning belongs to the
    # worker's start-up, not to its first tasks (a forked one starts with no native threads).
    cp_native.settle()
    tracer.note({"workerReady": {"pid": os.getpid(), "poolCreatedNs": pool_created_ns, "readyNs": time.monotonic_ns()}})
