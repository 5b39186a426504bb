"""Keeps every process a workload starts within reach of the harness, and ends them with it.

- The harness becomes a child subreaper (Linux prctl PR_SET_CHILD_SUBREAPER): a process the
  workload starts that is orphaned (its parent exited, or it double-forked to become a daemon)
  is re-parented to the harness instead of init, even if it left the process group or session.
- When the tasks are done, `end_leftovers` kills every descendant still alive (the pool helpers
  multiprocessing starts itself are ended quietly, the rest are reported as left behind).
- The lifeline: the engine holds the other end of a pipe on fd 3. If the engine dies, the pipe
  closes, and the harness kills its whole tree and itself: no workload outlives its engine.
Standard library only.
"""
import os
import signal
import sys
import threading
import time

PR_SET_CHILD_SUBREAPER = 36
COMMAND_LINE_CHARS = 1000  # as src/profiler/caps.ts
REPORTED_LEFTOVERS = 100


def become_subreaper():
    """True when this process now adopts its orphaned descendants (Linux 3.4+)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except Exception:
        return False


def _children(pid):
    found = []
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return found
    for tid in tids:
        try:
            with open("/proc/%d/task/%s/children" % (pid, tid)) as handle:
                found.extend(int(child) for child in handle.read().split())
        except (OSError, ValueError):
            pass
    return found


def _state(pid):
    try:
        with open("/proc/%d/stat" % pid, "rb") as handle:
            stat = handle.read()
        return stat[stat.rindex(b")") + 2 : stat.rindex(b")") + 3].decode()
    except (OSError, ValueError):
        return None


def descendants():
    """Pids of the live (not zombie) descendants of this process."""
    alive = []
    queue = _children(os.getpid())
    seen = set()
    while queue:
        pid = queue.pop()
        if pid in seen:
            continue
        seen.add(pid)
        queue.extend(_children(pid))
        if _state(pid) not in (None, "Z", "X"):
            alive.append(pid)
    return alive


def command_line(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            text = handle.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
    except OSError:
        return ""
    return text if len(text) <= COMMAND_LINE_CHARS else text[: COMMAND_LINE_CHARS - 3] + "..."


def _pool_helpers():
    """The fork server and resource tracker multiprocessing started for the pools: ours, not the workload's."""
    helpers = set()
    mp = sys.modules.get("multiprocessing")
    if mp is None:
        return helpers
    for module_name, holder, attribute in (
        ("multiprocessing.forkserver", "_forkserver", "_forkserver_pid"),
        ("multiprocessing.resource_tracker", "_resource_tracker", "_pid"),
    ):
        module = sys.modules.get(module_name)
        pid = getattr(getattr(module, holder, None), attribute, None)
        if isinstance(pid, int):
            helpers.add(pid)
    return helpers


def _reap():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        except InterruptedError:
            continue
        if pid == 0:
            return


def end_leftovers():
    """Kills every descendant still alive; returns those that were not multiprocessing's own helpers,
    as [{"pid", "command"}], at most REPORTED_LEFTOVERS of them."""
    helpers = _pool_helpers()
    left = {}
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        pids = descendants()
        if not pids:
            break
        for pid in pids:
            if pid not in helpers and pid not in left and len(left) < REPORTED_LEFTOVERS:
                left[pid] = command_line(pid)
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.005)
        _reap()
    _reap()
    return [{"pid": pid, "command": command} for pid, command in left.items()]


def watch_lifeline(fd):
    """Ends the whole tree when the engine's end of the pipe on `fd` closes (the engine died).
    Returns the watching thread (the profiler's, not the workload's), None without a lifeline."""
    try:
        os.fstat(fd)
    except OSError:
        return None  # run by hand, without an engine
    os.set_inheritable(fd, False)

    def wait_for_close():
        while True:
            try:
                if not os.read(fd, 4096):
                    break
            except InterruptedError:
                continue
            except OSError:
                break
        for pid in descendants():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        os.killpg(os.getpgrp(), signal.SIGKILL)

    watcher = threading.Thread(target=wait_for_close, name="concurrency-profiler-lifeline", daemon=True)
    watcher.start()
    return watcher
