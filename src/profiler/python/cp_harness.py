"""Runs the user's workload under one concurrency strategy, in a fresh interpreter started by the
engine: `python cp_harness.py CONFIG.json`. Writes RESULT.json (path in the config) at the end;
the per-process trace files (cp_tracer) hold stacks and task spans as they happen.

Exit codes: 0 ran (the tasks may still have failed: see the result), 3 usage error (the result
says which), anything else is a crash of the harness itself.
"""
import sys
import time

HARNESS_START_NS = time.monotonic_ns()
# What Python loaded before the harness: under `python -m` these win over a project module of the
# same name, everything else loses to it.
STARTUP_MODULES = frozenset(sys.modules)

import cmath  # noqa: E402
import contextlib  # noqa: E402
import importlib  # noqa: E402
import inspect  # noqa: E402
import io  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import pickle  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import runpy  # noqa: E402
import threading  # noqa: E402
import traceback  # noqa: E402
from concurrent import futures  # noqa: E402

import cp_blocking  # noqa: E402
import cp_dask  # noqa: E402
import cp_native  # noqa: E402
import cp_lifecycle  # noqa: E402
import cp_portable  # noqa: E402
import cp_tracer  # noqa: E402
import cp_worker  # noqa: E402

USAGE_EXIT = 3
# As src/profiler/caps.ts: a 90 MB exception message must not become a 90 MB profile.
MESSAGE_CHARS = 4000
TRACEBACK_CHARS = 16000
HIDDEN_FILE_PARTS = (
    cp_tracer.HARNESS_DIR,
    os.sep + "concurrent" + os.sep + "futures" + os.sep,
    os.sep + "multiprocessing" + os.sep,
    os.sep + "importlib" + os.sep,
    os.sep + "runpy.py",
    "<frozen importlib",
    "<frozen runpy",
)
REPR_LIMIT = 300


LIFELINE_THREAD = None  # the lifeline's watcher thread: the profiler's, not the workload's


class UsageError(Exception):
    pass


# -- errors ----------------------------------------------------------------------------------
def user_traceback(exc):
    """The traceback without the harness's and the pool machinery's frames; for an exception
    raised in a process-pool worker, the worker's frames come from the remote traceback text."""
    lines = ["Traceback (most recent call last):\n"]
    for frame in traceback.extract_tb(exc.__traceback__):
        if not any(part in frame.filename for part in HIDDEN_FILE_PARTS):
            lines.extend(traceback.format_list([frame]))
    remote = getattr(exc, "__cause__", None)
    if remote is not None and type(remote).__name__ == "_RemoteTraceback":
        blocks = re.split(r'(?m)^(?=  File ")', str(remote.tb))
        for block in blocks:
            match = re.match(r'  File "([^"]+)"', block)
            if match and not any(p in match.group(1) for p in HIDDEN_FILE_PARTS):
                lines.append(block if block.endswith("\n") else block + "\n")
    lines.extend(traceback.format_exception_only(type(exc), exc))
    return "".join(lines)


CAPPED = []  # notes of what was cut, for the profile


def cap(text, limit, what):
    """Head and tail of `text` around a marker saying how much was cut (as capText in caps.ts)."""
    if len(text) <= limit:
        return text
    CAPPED.append("%s cut to %d of %d characters" % (what, limit, len(text)))
    marker = "\n[... %d characters cut ...]\n" % (len(text) - limit)
    keep = max(0, limit - len(marker))
    head = (keep + 1) // 2
    return text[:head] + marker + text[len(text) - (keep - head) :]


def safe_str(exc):
    try:
        return str(exc)
    except Exception as error:  # a __str__ that raises
        return "<str() of the exception failed: %s>" % type(error).__name__


def error_record(kind, message, tb=""):
    return {"type": kind, "message": cap(message, MESSAGE_CHARS, "exception message"), "traceback": cap(tb, TRACEBACK_CHARS, "traceback")}


def describe(exc):
    return error_record(type(exc).__name__, safe_str(exc), user_traceback(exc))


