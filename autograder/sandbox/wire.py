"""Data-only messages between the grader and the sandboxed worker.

This file runs on both sides: imported as `autograder.sandbox.wire` by the grader and as
`wire` by the worker inside the sandbox, so it needs nothing but numpy and the standard
library. A message is a JSON header plus raw little-endian float64 buffers. Nothing is
ever unpickled, and the grader rebuilds every value itself from validated numbers, so an
object a student shapes (an ndarray subclass, a forged __eq__ or __array__) cannot cross.

Values: None, numbers (an int stays an int), strings (at most MAX_STRING characters),
float arrays (as float64) and integer arrays (as int64), tuples, lists, dicts with string
keys, and `RandomSource`, the grader's stand-in for a random generator it hands a sampler.
"""

from __future__ import annotations

import itertools
import json
import math
import struct
from collections.abc import Callable

import numpy as np

MAX_DEPTH = 8
MAX_ITEMS = 10_000
MAX_ARRAY_ELEMENTS = 4_000_000
MAX_STRING = 100_000
_LENGTH = struct.Struct("<Q")


class WireError(Exception):
    """A message is malformed or exceeds a limit."""


class Unsupported:
    """A value of a type the grader does not accept (decoded from the other side)."""

    def __init__(self, description: str) -> None:
        self.description = description

    def __repr__(self) -> str:
        return f"Unsupported({self.description})"


class RandomSource:
    """A random generator the grader hands a stochastic function, by its seed: the worker
    turns it into `numpy.random.default_rng(seed)` for the call (see `generators`)."""

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomSource) and other.seed == self.seed

    def __hash__(self) -> int:
        return hash(("RandomSource", self.seed))

    def __repr__(self) -> str:
        return f"RandomSource({self.seed})"


def generators(args: list) -> list:
    """`args` with each top-level RandomSource replaced by a numpy Generator of its seed."""
    return [
        np.random.default_rng(arg.seed) if isinstance(arg, RandomSource) else arg
        for arg in args
    ]


# ---- encoding (runs in the worker, on whatever the student returned) ----


def encode(value: object, buffers: list[bytes], seen: dict | None = None) -> object:
    """Describe `value` as JSON-ready data, appending array contents to `buffers`.

    An array met again (the same object: a parameter dict in every step's cache, say) is
    sent once; its later nodes name the same buffer. seen: what one message has sent so
    far (pass one dict to several calls that fill the same `buffers`).
    """
    return _encode(value, buffers, 0, {} if seen is None else seen)


def _encode(value: object, buffers: list[bytes], depth: int, seen: dict) -> object:
    if depth > MAX_DEPTH:
        return {"t": "unsupported", "type": "structure nested too deeply"}
    if value is None:
        return {"t": "none"}
    if type(value) is int or isinstance(value, np.integer):  # not bool: a bool is a number
        if abs(int(value)) < 2**63:
            return {"t": "int", "v": int(value), "type": type(value).__name__}
        return {"t": "number", "v": float(value), "type": type(value).__name__}
    if isinstance(value, bool | int | float | np.bool_ | np.floating):
        return {"t": "number", "v": float(value), "type": type(value).__name__}
    if type(value) is str:
        if len(value) > MAX_STRING:
            return {"t": "unsupported", "type": f"string of {len(value)} characters (too long)"}
        return {"t": "str", "v": value}
    if type(value) is RandomSource:
        return {"t": "rng", "seed": value.seed}
    if isinstance(value, np.ndarray):
        if id(value) in seen:
            return seen[id(value)][1]  # the same node again: it names the same buffer
        if value.dtype.kind not in "biuf":
            return {"t": "unsupported", "type": f"array of dtype {value.dtype}"}
        if value.size > MAX_ARRAY_ELEMENTS:
            return {"t": "unsupported", "type": f"array of {value.size} elements (too large)"}
        integer = value.dtype.kind in "iu" and bool(value.size == 0 or np.abs(value).max() < 2**63)
        wire_type = "<i8" if integer else "<f8"
        data = np.ascontiguousarray(value, dtype=wire_type)
        buffers.append(data.tobytes())
        node = {
            "t": "array",
            "shape": list(data.shape),
            "dtype": _dtype_name(value.dtype),
            "int": integer,
            "b": len(buffers) - 1,
        }
        seen[id(value)] = (value, node)  # the value too: its id must not be reused meanwhile
        return node
    if isinstance(value, tuple | list):
        kind = "tuple" if isinstance(value, tuple) else "list"
        if len(value) > MAX_ITEMS:
            return {"t": "unsupported", "type": f"{kind} of {len(value)} items (too long)"}
        return {"t": kind, "items": [_encode(item, buffers, depth + 1, seen) for item in value]}
    if isinstance(value, dict):
        if len(value) > MAX_ITEMS or not all(isinstance(key, str) for key in value):
            return {"t": "unsupported", "type": "dict with non-string keys or too many keys"}
        return {
            "t": "dict",
            "items": [[k, _encode(v, buffers, depth + 1, seen)] for k, v in value.items()],
        }
    return {"t": "unsupported", "type": type(value).__name__}


_DTYPE_NAMES: dict = {}


def _dtype_name(dtype: np.dtype) -> str:
    """str(dtype), remembered: numpy computes it in Python, for every array."""
    name = _DTYPE_NAMES.get(dtype)
    if name is None:
        name = _DTYPE_NAMES[dtype] = str(dtype)
    return name


# ---- decoding (runs in the grader, on data from the untrusted worker) ----


