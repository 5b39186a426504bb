"""What blocks: an asyncio event loop held up by synchronous calls, and the locks tasks queue on.

Two optional recorders for the profiled process, each installed only when the engine asks:

- watch_loops: every asyncio callback (asyncio's Handle._run: a task step, a timer, an I/O
  callback) is timed, and those of at least the slow-callback threshold are recorded with the
  native thread they ran on; a heartbeat scheduled every HEARTBEAT_MS on each loop records how
  late it ran. The engine joins both with the stack samples of the loop thread to name the line
  that blocked.
- trace_locks: threading.Lock and threading.RLock (and so Condition, Semaphore, Event, Barrier and
  queue.Queue, which build on them) created by the user's code return a wrapper that records where
  the lock was created, how long acquirers waited and where, and which function held it for how
  long. Its bookkeeping runs while the lock is held, so the lock itself serialises it.

Standard library only; everything is written through the process's cp_tracer.Tracer.
"""
import linecache
import os
import re
import sys
from bisect import bisect_right
import threading
import time

_now = time.monotonic_ns
HARNESS_DIR = os.path.dirname(os.path.abspath(__file__))

DEFAULT_SLOW_CALLBACK_MS = 10.0  # asyncio's own slow_callback_duration in debug mode is 100 ms; 10 ms is a frame at 100 Hz
HEARTBEAT_MS = 5.0
# Hold times are counted in buckets below these bounds (ns): 10 us, 100 us, 1 ms, 10 ms, 100 ms, 1 s, and above.
HOLD_BUCKETS_NS = (10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000)
# A wait shorter than this when re-acquiring after Condition.wait is the hand-over itself, not contention.
CONTENDED_NS = 20_000
MAX_LOCKS_REPORTED = 50


# -- whose code is it ------------------------------------------------------------------------
_library = None  # path prefixes of the standard library, set by _library_prefixes()
_is_library = {}  # code object -> bool


def _library_prefixes():
    global _library
    if _library is None:
        import sysconfig  # only when a recorder is installed: it costs a few ms of start-up

        paths = sysconfig.get_paths()
        dirs = {paths.get("stdlib"), paths.get("platstdlib"), os.path.dirname(os.__file__)}
        _library = tuple(os.path.normcase(os.path.abspath(d)) + os.sep for d in dirs if d)
    return _library


def is_library(code):
    """The harness's code and the standard library's (not site-packages: third-party code is named)."""
    known = _is_library.get(code)
    if known is None:
        name = code.co_filename
        path = os.path.normcase(name)
        known = (
            name.startswith("<")
            or path.startswith(HARNESS_DIR)
            or (path.startswith(_library_prefixes()) and "site-packages" not in path and "dist-packages" not in path)
        )
        _is_library[code] = known
    return known


def user_frame(frame):
    """The innermost frame at or above `frame` that is not the standard library's or the harness's."""
    while frame is not None and is_library(frame.f_code):
        frame = frame.f_back
    return frame


def _qualname(code):
    return getattr(code, "co_qualname", code.co_name)


# -- event loops -----------------------------------------------------------------------------
def _innermost_coroutine(callback):
    """For a task step, the innermost coroutine of the user's that the task is running."""
    task = getattr(callback, "__self__", None)
    get_coro = getattr(task, "get_coro", None)
    coro = get_coro() if get_coro is not None else None
    found = None
    while coro is not None and hasattr(coro, "cr_code"):
        if not is_library(coro.cr_code):
            found = coro
        coro = coro.cr_await
    return found


def _describe(callback):
    """(file, line, function) of what a slow callback ran, used when no stack sample fell inside it:
    the user's coroutine (its def line), else the callback function."""
    coro = _innermost_coroutine(callback)
    code = coro.cr_code if coro is not None else getattr(getattr(callback, "__func__", callback), "__code__", None)
    if code is None:
        return None, 0, getattr(callback, "__qualname__", type(callback).__name__)
    return code.co_filename, code.co_firstlineno, _qualname(code)


_start_heartbeat = None  # set by watch_loops: starts the heartbeat on a loop (once per loop)


def watch_running_loop():
    """Called by the harness inside the coroutines it runs: the running loop gets its heartbeat
    here when its start did not pass through the patched _set_running_loop (uvloop keeps the one
    it found when the user's module imported it, before watch_loops)."""
    if _start_heartbeat is not None:
        import asyncio

        _start_heartbeat(asyncio.get_running_loop())