# -- the workload ----------------------------------------------------------------------------
def resolve(module, name):
    """A module-level name, or Class.method of a class built with no arguments."""
    target = module
    parts = name.split(".")
    for depth, part in enumerate(parts):
        if not hasattr(target, part):
            raise UsageError("not-found")
        attr = getattr(target, part)
        if inspect.isclass(attr) and depth < len(parts) - 1:
            raw = inspect.getattr_static(attr, parts[depth + 1], None)
            if inspect.isfunction(raw):  # a plain method needs an instance
                try:
                    attr = attr()
                except Exception as exc:
                    raise UsageError("cannot build %s() with no arguments: %s: %s" % (part, type(exc).__name__, exc))
        target = attr
    if not callable(target):
        raise UsageError("%s is a %s, not a callable" % (name, type(target).__name__))
    return target


def required_parameters(fn):
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return []
    return [
        p.name
        for p in signature.parameters.values()
        if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]


def task_inputs(module, fn, expression, default_tasks):
    if expression is None:
        missing = required_parameters(fn)
        if missing:
            raise UsageError(
                "the function needs arguments (%s): pass --args with an expression yielding one tuple per task, e.g. --args \"[(%s) for _ in range(8)]\""
                % (", ".join(missing), ", ".join("..." for _ in missing))
            )
        return [()] * default_tasks
    try:
        items = eval(expression, vars(module))  # the user's own expression, in their module
        return [item if isinstance(item, tuple) else (item,) for item in items]
    except Exception as exc:
        raise UsageError("--args %r failed: %s: %s" % (expression, type(exc).__name__, exc))


def mentions_asyncio(path):
    """A whole script gets the event-loop recorder only when it may run a loop, asyncio's or uvloop's
    (importing asyncio costs ~20 ms)."""
    try:
        with open(path, "rb") as handle:
            text = handle.read()
    except OSError:
        return False
    return b"asyncio" in text or b"uvloop" in text


def is_async(fn):
    call = getattr(fn, "__call__", None)
    return any(check(target) for check in (inspect.iscoroutinefunction, inspect.isasyncgenfunction) for target in (fn, call))


# -- strategies: each returns a list of (result, error) in task order ------------------------
def run_serial(fn, tasks, strategy, state):
    outcomes = []
    if is_async(fn):
        import asyncio

        async def one_after_another():
            for index, args in enumerate(tasks):
                start = time.monotonic_ns()
                try:
                    outcomes.append((await cp_worker.await_task(fn, args), None))
                    cp_tracer.current.record_task(index, start, time.monotonic_ns(), False)
                except Exception as exc:
                    cp_tracer.current.record_task(index, start, time.monotonic_ns(), True)
                    outcomes.append((None, exc))
                    return

        asyncio.run(one_after_another())
        return outcomes
    for index, args in enumerate(tasks):
        try:
            outcomes.append((cp_worker.run_task(fn, args, index), None))
        except Exception as exc:
            outcomes.append((None, exc))
            break
    return outcomes


def run_asyncio(fn, tasks, strategy, state):
    if not is_async(fn):
        raise Skip("asyncio runs coroutines: the function is not an async def (nor an async generator)")
    import asyncio

    tracer = cp_tracer.current

    async def timed(index, args):
        start = time.monotonic_ns()
        try:
            result = await cp_worker.await_task(fn, args)
        except BaseException:
            tracer.record_task(index, start, time.monotonic_ns(), True)
            raise
        tracer.record_task(index, start, time.monotonic_ns(), False)
        return result

    async def gather_all():
        return await asyncio.gather(*(timed(i, a) for i, a in enumerate(tasks)), return_exceptions=True)

    return [(None, r) if isinstance(r, BaseException) else (r, None) for r in asyncio.run(gather_all())]


def collect(pending):
    """Results in task order; after the first failure the tasks not yet started are cancelled."""
    outcomes = []
    failed = False
    for future in pending:
        if failed:
            future.cancel()
            continue
        try:
            outcomes.append((future.result(), None))
        except Exception as exc:
            outcomes.append((None, exc))
            failed = True
    return outcomes


def run_threads(fn, tasks, strategy, state):
    with futures.ThreadPoolExecutor(max_workers=strategy["workers"], thread_name_prefix="task") as pool:
        return collect([pool.submit(cp_worker.run_task, fn, args, i) for i, args in enumerate(tasks)])