def decode(node: object, buffers: list[bytes], decoded: dict | None = None) -> object:
    """Rebuild a value from `encode`'s output, validating every field. Nodes that name one
    buffer with one shape give one array. decoded: the arrays of this message so far
    (pass one dict to several calls on the same `buffers`)."""
    return _decode(node, buffers, 0, {} if decoded is None else decoded)


def _decode(node: object, buffers: list[bytes], depth: int, decoded: dict) -> object:
    if depth > MAX_DEPTH + 1 or not isinstance(node, dict):
        raise WireError("malformed value")
    kind = node.get("t")
    if kind == "none":
        return None
    if kind == "number":
        number = node.get("v")
        if not isinstance(number, int | float) or isinstance(number, bool):
            raise WireError("malformed number")
        return float(number)
    if kind == "int":
        number = node.get("v")
        if type(number) is not int or abs(number) >= 2**63:
            raise WireError("malformed integer")
        return number
    if kind == "str":
        text = node.get("v")
        if type(text) is not str or len(text) > MAX_STRING:
            raise WireError("malformed string")
        return text
    if kind == "rng":
        seed = node.get("seed")
        if type(seed) is not int or not 0 <= seed < 2**63:
            raise WireError("malformed random source")
        return RandomSource(seed)
    if kind == "array":
        return _decode_array(node, buffers, decoded)
    if kind in ("tuple", "list"):
        items = node.get("items")
        if not isinstance(items, list) or len(items) > MAX_ITEMS:
            raise WireError("malformed sequence")
        values = [_decode(item, buffers, depth + 1, decoded) for item in items]
        return tuple(values) if kind == "tuple" else values
    if kind == "dict":
        items = node.get("items")
        if not isinstance(items, list) or len(items) > MAX_ITEMS:
            raise WireError("malformed dict")
        result = {}
        for pair in items:
            if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
                raise WireError("malformed dict item")
            result[pair[0]] = _decode(pair[1], buffers, depth + 1, decoded)
        return result
    if kind == "unsupported":
        return Unsupported(str(node.get("type", "unknown"))[:200])
    raise WireError(f"unknown value kind {kind!r}"[:200])


def _decode_array(node: dict, buffers: list[bytes], decoded: dict) -> np.ndarray:
    shape, index, integer = node.get("shape"), node.get("b"), node.get("int", False)
    if type(shape) is not list or len(shape) > 8:
        raise WireError("malformed array shape")
    for n in shape:
        if type(n) is not int or n < 0:  # `type`, not isinstance: a bool is not a size
            raise WireError("malformed array shape")
    if type(index) is not int or not 0 <= index < len(buffers):
        raise WireError("malformed array buffer index")
    if type(integer) is not bool:
        raise WireError("malformed array type")
    key = (index, *shape, integer)
    if key in decoded:
        return decoded[key]
    count = math.prod(shape)
    if count > MAX_ARRAY_ELEMENTS or len(buffers[index]) != 8 * count:
        raise WireError("array size does not match its buffer")
    wire_type, native = ("<i8", np.int64) if integer else ("<f8", np.float64)
    array = np.frombuffer(buffers[index], dtype=wire_type, count=count).reshape(shape)
    decoded[key] = array = array.astype(native)  # a fresh, writable, native-endian copy
    return array


# ---- framing ----


def pack(header: dict, buffers: list[bytes]) -> bytes:
    """One message: length of the header, the JSON header, then the buffers."""
    header = {**header, "sizes": [len(b) for b in buffers]}
    text = json.dumps(header, allow_nan=True).encode()
    return b"".join((_LENGTH.pack(len(text)), text, *buffers))


def write_message(stream, header: dict, buffers: list[bytes] | None = None) -> None:
    stream.write(pack(header, buffers or []))
    stream.flush()


def read_message(
    take: Callable[[int], bytes], max_bytes: int = 1 << 30, max_header: int | None = None
) -> tuple[dict, list[bytes]]:
    """Read one message with `take(count)`, which returns exactly `count` bytes or raises.

    The worker blocks on its stream; the grader's `take` also enforces a deadline.
    """
    (length,) = _LENGTH.unpack(take(_LENGTH.size))
    if max_header is not None and length > max_header:
        raise WireError("message header too large")
    header = parse_header(take(length), max_bytes)
    sizes = header["sizes"]
    data = memoryview(take(sum(sizes)) if sizes else b"")  # one read for all the buffers
    ends = [0, *itertools.accumulate(sizes)]
    return header, [data[start:end] for start, end in itertools.pairwise(ends)]


def stream_reader(stream) -> Callable[[int], bytes]:
    """A blocking `take` for `read_message` on a binary stream."""

    def take(count: int) -> bytes:
        data = bytearray(count)
        view, filled = memoryview(data), 0
        while filled < count:  # an unbuffered pipe may return fewer bytes than asked
            read = stream.readinto(view[filled:])
            if not read:
                raise EOFError("the other side closed the channel")
            filled += read
        return bytes(data)

    return take


def parse_header(raw: bytes, max_bytes: int) -> dict:
    try:
        header = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise WireError("message header is not JSON") from None
    sizes = header.get("sizes") if isinstance(header, dict) else None
    if not (isinstance(sizes, list) and all(isinstance(s, int) and s >= 0 for s in sizes)):
        raise WireError("message header has no valid buffer sizes")
    if sum(sizes) > max_bytes:
        raise WireError("message is larger than the limit")
    return header