def watch_loops(tracer, slow_callback_ms=DEFAULT_SLOW_CALLBACK_MS, heartbeat_ms=HEARTBEAT_MS):
    """Times every asyncio callback in this process and runs a heartbeat on every loop started.
    A loop that does not run callbacks through asyncio's Handle._run (uvloop) has no callback
    timed: there a heartbeat at least the threshold late is recorded as the blocking callback
    (from when it was due to when it ran: a lower bound, by up to one heartbeat period)."""
    global _start_heartbeat
    _library_prefixes()
    import asyncio.base_events
    import asyncio.events

    slow = tracer.series("slowCallbacks")  # (tid, start ns, end ns, file, line, function)
    beats = tracer.series("loopBeats")  # (tid, due ns, ran ns)
    threshold = int(slow_callback_ms * 1e6)
    period = heartbeat_ms / 1000.0
    period_ns = int(heartbeat_ms * 1e6)
    run_handle = asyncio.events.Handle._run
    set_running_loop = asyncio.events._set_running_loop

    def timed_run(handle):
        start = _now()
        run_handle(handle)
        end = _now()
        if end - start >= threshold:
            slow.append((threading.get_native_id(), start, end) + _describe(handle._callback))

    def start_heartbeat(loop):
        try:
            if getattr(loop, "_cp_heartbeat", False):
                return  # asyncio.run runs the same loop again to shut down: one heartbeat per loop
            loop._cp_heartbeat = True
        except AttributeError:  # a loop type without instance attributes: no heartbeat, rather than twice
            return
        tid = threading.get_native_id()
        untimed = not isinstance(loop, asyncio.base_events.BaseEventLoop)
        library = type(loop).__module__.split(".")[0]
        if untimed:
            tracer.note({"untimedLoop": library})

        def beat(due):
            ran = _now()
            beats.append((tid, due, ran))
            if untimed and ran - due >= threshold:
                slow.append((tid, due, ran, None, 0, "a callback of %s" % library))
            loop.call_later(period, beat, ran + period_ns)

        loop.call_soon(beat, _now())

    def watched_set_running_loop(loop):
        set_running_loop(loop)
        if loop is not None:  # a loop starts running on this thread (asyncio's run_forever, uvloop's)
            start_heartbeat(loop)

    asyncio.events.Handle._run = timed_run
    # asyncio's loops look it up at each start; uvloop when it is imported (after this, in scripts).
    asyncio.events._set_running_loop = watched_set_running_loop
    asyncio._set_running_loop = watched_set_running_loop
    _start_heartbeat = start_heartbeat
    tracer.note({"loopWatch": {"slowCallbackMs": slow_callback_ms, "heartbeatMs": heartbeat_ms}})

    def unwatch():  # for the benchmark, which measures with and without in one process
        global _start_heartbeat
        asyncio.events.Handle._run = run_handle
        asyncio.events._set_running_loop = set_running_loop
        asyncio._set_running_loop = set_running_loop
        _start_heartbeat = None

    return unwatch


# -- locks -----------------------------------------------------------------------------------
_TARGET = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(?::[^=]*)?=(?!=)")


class LockRecord:
    """What one lock saw. Only updated while the lock is held, so the lock serialises it."""

    __slots__ = ("file", "line", "function", "name", "kind", "acquisitions", "contended", "wait_ns", "max_wait_ns", "waiters", "wait_sites", "holders", "cond_wait_ns", "cond_waiters")

    def __init__(self, file, line, function, name, kind):
        self.file, self.line, self.function, self.name, self.kind = file, line, function, name, kind
        self.acquisitions = self.contended = self.wait_ns = self.max_wait_ns = self.cond_wait_ns = 0
        self.waiters = set()
        self.cond_waiters = set()
        self.wait_sites = {}  # (code, line) -> [count, ns]
        self.holders = {}  # (code, line) -> [count, total ns, max ns, buckets]

    def waited(self, ns, site):
        self.contended += 1
        self.wait_ns += ns
        if ns > self.max_wait_ns:
            self.max_wait_ns = ns
        self.waiters.add(threading.get_native_id())
        entry = self.wait_sites.get(site)
        if entry is None:
            entry = self.wait_sites[site] = [0, 0]
        entry[0] += 1
        entry[1] += ns

    def holder(self, site):
        entry = self.holders[site] = [0, 0, 0, [0] * (len(HOLD_BUCKETS_NS) + 1)]
        return entry