def process_pool_class():
    """ProcessPoolExecutor, patched where Debian's PyPy 3.9 renamed _adjust_process_count to
    _adjust_process_count_cpython while submit() still calls the old name (forkserver and spawn
    pools then fail with an AttributeError)."""
    pool = futures.ProcessPoolExecutor
    if hasattr(pool, "_adjust_process_count") or not hasattr(pool, "_adjust_process_count_cpython"):
        return pool
    return type("ProcessPoolExecutor", (pool,), {"_adjust_process_count": pool._adjust_process_count_cpython})


def run_processes(fn, tasks, strategy, state):
    import multiprocessing

    method = strategy["startMethod"]
    if method not in multiprocessing.get_all_start_methods():
        raise Skip("the %r start method does not exist on %s" % (method, sys.platform))
    context = multiprocessing.get_context(method)
    created = time.monotonic_ns()
    initargs = (state["traceDir"], state["stackHz"], state["import"], created, strategy.get("nativeThreads"))
    with process_pool_class()(strategy["workers"], mp_context=context, initializer=cp_worker.init_worker, initargs=initargs) as pool:
        # The workers start in submit(); spawn and forkserver ones start from a copy of sys.path.
        with project_paths_hidden(state["import"]) if method != "fork" else contextlib.nullcontext():
            pending = [pool.submit(cp_worker.run_task, fn, args, i) for i, args in enumerate(tasks)]
        outcomes = collect(pending)
    return outcomes


@contextlib.contextmanager
def project_paths_hidden(plan):
    """Starts spawn/forkserver workers without the project's folders on sys.path, so that their
    own start-up (this harness as __mp_main__, the pool's modules) imports the standard library's
    json or queue even where the project has one; init_worker then adds the folders back."""
    added = set(plan["sysPathAdded"]) | {plan["sysPathAppended"]}
    saved = sys.path[:]
    sys.path[:] = [p for p in saved if p not in added]
    try:
        yield
    finally:
        sys.path[:] = saved


def run_subinterpreters(fn, tasks, strategy, state):
    """Python 3.14's InterpreterPoolExecutor: one interpreter (with its own GIL) per worker
    thread. Each worker interpreter starts with the interpreter's default sys.path, so its
    initializer puts our folder first and loads the module as the harness decided (exec is a
    builtin: it pickles by name)."""
    pool_class = getattr(futures, "InterpreterPoolExecutor", None)
    setup = "import sys; sys.path[:0] = [%r]; import cp_worker; cp_worker.load_user_module(%r)" % (cp_tracer.HARNESS_DIR, state["import"])
    if pool_class is None and private_interpreters() is None:
        raise Skip("subinterpreters need Python 3.12 or newer (3.14's concurrent.futures.InterpreterPoolExecutor); this is %s" % sys.version.split()[0])
    tracer = cp_tracer.current
    CAPPED.append("Python stacks were not sampled while the worker interpreters ran (sys._current_frames() would read their frames without their GIL); thread states come from /proc as usual")
    with tracer.stacks_paused():
        if pool_class is not None:
            with pool_class(max_workers=strategy["workers"], thread_name_prefix="task", initializer=exec, initargs=(setup,)) as pool:
                outcomes = collect([pool.submit(cp_worker.timed_call, fn, args) for args in tasks])
        else:
            outcomes = run_isolated_interpreters(fn, tasks, strategy["workers"], setup, state["traceDir"])
    # The spans were timed inside the worker interpreters, whose recorder cannot write: record them here.
    results = []
    for index, (value, error) in enumerate(outcomes):
        if error is None:
            result, start, end, tid = value
            tracer.record_span(index, tid, start, end, False)
            value = result
        results.append((value, error))
    return results


def private_interpreters():
    """Python 3.13's private _interpreters module, where it has what run_isolated_interpreters
    uses, else 3.12's _xxsubinterpreters behind the same names (its create() makes an isolated
    interpreter with its own GIL, PEP 684)."""
    try:
        import _interpreters
    except ImportError:
        _interpreters = None
    needed = ("create", "destroy", "exec", "new_config", "set___main___attrs")
    if _interpreters is not None and all(hasattr(_interpreters, name) for name in needed):
        return _interpreters
    if sys.version_info < (3, 12):  # 3.11 has the module too, but its interpreters share one GIL
        return None
    try:
        import _xxsubinterpreters
    except ImportError:
        return None
    needed = ("create", "destroy", "run_string", "RunFailedError")
    return Interpreters312(_xxsubinterpreters) if all(hasattr(_xxsubinterpreters, name) for name in needed) else None


