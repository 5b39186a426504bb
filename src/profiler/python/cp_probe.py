"""Checks the interpreter and the user's file before any strategy runs:
`python cp_probe.py FILE [--import PLAN]` prints one JSON object on stdout. Standard library
only, Python >= 3.8. `--import` also imports the user's module as the harness would with that
import plan (JSON) and says whether that worked: for the other interpreters of a run, where a
package may be missing.
`python cp_probe.py --about` prints only what the interpreter is (no file, no self-test): the
interpreter finder runs it on every candidate, so it must stay fast and parse on old versions.

It also learns where this CPython build keeps its GIL: two threads spin for a moment while a
second interpreter reads which futex words they sleep on (/proc/PID/task/TID/syscall). Those words are
reported as offsets from _PyRuntime, so that each process of a run (whose addresses differ under
ASLR) can turn them back into addresses.
"""
import ast
import contextlib
import importlib.util
import json
import os
import platform
import subprocess
import sys
import threading
import time

FUTEX = {"x86_64": 202, "aarch64": 98}
SELF_TEST_SECONDS = 0.08
SELF_TEST_MAX_SECONDS = 0.6
SELF_TEST_MIN_WAITS = 30
SPINNERS = 3
OBSERVER_TIMEOUT_SECONDS = 3


# Runs in a separate interpreter so that it reads the spinners' state without needing our GIL.
OBSERVER = r"""
import sys, time
pid, futex, tids = sys.argv[1], sys.argv[2], sys.argv[3:]
seen = {}
observed = 0
start = time.monotonic()
# At least %r s, and on a busy machine longer (up to %r s) until enough waits were seen.
while True:
    elapsed = time.monotonic() - start
    if elapsed >= %r or (elapsed >= %r and observed >= %r):
        break
    for tid in tids:
        try:
            with open("/proc/%%s/task/%%s/syscall" %% (pid, tid)) as handle:
                fields = handle.read().split()
        except OSError:
            continue
        if fields and fields[0] == futex:
            seen[fields[1]] = seen.get(fields[1], 0) + 1
            observed += 1
print(seen)
""" % (SELF_TEST_SECONDS, SELF_TEST_MAX_SECONDS, SELF_TEST_MAX_SECONDS, SELF_TEST_SECONDS, SELF_TEST_MIN_WAITS)


def gil_words():
    futex = FUTEX.get(platform.machine())
    if futex is None or not os.path.exists("/proc/self/task"):
        return None, "no /proc syscall numbers for %s" % platform.machine()
    if sys.implementation.name != "cpython":
        return None, "%s: GIL waits cannot be told apart from lock waits" % sys.implementation.name
    if not getattr(sys, "_is_gil_enabled", lambda: True)():
        return None, "free-threaded build: there is no GIL to wait for"
    from cp_tracer import runtime_address

    runtime = runtime_address()
    if runtime is None:
        return None, "_PyRuntime is not visible through ctypes"
    stop = []
    ids = []

    def spin():
        ids.append(threading.get_native_id())
        x = 0
        while not stop:
            x += 1

    threads = [threading.Thread(target=spin, daemon=True) for _ in range(SPINNERS)]
    for thread in threads:
        thread.start()
    try:
        while len(ids) < SPINNERS:
            time.sleep(0.001)
        observed = subprocess.run(
            [sys.executable, "-I", "-S", "-c", OBSERVER, str(os.getpid()), str(futex)] + [str(i) for i in ids],
            capture_output=True, text=True, timeout=OBSERVER_TIMEOUT_SECONDS,
        ).stdout
    except subprocess.TimeoutExpired:
        # Seen once on a loaded machine: better no GIL words (waits then count as lock waits, and
        # the profile says so) than a profile that never starts.
        return None, "the GIL self-test did not finish in %d s" % OBSERVER_TIMEOUT_SECONDS
    finally:
        stop.append(True)
        for thread in threads:
            thread.join()
    seen = {int(address, 16): count for address, count in ast.literal_eval(observed.strip() or "{}").items()}
    if not seen:
        return None, "the GIL's futex was not seen in the self-test"
    # The spinners do nothing but take turns on the GIL, so every word they waited on is the GIL's.
    return sorted(a - runtime for a in seen), None


def gil_enabled():
    """sys._is_gil_enabled() where it exists (3.13+): a free-threaded build turns the GIL back on
    when it imports an extension module that does not declare support for running without it."""
    check = getattr(sys, "_is_gil_enabled", None)
    return True if check is None else bool(check())


def private_interpreters():
    """3.13's private _interpreters module, or 3.12's _xxsubinterpreters, with what
    cp_harness.run_isolated_interpreters uses (cp_harness.private_interpreters picks the same)."""
    wanted = {
        "_interpreters": ("create", "destroy", "exec", "new_config", "set___main___attrs"),
        "_xxsubinterpreters": ("create", "destroy", "run_string", "RunFailedError"),
    }
    if sys.version_info < (3, 12):  # 3.11 has _xxsubinterpreters too, but its interpreters share one GIL
        return False
    for name, needed in wanted.items():
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if all(hasattr(module, n) for n in needed):
            return True
    return False


def about():
    import sysconfig
    from concurrent import futures

    return {
        "executable": sys.executable,
        "version": platform.python_version(),
        "implementation": platform.python_implementation(),
        "freeThreaded": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        "gil": gil_enabled(),
        "subinterpreters": hasattr(futures, "InterpreterPoolExecutor") or private_interpreters(),
        "distributed": importlib.util.find_spec("distributed") is not None,
    }


def import_module(plan):
    """Imports the user's module as the harness would with the engine's import plan (by its
    dotted name, or from its file); None when it worked, else the error in one line."""
    try:
        import cp_harness
        import cp_worker

        with contextlib.redirect_stdout(sys.stderr):  # the module's prints must not reach the JSON
            cp_harness.decide(plan, {})
            cp_worker.load_user_module(plan)
    except BaseException as exc:  # the user's top-level code: anything it raises is the answer
        return "%s: %s" % (type(exc).__name__, exc)
    return None


def main():
    if sys.argv[1] == "--about":
        json.dump(about(), sys.stdout)
        return
    info = dict(about(), syntaxError=None)
    path = sys.argv[1]
    try:
        with open(path, "rb") as handle:
            source = handle.read()
        tree = ast.parse(source, filename=path)
        compile(tree, path, "exec")
    except SyntaxError as exc:
        info["syntaxError"] = {"message": exc.msg, "file": exc.filename, "line": exc.lineno, "offset": exc.offset, "text": (exc.text or "").rstrip("\n")}
    except OSError as exc:
        info["fileError"] = "%s: %s" % (type(exc).__name__, exc)
    info["gilOffsets"], info["gilNote"] = gil_words()
    if "--import" in sys.argv[2:3] and info["syntaxError"] is None and "fileError" not in info:
        info["importError"] = import_module(json.loads(sys.argv[3]))
        info["gil"] = gil_enabled()
    json.dump(info, sys.stdout)


if __name__ == "__main__":
    main()
