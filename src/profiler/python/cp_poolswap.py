"""The what-if hook of whole-script mode: installed before the user's script runs, it sees every
pool the script's own code creates and can change it, with no change to the user's file.

- swap "processes": concurrent.futures.ThreadPoolExecutor and multiprocessing.pool.ThreadPool
  become process pools (ProcessPoolExecutor, multiprocessing.Pool), called with the same arguments;
- swap "threads": ProcessPoolExecutor and multiprocessing.Pool become thread pools;
- size N: every pool the script sizes itself (max_workers= / processes=) gets N workers instead.

Only pools created by code in the user's own files (under the root the harness passes: the
project's, outside any site-packages and the standard library) change: asyncio's default executor and a library's pools stay as they are. A pool
is "created by" the first frame outside concurrent.futures and multiprocessing, so
multiprocessing.dummy.Pool and get_context().Pool count as the caller's.

A swap that cannot apply (a lambda, a nested function or an unpicklable argument sent to a pool
that became a process pool) stops the script with SwapRefused, which says which call, why, and the
fix. It derives from BaseException so the script's own `except Exception` does not swallow it.
"""
import functools
import inspect
import os
import re
import sys
import sysconfig
import threading
from concurrent import futures
from concurrent.futures import process as futures_process
from concurrent.futures import thread as futures_thread
from multiprocessing import pool as mp_pool

_MACHINERY = (
    os.sep + "concurrent" + os.sep + "futures" + os.sep,
    os.sep + "multiprocessing" + os.sep,
    os.sep + os.path.basename(__file__),
)
_LIBRARY_PARTS = (os.sep + "site-packages" + os.sep, os.sep + "dist-packages" + os.sep)
_STANDARD_LIBRARY = tuple({os.path.abspath(sysconfig.get_paths()[k]) + os.sep for k in ("stdlib", "platstdlib")})
# The profiler's own files (the harness, the recorders) are never the user's, wherever they sit.
_PROFILER = os.path.dirname(os.path.abspath(__file__)) + os.sep

_ORIGINAL = {
    "ThreadPoolExecutor": futures_thread.ThreadPoolExecutor,
    "ProcessPoolExecutor": futures_process.ProcessPoolExecutor,
    "ThreadPool": mp_pool.ThreadPool,
    "Pool": mp_pool.Pool,
}
# Which argument sizes each pool, and what kind of pool it is.
_SIZE_ARGUMENT = {"ThreadPoolExecutor": "max_workers", "ProcessPoolExecutor": "max_workers", "ThreadPool": "processes", "Pool": "processes"}
_KIND = {"ThreadPoolExecutor": "threads", "ThreadPool": "threads", "ProcessPoolExecutor": "processes", "Pool": "processes"}


class SwapRefused(BaseException):
    """The swapped pool cannot run what the script gives it; `detail` says what and the fix."""

    def __init__(self, detail):
        super().__init__(detail["message"])
        self.detail = detail


class _State:
    root = None
    swap = None
    size = None
    pools = []
    refusal = None
    lock = threading.Lock()


def install(user_root, swap=None, size=None):
    """Patches the pool classes. `user_root`: the script's folder; `swap`: None, "processes" or
    "threads"; `size`: None or the worker count for the pools the script sizes itself."""
    _State.root = os.path.abspath(user_root) + os.sep
    _State.swap = swap
    _State.size = size
    _State.pools = []
    _State.refusal = None
    futures_thread.ThreadPoolExecutor = futures.ThreadPoolExecutor = _HOOKED["ThreadPoolExecutor"]
    futures_process.ProcessPoolExecutor = futures.ProcessPoolExecutor = _HOOKED["ProcessPoolExecutor"]
    mp_pool.ThreadPool = _HOOKED["ThreadPool"]
    mp_pool.Pool = _HOOKED["Pool"]


def report():
    """The pools the user's code created: api, kind, workers, sized, file, line, swappedTo."""
    with _State.lock:
        return list(_State.pools)


def refusal():
    return _State.refusal