class Interpreters312:
    """3.12's _xxsubinterpreters with the calls of 3.13's _interpreters that run_isolated_interpreters
    makes: attributes for __main__ travel with the next run (run_string's `shared`), and a failure
    is returned (with .type and .msg, as 3.13's exec returns it) rather than raised."""

    def __init__(self, module):
        self.module = module
        self.pending = {}

    def new_config(self, name):
        return name

    def create(self, config):
        return self.module.create(isolated=True)

    def destroy(self, iid):
        self.pending.pop(iid, None)
        self.module.destroy(iid)

    def set___main___attrs(self, iid, attrs):
        self.pending[iid] = attrs

    def exec(self, iid, code):
        try:
            self.module.run_string(iid, code, self.pending.pop(iid, None))
        except self.module.RunFailedError as exc:
            return RunFailure(str(exc))
        return None


class RunFailure:
    """3.12's RunFailedError text, "<class 'ImportError'>: message", as 3.13's exec error."""

    def __init__(self, text):
        match = re.match(r"<class '(?:[\w.]+\.)?(\w+)'>: ?(.*)", text, re.S)
        name, self.msg = match.groups() if match else ("RunFailedError", text)
        self.type = type(name, (Exception,), {})


class SubinterpreterError(Exception):
    """A task's exception raised in a worker interpreter, by the name it had there."""


class _RemoteTraceback(Exception):
    """Carries the worker interpreter's traceback text (user_traceback keeps its user frames)."""

    def __init__(self, tb):
        super().__init__(tb)
        self.tb = tb


