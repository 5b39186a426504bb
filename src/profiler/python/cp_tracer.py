"""In-process recorder, one per Python process of a profiled run (the harness and each pool worker).

It runs a daemon thread that samples every thread's Python stack with sys._current_frames(),
notes how late it woke up (under the GIL that lateness grows with the number of CPU-bound
threads), and records when each task started and ended on which native thread. Everything is
appended to a JSON-lines trace file every FLUSH_SECONDS, so a run that is killed keeps what was
recorded up to then. Standard library only.
"""
import contextlib
import json
import os
import sys
import threading
import time

FLUSH_SECONDS = 0.25
STACK_DEPTH = 4096  # frames kept per stack, innermost first (as caps.ts)
HARNESS_DIR = os.path.dirname(os.path.abspath(__file__))

current = None  # the Tracer of this process, replaced in each pool worker
_ACTIVE = getattr(threading, "_active", {})  # threading's ident -> Thread map; enumerate() reads it too


def runtime_address():
    """Address of CPython's _PyRuntime, or None (PyPy, other implementations)."""
    try:
        import ctypes

        return ctypes.addressof(ctypes.c_char.in_dll(ctypes.pythonapi, "_PyRuntime"))
    except Exception:
        return None


class Tracer:
    def __init__(self, path, hz, role):
        self.path = path
        self.period = 1.0 / hz if hz > 0 else 0.0
        self.role = role
        self.tasks = []  # (index, native tid, start ns, end ns, failed); list.append is atomic
        self._frames = {}  # code object -> frame index
        self._stacks = {}  # tuple of (code, line), leaf first -> stack index
        self._new_frames = []
        self._new_stacks = []
        self._samples = []
        self._lateness = []
        self._excluded = set()  # native ids of the profiler's own threads: never sampled
        self._named = set()  # native ids whose name was recorded
        self._thread_names = {}
        self._flushed_tasks = 0
        self._series = {}  # name -> list: see series()
        self.before_stop = []  # callables run before the last flush (final reports)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._sampling = threading.Lock()  # held around each stack sample: see stacks_paused()
        self._stacks_off = False
        self._file = open(path, "a", encoding="utf-8")
        self._write(
            {
                "process": {
                    "pid": os.getpid(),
                    "ppid": os.getppid(),
                    "role": role,
                    "runtime": runtime_address(),
                    "startNs": time.monotonic_ns(),
                }
            }
        )
        self._thread = None

    def start(self):
        if self.period > 0:
            self._thread = threading.Thread(target=self._run, name="concurrency-profiler-sampler", daemon=True)
            self._thread.start()
            self.exclude(self._thread.native_id)

    def stop(self):
        for report in self.before_stop:
            try:
                report()
            except Exception:
                pass  # a report that fails must not cost the trace
        self.before_stop = []
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(1.0)
        self.flush()

    def record_task(self, index, start_ns, end_ns, failed):
        self.record_span(index, threading.get_native_id(), start_ns, end_ns, failed)

    def record_span(self, index, tid, start_ns, end_ns, failed):
        """A task that ran on native thread `tid`, which may be in a worker interpreter or process."""
        self.tasks.append((index, tid, start_ns, end_ns, 1 if failed else 0))

    def series(self, name):
        """A list any thread may append to (list.append is atomic); what is new in it is written
        as the record's `name` at each flush. Create series before other threads use the tracer."""
        items = self._series.get(name)
        if items is None:
            items = self._series[name] = []
        return items

    def exclude(self, native_id):
        """Leaves a thread of the profiler's own (this sampler, the harness's lifeline watcher) out
        of the stack samples, and tells the engine it is not the workload's."""
        self._excluded.add(native_id)
        self.note({"samplerThread": native_id})

    def note(self, record):
        """Write an extra record (e.g. worker ready time) right away."""
        with self._lock:
            self._write(record)

    # -- sampling ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def stacks_paused(self):
        """No stack samples inside: sys._current_frames() walks the threads of every interpreter
        of the process, and reading a frame of a worker interpreter that runs under its own GIL
        corrupts memory (CPython 3.13 aborts with "free(): invalid pointer")."""
        with self._sampling:
            self._stacks_off = True
        try:
            yield
        finally:
            self._stacks_off = False

    def _run(self):
        me = threading.get_ident()
        self._named.add(threading.get_native_id())
        self._thread_names[threading.get_native_id()] = threading.current_thread().name
        next_ns = time.monotonic_ns() + int(self.period * 1e9)
        last_flush = time.monotonic()
        while not self._stop.is_set():
            delay = (next_ns - time.monotonic_ns()) / 1e9
            if delay > 0:
                time.sleep(delay)
            now = time.monotonic_ns()
            self._lateness.append(max(0, now - next_ns))
            with self._sampling:
                if not self._stacks_off:
                    self._sample(me, now)
            next_ns += int(self.period * 1e9)
            if next_ns < now:  # fell behind (GIL held by others): do not burst to catch up
                next_ns = now + int(self.period * 1e9)
            if time.monotonic() - last_flush >= FLUSH_SECONDS:
                self.flush()
                last_flush = time.monotonic()

    def _native_id(self, ident):
        """Native id of the thread with this ident, its name recorded once. Idents are reused (glibc
        recycles thread stacks: a new pool's threads get the old pool's idents), so the Thread is
        looked up on each sample instead of caching the native id by ident."""
        thread = _ACTIVE.get(ident)
        if thread is None:
            thread = next((t for t in threading.enumerate() if t.ident == ident), None)
            if thread is None:
                return -1
        native = thread.native_id
        if native not in self._named:
            self._named.add(native)
            self._thread_names[native] = thread.name
        return native

    def _sample(self, me, now):
        for ident, frame in sys._current_frames().items():
            if ident == me:
                continue
            native = self._native_id(ident)
            if native in self._excluded:
                continue
            key = []
            while frame is not None and len(key) < STACK_DEPTH:  # the innermost frames
                code = frame.f_code
                if not code.co_filename.startswith(HARNESS_DIR):
                    key.append((code, frame.f_lineno))
                frame = frame.f_back
            key = tuple(key)
            stack = self._stacks.get(key)
            if stack is None:
                stack = self._intern(key)
            self._samples.append((now, native, stack))

    def _intern(self, key):
        entries = []
        for code, line in reversed(key):  # root first
            index = self._frames.get(code)
            if index is None:
                index = len(self._frames)
                self._frames[code] = index
                name = getattr(code, "co_qualname", code.co_name)
                self._new_frames.append((name, code.co_filename, code.co_firstlineno))
            entries.append((index, line or 0))
        stack = len(self._stacks)
        self._stacks[key] = stack
        self._new_stacks.append(entries)
        return stack

    # -- output -----------------------------------------------------------------------------
    def flush(self):
        with self._lock:
            tasks = self.tasks[self._flushed_tasks :]
            self._flushed_tasks += len(tasks)
            record = {
                "frames": self._new_frames,
                "stacks": self._new_stacks,
                "samples": self._samples,
                "lateness": self._lateness,
                "tasks": tasks,
                "threads": list(self._thread_names.items()),
            }
            for name, items in list(self._series.items()):
                end = len(items)
                if end > 0:
                    record[name] = items[:end]
                    del items[:end]  # one list operation: what other threads append meanwhile stays
            self._new_frames, self._new_stacks, self._samples, self._lateness = [], [], [], []
            self._thread_names = {}
            self._write(record)

    def _write(self, record):
        try:
            self._file.write(json.dumps(record, separators=(",", ":")) + "\n")
            self._file.flush()
        except (OSError, ValueError):
            pass  # the file is gone or closed at exit: losing trace data must not break the workload


def start(path, hz, role):
    global current
    current = Tracer(path, hz, role)
    current.start()
    return current