def _is_user_file(path):
    path = os.path.abspath(path)
    return (
        path.startswith(_State.root)
        and not any(part in path for part in _LIBRARY_PARTS)
        and not path.startswith(_STANDARD_LIBRARY)
        and not path.startswith(_PROFILER)
    )


def _creator():
    """The frame that asked for the pool: the first one outside the pool machinery and this hook."""
    frame = sys._getframe(2)
    while frame is not None and any(part in frame.f_code.co_filename for part in _MACHINERY):
        frame = frame.f_back
    return frame


def _decide(api, args, kwargs):
    """For a pool being created: (arguments by name, swapped-to kind or None), recorded if the
    user's code creates it; None when the pool is not the user's (left untouched)."""
    frame = _creator()
    if frame is None or _State.root is None or not _is_user_file(frame.f_code.co_filename):
        return None
    bound = inspect.signature(_ORIGINAL[api].__init__).bind(None, *args, **kwargs)
    named = dict(bound.arguments)
    named.pop("self", None)
    size_name = _SIZE_ARGUMENT[api]
    sized = named.get(size_name) is not None
    if sized and _State.size is not None:
        named[size_name] = _State.size
    kind = _KIND[api]
    swapped = _State.swap if _State.swap not in (None, kind) else None
    entry = {
        "api": api,
        "kind": kind,
        "workers": named.get(size_name),
        "sized": sized,
        "file": frame.f_code.co_filename,
        "line": frame.f_lineno,
        "swappedTo": swapped,
    }
    with _State.lock:
        _State.pools.append(entry)
    return named, swapped, entry


def _default_workers(kind):
    cpus = os.cpu_count() or 1
    return min(32, cpus + 4) if kind == "threads" else cpus


def _name(value):
    text = getattr(value, "__qualname__", None) or repr(value)
    return re.sub(r" at 0x[0-9a-f]+", "", text)[:80]


def _parts(fn, args, kwargs):
    """What a submit sends, one piece at a time: the task (unwrapped from the pool's own partial
    of its chunk runner), then each argument."""
    if isinstance(fn, functools.partial) and getattr(fn.func, "__module__", "").startswith("concurrent.futures"):
        inner, chunk = fn.args[0], list(args[0]) if args else []
        yield "the task %s" % _name(inner), inner
        for call in chunk:
            for index, value in enumerate(call):
                yield "argument %d (%s) of the task" % (index + 1, _name(value)), value
        return
    yield "the task %s" % _name(fn), fn
    for index, value in enumerate(args):
        yield "argument %d (%s)" % (index + 1, _name(value)), value
    for key, value in kwargs.items():
        yield "argument %s (%s)" % (key, _name(value)), value


def _check_picklable(entry, fn, args, kwargs):
    from multiprocessing.reduction import ForkingPickler  # the pickler the pool itself uses

    try:
        ForkingPickler.dumps((fn, args, kwargs))
        return
    except Exception as exc:
        failure = exc
    what = "what it was given"
    for label, value in _parts(fn, args, kwargs):
        try:
            ForkingPickler.dumps(value)
        except Exception as exc:
            what, failure = label, exc
            break
    caller = _creator()
    where = " at %s:%d" % (os.path.basename(caller.f_code.co_filename), caller.f_lineno) if caller else ""
    detail = {
        "message": "the %s created at %s:%d cannot become a process pool: %s%s cannot be pickled (%s: %s)"
        % (entry["api"], os.path.basename(entry["file"]), entry["line"], what, where, type(failure).__name__, re.sub(r" at 0x[0-9a-f]+", "", str(failure))),
        "fix": "Process pools send the task and its arguments by pickling: make the task a module-level def "
        "(not a lambda, a nested function or a closure) and pass plain data (numbers, strings, paths, arrays); "
        "open files, sockets and locks inside the task.",
        "file": entry["file"],
        "line": entry["line"],
    }
    with _State.lock:
        _State.refusal = _State.refusal or detail
    raise SwapRefused(detail)


