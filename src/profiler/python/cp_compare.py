"""Compares another interpreter's task results with the serial baseline, in the main interpreter:
`python cp_compare.py BASELINE.pickle OTHER.json IMPORT_PLAN` prints {"match", "firstDifference",
"note"}. Serial's results may hold instances of the user's classes: when they do not unpickle
by themselves, the user's module is imported as the harness does (IMPORT_PLAN, JSON) first.

The baseline was pickled by the main interpreter's serial run, so only the main interpreter loads
it; the other interpreter wrote its results with cp_portable. Both sides are compared as portable
encodings, value by value. Standard library only.
"""
import contextlib
import json
import pickle
import sys

import cp_portable


def load_baseline(values, plan):
    try:
        return pickle.loads(values)
    except (ImportError, AttributeError):
        import cp_harness
        import cp_worker

        with contextlib.redirect_stdout(sys.stderr):
            cp_harness.decide(plan, {})
            cp_worker.load_user_module(plan)
        return pickle.loads(values)


def compare(baseline_path, other_path, plan):
    with open(other_path, encoding="utf-8") as handle:
        other = json.load(handle)
    if "notPortable" in other:
        return None, None, "not comparable: %s" % other["notPortable"]
    with open(baseline_path, "rb") as handle:
        payload = pickle.load(handle)
    if payload["kind"] != "pickle":
        return None, None, "not comparable: serial's results could not be pickled to keep them"
    expected = load_baseline(payload["values"], plan)
    try:
        wanted = [cp_portable.encode(value) for value in expected]
    except (cp_portable.NotPortable, RecursionError) as exc:
        return None, None, "not comparable: serial returned %s" % exc
    got = other["values"]
    note = "compared by value after a portable encoding, in the main interpreter"
    if len(wanted) != len(got):
        return False, {"task": min(len(wanted), len(got)), "expected": "%d results" % len(wanted), "actual": "%d results" % len(got)}, note
    for index, (want, have) in enumerate(zip(wanted, got)):
        if json.dumps(want, sort_keys=True) != json.dumps(have, sort_keys=True):
            return False, {"task": index, "expected": cp_portable.render(want), "actual": cp_portable.render(have)}, note
    return True, None, note


def main():
    match, difference, note = compare(sys.argv[1], sys.argv[2], json.loads(sys.argv[3]))
    json.dump({"match": match, "firstDifference": difference, "note": note}, sys.stdout)


if __name__ == "__main__":
    main()