def _site(frame):
    """(code, line) of the user's frame that called into the lock (the frame itself when none is)."""
    code = frame.f_code
    if _is_library.get(code) is False:  # the common case: a `with` in the user's own code
        return (code, frame.f_lineno)
    found = user_frame(frame) or frame
    return (found.f_code, found.f_lineno)


class TracedLock:
    """A threading.Lock or RLock that records its waits and holds (see the module's docstring).
    The uncontended path is one Python call each way: it runs for every acquisition."""

    __slots__ = ("_lock", "_rec", "_reentrant", "_depth", "_since", "_holder", "__weakref__")

    def __init__(self, lock, record, reentrant):
        self._lock = lock
        self._rec = record
        self._reentrant = reentrant
        self._depth = 0
        self._since = 0
        self._holder = None

    def acquire(self, blocking=True, timeout=-1):
        lock = self._lock
        if lock.acquire(False):
            if self._depth == 0:
                self._rec.acquisitions += 1
                self._holder = _site(sys._getframe(1))
                self._since = _now()
            self._depth += 1
            return True
        if not blocking:
            if timeout != -1:
                raise ValueError("can't specify a timeout for a non-blocking call")
            return False
        start = _now()
        if not lock.acquire(True, timeout):
            return False
        self._took_after_wait(_now() - start, sys._getframe(1))
        return True

    __enter__ = acquire  # so that sys._getframe(1) is the `with` statement's frame

    def _took_after_wait(self, waited, frame):
        rec = self._rec
        site = _site(frame)
        rec.acquisitions += 1
        if waited >= 0:
            rec.waited(waited, site)
        self._holder = site
        self._depth = 1
        self._since = _now()

    def _end_hold(self):
        held = _now() - self._since
        entry = self._rec.holders.get(self._holder)
        if entry is None:
            entry = self._rec.holder(self._holder)
        entry[0] += 1
        entry[1] += held
        if held > entry[2]:
            entry[2] = held
        entry[3][bisect_right(HOLD_BUCKETS_NS, held)] += 1

    def release(self, *exc_info):
        depth = self._depth
        if depth == 1:
            self._end_hold()
        elif self._reentrant and not self._lock._is_owned():
            raise RuntimeError("cannot release un-acquired lock")
        if depth > 0:
            self._depth = depth - 1
        self._lock.release()

    __exit__ = release

    def locked(self):
        return self._lock.locked() if hasattr(self._lock, "locked") else self._depth > 0

    # Condition's protocol: wait() releases the lock fully and takes it back afterwards.
    def _release_save(self):
        depth = self._depth
        if depth > 0:
            self._end_hold()
        self._depth = 0
        if self._reentrant:
            return (self._lock._release_save(), depth)
        self._lock.release()
        return (None, depth)

    def _acquire_restore(self, saved):
        state, depth = saved
        start = _now()
        if self._reentrant:
            self._lock._acquire_restore(state)
        else:
            self._lock.acquire()
        waited = _now() - start
        self._took_after_wait(waited if waited >= CONTENDED_NS else -1, sys._getframe(1))
        self._depth = depth

    def _is_owned(self):
        if self._reentrant:
            return self._lock._is_owned()
        if self._lock.acquire(False):
            self._lock.release()
            return False
        return True

    def _at_fork_reinit(self):
        self._lock._at_fork_reinit()
        self._depth = 0

    def __getattr__(self, name):
        return getattr(self._lock, name)

    def __repr__(self):
        return "<traced %r>" % (self._lock,)