class _RefusingProcessPoolExecutor(futures_process.ProcessPoolExecutor):
    """The process pool a swapped ThreadPoolExecutor becomes: refuses what it cannot pickle at
    submit, where the script can be told which call it was, instead of failing in the pool."""

    def submit(self, fn, *args, **kwargs):
        _check_picklable(self._cp_entry, fn, args, kwargs)
        return super().submit(fn, *args, **kwargs)


class _RefusingPool(mp_pool.Pool):
    """The process pool a swapped ThreadPool becomes; checks the callable and the items it is given."""

    def apply_async(self, func, args=(), kwds={}, callback=None, error_callback=None):
        _check_picklable(self._cp_entry, func, args, kwds)
        return super().apply_async(func, args, kwds, callback, error_callback)

    def _map_async(self, func, iterable, mapper, chunksize=None, callback=None, error_callback=None):
        items = iterable if hasattr(iterable, "__len__") else list(iterable)
        for item in items:
            _check_picklable(self._cp_entry, func, (item,), {})
        return super()._map_async(func, items, mapper, chunksize, callback, error_callback)

    def imap(self, func, iterable, chunksize=1):
        _check_picklable(self._cp_entry, func, (), {})
        return super().imap(func, iterable, chunksize)

    def imap_unordered(self, func, iterable, chunksize=1):
        _check_picklable(self._cp_entry, func, (), {})
        return super().imap_unordered(func, iterable, chunksize)


# Named like the pools they stand for, so a script that prints its pool's type prints the same.
_RefusingProcessPoolExecutor.__name__ = _RefusingProcessPoolExecutor.__qualname__ = "ProcessPoolExecutor"
_RefusingPool.__name__ = _RefusingPool.__qualname__ = "Pool"


def _hooked_new(api, hooked_cls, cls, args, kwargs):
    """Shared __new__: the user's plain pool is recorded and maybe swapped; anything else (a
    subclass, a library's pool) is created as usual."""
    decision = _decide(api, args, kwargs) if cls is hooked_cls else None
    if decision is None:
        return object.__new__(cls), None
    named, swapped, entry = decision
    if swapped == "processes":
        size = named.get("max_workers" if api == "ThreadPoolExecutor" else "processes") or _default_workers("processes")
        entry["workers"] = size
        if api == "ThreadPoolExecutor":
            pool = _RefusingProcessPoolExecutor(size, initializer=named.get("initializer"), initargs=named.get("initargs", ()))
        else:
            pool = _RefusingPool(size, named.get("initializer"), named.get("initargs", ()))
        pool._cp_entry = entry
        return pool, None
    if swapped == "threads":
        size = named.get("max_workers" if api == "ProcessPoolExecutor" else "processes") or _default_workers("threads")
        entry["workers"] = size
        if api == "ProcessPoolExecutor":
            return _ORIGINAL["ThreadPoolExecutor"](size, initializer=named.get("initializer"), initargs=named.get("initargs", ())), None
        return _ORIGINAL["ThreadPool"](size, named.get("initializer"), named.get("initargs", ())), None
    if entry["workers"] is None:
        entry["workers"] = _default_workers(entry["kind"])
    instance = object.__new__(cls)
    return instance, named


def _hooked_class(api):
    """A subclass of the pool class that keeps isinstance() and subclassing working for everyone
    else. Its __new__ returns either the swapped pool (then Python skips __init__) or an instance
    whose __init__ gets the arguments with the size overridden."""
    base = _ORIGINAL[api]

    def __new__(cls, *args, **kwargs):
        instance, named = _hooked_new(api, hooked, cls, args, kwargs)
        if named is not None:
            instance._cp_named = named
        return instance

    def __init__(self, *args, **kwargs):
        named = self.__dict__.pop("_cp_named", None)
        if named is not None:
            args, kwargs = (), named
        base.__init__(self, *args, **kwargs)

    hooked = type(base.__name__, (base,), {"__new__": __new__, "__init__": __init__, "__module__": base.__module__, "__qualname__": base.__qualname__})
    return hooked


_HOOKED = {api: _hooked_class(api) for api in _ORIGINAL}
