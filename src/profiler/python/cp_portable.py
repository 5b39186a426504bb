"""A portable encoding of task results: JSON that any interpreter can write and read, so that the
results of a run on another interpreter (PyPy, another CPython version) are compared by value in
the main interpreter, which may not be able to unpickle that interpreter's objects (nor it ours).

Plain data (None, bool, int, float, complex, str, bytes, lists, tuples, dicts, sets), arrays
(numpy-style: dtype, shape, values), enums and objects with a `__dict__` or `__slots__` (by their
type's name and attributes) encode; anything else (a socket, a generator) is not portable and the
results are reported as not comparable. Standard library only, Python >= 3.8, runs on PyPy.
"""
import json

MAX_DEPTH = 100


class NotPortable(Exception):
    pass


def _type_name(value):
    kind = type(value)
    return "%s.%s" % (kind.__module__, kind.__qualname__)


def _sorted(items):
    """Sets and dict keys in a canonical order: iteration order differs between interpreters."""
    return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))


def encode(value, depth=0):
    if depth > MAX_DEPTH:
        raise NotPortable("nested deeper than %d levels (or a cycle)" % MAX_DEPTH)
    down = depth + 1
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int) and type(value) is int:
        return value
    if type(value) is float:
        return ["float", repr(value)]  # keeps nan, inf and -0.0 exact
    if type(value) is complex:
        return ["complex", repr(value.real), repr(value.imag)]
    if isinstance(value, (bytes, bytearray)):
        return ["bytes", bytes(value).hex()]
    if type(value) in (list, tuple):
        return [type(value).__name__, [encode(item, down) for item in value]]
    if type(value) is dict:
        return ["dict", _sorted([[encode(k, down), encode(v, down)] for k, v in value.items()])]
    if type(value) in (set, frozenset):
        return ["set", _sorted([encode(item, down) for item in value])]
    tolist = getattr(value, "tolist", None)
    if callable(tolist) and hasattr(value, "dtype") and hasattr(value, "shape"):
        return ["array", str(value.dtype), list(value.shape), encode(tolist(), down)]
    import enum

    if isinstance(value, enum.Enum):
        return ["enum", _type_name(value), value.name]
    state = _attributes(value)
    if state is not None:
        return ["object", _type_name(value), encode(state, down)]
    if isinstance(value, (int, float, str, tuple, list, dict)):  # subclasses of plain types
        base = next(t for t in (int, float, str, tuple, list, dict) if isinstance(value, t))
        return ["object", _type_name(value), encode(base(value), down)]
    raise NotPortable("a %s cannot be compared across interpreters" % _type_name(value))


def _attributes(value):
    """The instance's own attributes, or None for builtins and other objects without any."""
    if isinstance(value, type) or callable(value):
        return None
    state = getattr(value, "__dict__", None)
    if isinstance(state, dict) and (state or not hasattr(type(value), "__slots__")):
        if type(value).__module__ == "builtins":
            return None
        return dict(state)
    slots = []
    for kind in type(value).__mro__:
        names = getattr(kind, "__slots__", ())
        slots.extend([names] if isinstance(names, str) else names)
    if not slots:
        return None
    return {name: getattr(value, name) for name in slots if name != "__weakref__" and hasattr(value, name)}


def render(encoded, limit=300):
    """The encoding shown as Python-like text, for a first difference."""
    text = _render(encoded)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _render(e):
    if not isinstance(e, list):
        return repr(e)
    tag = e[0]
    if tag == "float":
        return e[1]
    if tag == "complex":
        return "complex(%s, %s)" % (e[1], e[2])
    if tag == "bytes":
        return repr(bytes.fromhex(e[1]))
    if tag == "list":
        return "[%s]" % ", ".join(_render(x) for x in e[1])
    if tag == "tuple":
        return "(%s%s)" % (", ".join(_render(x) for x in e[1]), "," if len(e[1]) == 1 else "")
    if tag == "dict":
        return "{%s}" % ", ".join("%s: %s" % (_render(k), _render(v)) for k, v in e[1])
    if tag == "set":
        return "{%s}" % ", ".join(_render(x) for x in e[1]) if e[1] else "set()"
    if tag == "array":
        return "array(%s, dtype=%s)" % (_render(e[3]), e[1])
    if tag == "enum":
        return "%s.%s" % (e[1].rsplit(".", 1)[-1], e[2])
    if tag == "object":
        return "%s(%s)" % (e[1].rsplit(".", 1)[-1], _render(e[2]))
    return repr(e)


def dump(results, path):
    """Writes the encoded results, or why they cannot be encoded."""
    try:
        payload = {"values": [encode(value) for value in results]}
    except (NotPortable, RecursionError) as exc:
        payload = {"notPortable": str(exc)}
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(payload, handle)