class LockTracer:
    def __init__(self):
        import queue

        self.records = []
        # Locks the standard library creates are traced only when they are the lock of one of these,
        # built by the user's code (not, say, a Thread's own start-up event or logging's handler lock).
        self.owners = (threading.Condition, threading.Semaphore, threading.Event, threading.Barrier, queue.Queue)

    def record_for(self, frame, kind):
        """A record for a lock being created under `frame`, or None when it is not the user's."""
        outer_library = None
        while frame is not None and is_library(frame.f_code):
            outer_library = frame
            frame = frame.f_back
        if frame is None:
            return None  # the harness or the standard library, for itself
        if outer_library is not None:
            owner = outer_library.f_locals.get("self") if outer_library.f_code.co_name == "__init__" else None
            if not isinstance(owner, self.owners):
                return None
            kind = type(owner).__name__
        code = frame.f_code
        record = LockRecord(code.co_filename, frame.f_lineno, _qualname(code), self._name(frame), kind)
        self.records.append(record)
        return record

    @staticmethod
    def _name(frame):
        """The variable or attribute the new lock is assigned to on its creation line, if any."""
        match = _TARGET.match(linecache.getline(frame.f_code.co_filename, frame.f_lineno))
        if match is None:
            return None
        target = match.group(1)
        if target.startswith("self."):
            owner = frame.f_locals.get("self")
            if owner is not None:
                return type(owner).__name__ + target[4:]
        return target

    def report(self):
        """Locks that were waited on, merged by creation site (per-instance locks of one class)."""
        merged = {}
        for r in self.records:
            if r.contended == 0 and r.cond_wait_ns == 0:
                continue
            key = (r.file, r.line, r.name, r.kind)
            entry = merged.get(key)
            if entry is None:
                entry = merged[key] = {
                    "file": r.file, "line": r.line, "function": r.function, "name": r.name, "kind": r.kind,
                    "instances": 0, "acquisitions": 0, "contended": 0, "waitNs": 0, "maxWaitNs": 0,
                    "waiters": set(), "conditionWaitNs": 0, "conditionWaiters": set(), "waitSites": {}, "holders": {},
                }
            entry["instances"] += 1
            entry["acquisitions"] += r.acquisitions
            entry["contended"] += r.contended
            entry["waitNs"] += r.wait_ns
            entry["maxWaitNs"] = max(entry["maxWaitNs"], r.max_wait_ns)
            entry["waiters"] |= r.waiters
            entry["conditionWaitNs"] += r.cond_wait_ns
            entry["conditionWaiters"] |= r.cond_waiters
            for (code, line), (count, ns) in r.wait_sites.items():
                site = entry["waitSites"].setdefault((code.co_filename, line, _qualname(code)), [0, 0])
                site[0] += count
                site[1] += ns
            for (code, line), (count, total, longest, buckets) in r.holders.items():
                holder = entry["holders"].setdefault((code.co_filename, line, _qualname(code)), [0, 0, 0, [0] * len(buckets)])
                holder[0] += count
                holder[1] += total
                holder[2] = max(holder[2], longest)
                holder[3] = [a + b for a, b in zip(holder[3], buckets)]
        out = []
        for entry in merged.values():
            entry["waiters"] = sorted(entry["waiters"])
            entry["conditionWaiters"] = sorted(entry["conditionWaiters"])
            entry["waitSites"] = [list(k) + v for k, v in sorted(entry["waitSites"].items(), key=lambda kv: -kv[1][1])]
            entry["holders"] = [list(k) + v for k, v in sorted(entry["holders"].items(), key=lambda kv: -kv[1][1])]
            out.append(entry)
        out.sort(key=lambda e: -(e["waitNs"] + e["conditionWaitNs"]))
        return out[:MAX_LOCKS_REPORTED]


def trace_locks(tracer):
    """Wraps the locks the user's code creates from now on; their report is written when the tracer stops."""
    _library_prefixes()  # before Lock is patched: importing sysconfig creates locks (3.13)
    locks = LockTracer()
    real_lock = threading.Lock
    real_rlock = threading.RLock
    condition_wait = threading.Condition.wait

    def Lock():
        record = locks.record_for(sys._getframe(1), "Lock")
        return real_lock() if record is None else TracedLock(real_lock(), record, False)

    def RLock(*args, **kwargs):
        record = locks.record_for(sys._getframe(1), "RLock")
        return real_rlock(*args, **kwargs) if record is None else TracedLock(real_rlock(*args, **kwargs), record, True)

    def wait(condition, timeout=None):
        record = getattr(condition._lock, "_rec", None)
        if record is None:
            return condition_wait(condition, timeout)
        start = _now()
        try:
            return condition_wait(condition, timeout)
        finally:  # the lock is held again here: the record is ours to update
            record.cond_wait_ns += _now() - start
            record.cond_waiters.add(threading.get_native_id())

    threading.Lock = Lock
    threading.RLock = RLock
    threading.Condition.wait = wait
    tracer.before_stop.append(lambda: tracer.note({"locks": locks.report()}))
    return locks