def run_isolated_interpreters(fn, tasks, workers, setup, trace_dir):
    """What InterpreterPoolExecutor does on 3.14, with 3.12-3.13's private modules: `workers` threads,
    each running its tasks in an isolated interpreter that has its own GIL. Tasks are taken in
    order; after the first failure no new task starts (as collect does for the pools)."""
    interpreters = private_interpreters()
    outcomes = [None] * len(tasks)
    order = iter(range(len(tasks)))
    lock = threading.Lock()
    failed = threading.Event()

    def work(slot):
        out_path = os.path.join(trace_dir, "subinterpreter-%d.pickle" % slot)
        iid = interpreters.create(interpreters.new_config("isolated"))
        try:
            error = interpreters.exec(iid, setup)
            while not failed.is_set():
                with lock:
                    index = next(order, None)
                if index is None:
                    return
                if error is None:
                    try:
                        payload = pickle.dumps((fn, tasks[index]))
                    except Exception as exc:  # as a process pool would fail on it
                        outcomes[index] = (None, exc)
                        failed.set()
                        return
                    interpreters.set___main___attrs(iid, {"payload": payload, "out_path": out_path})
                    error = interpreters.exec(iid, "cp_worker.isolated_task(payload, out_path)")
                if error is not None:  # the set-up or the harness's own code failed there
                    outcomes[index] = (None, SubinterpreterError("%s: %s" % (error.type.__name__, error.msg)))
                    failed.set()
                    return
                with open(out_path, "rb") as result:
                    outcome = pickle.load(result)
                if outcome[0] == "ok":
                    outcomes[index] = (outcome[1:], None)
                    continue
                _, name, message, tb = outcome
                exc = type(name, (SubinterpreterError,), {})(message)
                exc.__cause__ = _RemoteTraceback(tb)
                outcomes[index] = (None, exc)
                failed.set()
        finally:
            interpreters.destroy(iid)

    threads = [threading.Thread(target=work, args=(slot,), name="task_%d" % slot) for slot in range(min(workers, len(tasks)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Tasks never started after a failure are left out, as collect() leaves out cancelled ones.
    return [o for o in outcomes if o is not None]


def run_dask(fn, tasks, strategy, state):
    return state["daskSession"].run(fn, tasks, cp_tracer.current)


class Skip(Exception):
    """The strategy does not apply here; `kind` names why (the error type in the profile)."""

    def __init__(self, message, kind="Skipped"):
        super().__init__(message)
        self.kind = kind


RUNNERS = {"serial": run_serial, "threads": run_threads, "processes": run_processes, "asyncio": run_asyncio, "subinterpreters": run_subinterpreters, "dask": run_dask}


# -- results against the serial baseline -----------------------------------------------------
def short_repr(value):
    text = repr(value)
    return text if len(text) <= REPR_LIMIT else text[: REPR_LIMIT - 3] + "..."


def values_equal(a, b):
    if a is b:
        return True
    if type(a) is type(b) and type(a).__eq__ is object.__eq__:
        # Identity equality says nothing about a value from another thread or process: compare the state.
        try:
            return pickle.dumps(a) == pickle.dumps(b)
        except Exception:
            pass
    try:
        same = a == b
        if isinstance(same, bool):
            return same
        all_of = getattr(same, "all", None)  # numpy arrays compare element-wise
        if all_of is not None and getattr(a, "shape", None) == getattr(b, "shape", None):
            return bool(all_of())
    except Exception:
        pass
    try:
        return pickle.dumps(a) == pickle.dumps(b)
    except Exception:
        return repr(a) == repr(b)


# `+native-N` strategies run the same floating-point sums split over fewer threads, so in another
# order: their results may differ from serial's in the last digits. Those are compared with this
# relative tolerance (float64 sums of a million terms differ by ~1e-10; a real difference is larger).
NATIVE_RELATIVE_TOLERANCE = 1e-6


def values_close(a, b, rel):
    """Equal, or equal within `rel` for floats, numeric arrays and containers of them."""
    if values_equal(a, b):
        return True
    if isinstance(a, (float, complex)) and isinstance(b, (float, complex)):
        return cmath.isclose(a, b, rel_tol=rel)
    if hasattr(a, "dtype") and hasattr(a, "shape") and getattr(a, "shape", None) == getattr(b, "shape", None):
        try:
            numpy = sys.modules[type(a).__module__.split(".")[0]]
            return bool(numpy.allclose(a, b, rtol=rel, atol=0.0, equal_nan=True))
        except Exception:
            return False
    if isinstance(a, (list, tuple)) and type(a) is type(b) and len(a) == len(b):
        return all(values_close(x, y, rel) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        return all(values_close(a[k], b[k], rel) for k in a)
    return False


# Values that are not values: comparing them says nothing about a race, so they are "not comparable".
LOCK_TYPES = (type(threading.Lock()), type(threading.RLock()), threading.Condition, threading.Semaphore, threading.Event, threading.Barrier)
SCALARS = (str, bytes, int, float, complex, bool, type(None))
INSPECTED_ITEMS = 1000
ADDRESS_IN_REPR = re.compile(r" at 0x[0-9a-fA-F]+")


def not_comparable(value, depth=0):
    """Why `value` cannot be compared by value (a short phrase), or None when it can."""
    if isinstance(value, SCALARS) or depth > 8:
        return None
    if inspect.isgenerator(value) or inspect.isasyncgen(value):
        return "a generator"
    if inspect.isawaitable(value):
        return "an awaitable"
    if isinstance(value, io.IOBase):
        return "an open file"
    if isinstance(value, LOCK_TYPES):
        return "a lock"
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        items = value.values() if isinstance(value, dict) else value
        for item in itertools.islice(items, INSPECTED_ITEMS):
            reason = not_comparable(item, depth + 1)
            if reason:
                return reason
        return None
    if hasattr(type(value), "__next__"):
        return "an iterator"
    return None


def first_not_comparable(results):
    for index, value in enumerate(results):
        reason = not_comparable(value)
        if reason:
            return "task %d returned %s (%s), which cannot be compared by value" % (index, reason, type(value).__name__)
    return None


def save_baseline(path, results):
    reason = first_not_comparable(results)
    try:
        payload = {"kind": "pickle", "values": pickle.dumps(results), "notComparable": reason}
    except Exception:
        reprs = [repr(r) for r in results]
        if reason is None and any(ADDRESS_IN_REPR.search(text) for text in reprs):
            reason = "serial's results cannot be pickled and their repr holds memory addresses"
        payload = {"kind": "repr", "values": reprs, "notComparable": reason}
    with open(path, "wb") as handle:
        pickle.dump(payload, handle)
    return reason


def compare_with_baseline(path, results, rel=None):
    """(comparison, note, first difference): comparison is "equal", "differ", "not-comparable" or "not-compared"."""
    try:
        with open(path, "rb") as handle:
            payload = pickle.load(handle)
        expected = pickle.loads(payload["values"]) if payload["kind"] == "pickle" else payload["values"]
    except Exception as exc:
        return "not-compared", "serial's results could not be read back: %s" % type(exc).__name__, None
    reason = payload.get("notComparable") or first_not_comparable(results)
    if reason:
        return "not-comparable", reason, None
    if len(expected) != len(results):
        return "differ", None, {"task": min(len(expected), len(results)), "expected": "%d results" % len(expected), "actual": "%d results" % len(results)}
    for index, (want, got) in enumerate(zip(expected, results)):
        if payload["kind"] != "pickle":
            same = want == repr(got)
        else:
            same = values_equal(want, got) if rel is None else values_close(want, got, rel)
        if not same:
            return "differ", None, {"task": index, "expected": short_repr(want) if payload["kind"] == "pickle" else want[:REPR_LIMIT], "actual": short_repr(got)}
    return "equal", None, None


def pickled_size_or_raise(fn, args):
    from multiprocessing.reduction import ForkingPickler  # the pickler the pool itself uses

    try:
        return len(ForkingPickler.dumps((fn, args)))
    except Exception as exc:
        raise TaskPicklingError(exc)


class TaskPicklingError(Exception):
    """The callable or its arguments cannot be sent to a worker process."""

    def __init__(self, cause):
        super().__init__(str(cause))
        self.cause = cause


def pickled_size(value):
    try:
        return len(pickle.dumps(value))
    except Exception:
        return None


# -- what the workload imported --------------------------------------------------------------
PACKAGE_DIRS = (os.sep + "site-packages" + os.sep, os.sep + "dist-packages" + os.sep)


def module_path(module):
    path = getattr(module, "__file__", None)
    if path:
        return path
    paths = getattr(module, "__path__", None)  # a namespace package has folders, no file
    return next(iter(paths), "") if paths else ""


def installed_packages(before):
    """Top-level names of installed packages (site-packages, dist-packages) imported since `before`."""
    names = set()
    for name, module in list(sys.modules.items()):
        top = name.partition(".")[0]
        if top in before or top in names or module is None:
            continue
        try:
            path = module_path(module)
        except Exception:  # a module object that misbehaves on attribute access
            continue
        if any(part in path for part in PACKAGE_DIRS):
            names.add(top)
    return sorted(names)


# -- main ------------------------------------------------------------------------------------
def cpu_times():
    self_usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return self_usage.ru_utime + children.ru_utime, self_usage.ru_stime + children.ru_stime


def main():
    global LIFELINE_THREAD
    with open(sys.argv[1], encoding="utf-8") as handle:
        config = json.load(handle)
    result = {"harnessStartNs": HARNESS_START_NS, "status": "ok", "error": None, "subreaper": cp_lifecycle.become_subreaper()}
    if config.get("lifelineFd") is not None:
        LIFELINE_THREAD = cp_lifecycle.watch_lifeline(config["lifelineFd"])
    before = set(name.partition(".")[0] for name in sys.modules)
    try:
        run(config, result)
    except UsageError as exc:
        result.update(status="usage", error=error_record("UsageError", safe_str(exc)))
    except Skip as exc:
        result.update(status="skipped", error=error_record(exc.kind, safe_str(exc)))
    except cp_dask.Unavailable as exc:
        result.update(status="skipped", error=error_record("DaskUnavailable", safe_str(exc)))
    except cp_dask.Stopped as exc:
        result.update(status=exc.status, error=error_record("DaskStopped", safe_str(exc)))
    except SyntaxError as exc:
        result.update(status="usage", error=error_record("SyntaxError", safe_str(exc), user_traceback(exc)))
    except TaskPicklingError as exc:
        cause = exc.cause
        result.update(status="failed", error=error_record(type(cause).__name__, safe_str(cause), "".join(traceback.format_exception_only(type(cause), cause))))
        sys.stderr.write(result["error"]["traceback"])
    except BaseException as exc:  # the user's import or script raised: a failure of the workload
        result.update(status="failed", error=describe(exc))
        sys.stderr.write(result["error"]["traceback"])
    finally:
        if cp_tracer.current is not None:
            strategy = config["strategy"]
            if strategy["kind"] != "processes":  # there the workers ran the tasks
                # threadpoolctl's view (each library's thread limit) in the baseline run only.
                baseline = strategy["kind"] in ("serial", "script") and strategy.get("nativeThreads") is None
                cp_worker.note_native_pools(cp_tracer.current, baseline)
            cp_tracer.current.stop()
        result["packages"] = installed_packages(before)
        result["endNs"] = time.monotonic_ns()
        # The tasks are done: whatever they started and left running goes now, and is reported.
        result["leftBehind"] = cp_lifecycle.end_leftovers()
        result["capped"] = CAPPED
        temporary = config["resultPath"] + ".tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(result, handle)
        os.replace(temporary, config["resultPath"])
    code = USAGE_EXIT if result["status"] == "usage" else 0
    if config["function"] is not None:
        # Threads a task started and left running must not keep the strategy going: the tasks
        # are over. (A whole script ends as Python ends it, after its non-daemon threads.)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.stdout.flush()
    return code


def decide(plan, result):
    """Puts the project's folders on sys.path and decides how the module is imported: by its
    dotted name, or from its file (with its folder first on sys.path, as `python FILE.py`) and
    the reason. Recorded before any of the user's code runs, so a failed import still says it."""
    plan.update(imported=plan["module"], fileNote=None, fileName=None)  # as tried, should a parent package fail
    result["import"] = plan
    cp_worker.add_paths(plan)
    plan["imported"], plan["fileNote"] = cp_worker.decide_import(plan, STARTUP_MODULES)
    if plan["imported"] is None:
        folder = os.path.dirname(plan["file"])
        if plan["sysPathAppended"] is not None:
            sys.path.remove(plan["sysPathAppended"])
        sys.path.insert(0, folder)
        plan.update(
            fileName=cp_worker.file_mode_name(plan["file"]),
            sysPathAdded=[folder] + [p for p in plan["sysPathAdded"] if p != folder],
            sysPathAppended=None,
        )
    return plan


def run_script(path, plan, config, tracer, result):
    """Whole-script mode: the file runs once as __main__, with the pool hook installed: it records
    the pools the project's own code creates, and for a what-if swaps them or overrides their size.
    The project's files: those under the working directory (the project root) when the script is
    in it, else those in the script's folder."""
    import cp_poolswap  # only scripts need it: it imports multiprocessing.pool

    project = os.path.join(os.getcwd(), "")
    root = project if os.path.abspath(path).startswith(project) else os.path.dirname(path)
    strategy = config["strategy"]
    cp_poolswap.install(root, strategy.get("swap"), strategy.get("poolSize"))
    sys.argv = [path]
    if config.get("watchLoops") and mentions_asyncio(path):
        cp_blocking.watch_loops(tracer, config["slowCallbackMs"])
    start = time.monotonic_ns()
    result["taskStartNs"] = start
    result["exitCode"] = 0
    cpu_before = cpu_times()
    try:
        if plan["imported"] is not None:
            runpy.run_module(plan["imported"], run_name="__main__", alter_sys=True)
        else:
            runpy.run_path(path, run_name="__main__")
    except SystemExit as exc:
        result["exitCode"] = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if exc.code not in (None, 0):
            raise
    except cp_poolswap.SwapRefused as exc:
        raise Skip("%s. Fix: %s" % (exc.detail["message"], exc.detail["fix"]), "SwapRefused")
    except BaseException:
        result["exitCode"] = 1
        raise
    finally:
        # Python ends a script only after its non-daemon threads (and the pools they feed):
        # so does the task, before anything it left running is ended.
        shutdown_threads = getattr(threading, "_shutdown", None)
        if shutdown_threads is not None:
            shutdown_threads()
        cp_tracer.current.record_task(0, start, time.monotonic_ns(), False)
        result["taskEndNs"] = time.monotonic_ns()
        cpu_after = cpu_times()
        result["cpuSeconds"] = {"user": cpu_after[0] - cpu_before[0], "system": cpu_after[1] - cpu_before[1]}
        result["pools"] = cp_poolswap.report()
        result["tasks"] = 1
        result["importEndNs"] = result["importStartNs"]
    refused = cp_poolswap.refusal()
    if refused is not None:  # the script caught the refusal itself and went on
        raise Skip("%s. Fix: %s" % (refused["message"], refused["fix"]), "SwapRefused")


POOL_MODULES = {"threads": ("concurrent.futures.thread",), "processes": ("concurrent.futures.process",)}


def run(config, result):
    strategy = config["strategy"]
    path = config["file"]
    tracer = cp_tracer.start(os.path.join(config["traceDir"], "trace-%d.jsonl" % os.getpid()), config["stackHz"], "harness")
    if LIFELINE_THREAD is not None:
        tracer.exclude(LIFELINE_THREAD.native_id)
    if config.get("traceLocks"):
        cp_blocking.trace_locks(tracer)  # before the user's module creates its locks
    # The pool's modules load before the project's folders are on sys.path, so that a project
    # module named queue cannot replace the one the pool uses (only the pool's: serial pays nothing).
    for name in POOL_MODULES.get(strategy["kind"], ()):
        importlib.import_module(name)
    result["importStartNs"] = time.monotonic_ns()
    plan = decide(config["import"], result)
    if config["function"] is None:
        run_script(path, plan, config, tracer, result)
        return

    module = cp_worker.load_user_module(plan)
    if strategy.get("nativeThreads") is not None:
        # The environment variables were set before this interpreter started; threadpoolctl also
        # reaches pools that ignore them, once the module has loaded its libraries.
        result["threadpoolctlLimit"] = cp_native.limit(strategy["nativeThreads"])
    try:
        fn = resolve(module, config["function"])
    except UsageError as exc:
        if str(exc) == "not-found":
            names = sorted(n for n, v in vars(module).items() if callable(v) and not n.startswith("_") and getattr(v, "__module__", None) == module.__name__)
            result["available"] = names
            raise UsageError("%r is not defined in %s" % (config["function"], path))
        raise
    result["isAsync"] = is_async(fn)
    if config.get("watchLoops") and result["isAsync"]:
        cp_blocking.watch_loops(tracer, config["slowCallbackMs"])
    tasks = task_inputs(module, fn, config["args"], config["defaultTasks"])
    result["tasks"] = len(tasks)
    result["importEndNs"] = time.monotonic_ns()
    if strategy["kind"] in ("processes", "dask"):
        # Pickled here, before the clock starts: it measures what each task sends, and an
        # unpicklable callable or argument fails at once (some pools hang on it instead).
        result["pickledBytesSent"] = [pickled_size_or_raise(fn, args) for args in tasks]

    # A Dask cluster starts (or is connected to) before the clock, like a pool's workers would be.
    session = cp_dask.Session(config, strategy["workers"], result) if strategy["kind"] == "dask" else None
    config["daskSession"] = session
    try:
        result["settleSeconds"] = cp_native.settle()
        cpu_before = cpu_times()
        result["taskStartNs"] = time.monotonic_ns()
        outcomes = RUNNERS[strategy["kind"]](fn, tasks, strategy, config)
        result["taskEndNs"] = time.monotonic_ns()
        cpu_after = cpu_times()
        workers_user, workers_system = session.cpu_seconds() if session is not None else (0, 0)
        result["cpuSeconds"] = {"user": cpu_after[0] - cpu_before[0] + workers_user, "system": cpu_after[1] - cpu_before[1] + workers_system}
    finally:
        if session is not None:
            session.close()

    failure = next((error for _, error in outcomes if error is not None), None)
    if failure is not None:
        result.update(status="failed", error=describe(failure))
        sys.stderr.write(result["error"]["traceback"])
        return
    results = [value for value, _ in outcomes]
    if strategy["kind"] in ("processes", "dask"):
        received = [pickled_size(value) for value in results]
        result["pickledBytesReceived"] = [r for r in received if r is not None]
    result["consumed"] = sorted(cp_worker.CONSUMED)
    if config.get("portableResultsPath"):
        # Another interpreter than the baseline's: the engine compares in the main interpreter.
        cp_portable.dump(results, config["portableResultsPath"])
    elif config["baselinePath"]:
        if strategy["id"] == "serial":
            reason = save_baseline(config["baselinePath"], results)
            comparison, note, difference = ("not-comparable", reason, None) if reason else ("equal", None, None)
        else:
            rel = NATIVE_RELATIVE_TOLERANCE if strategy.get("nativeThreads") is not None else None
            comparison, note, difference = compare_with_baseline(config["baselinePath"], results, rel)
            result["resultsTolerance"] = rel
        result.update(resultsComparison=comparison, resultsNote=note, firstDifference=difference)
        result["resultsMatchBaseline"] = {"equal": True, "differ": False}.get(comparison)


if __name__ == "__main__":
    sys.exit(main())
