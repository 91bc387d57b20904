"""Data-only messages between the grader and the sandboxed worker.

This file runs on both sides: imported as `autograder.sandbox.wire` by the grader and as
`wire` by the worker inside the sandbox, so it needs nothing but numpy and the standard
library. A message is a JSON header plus raw little-endian buffers (float64 or int64).
Nothing is ever unpickled, and the grader rebuilds every value itself from validated
numbers, so an object a student shapes (an ndarray subclass, a forged __eq__ or
__array__) cannot cross.

Values: None, numbers (an int stays an int), strings (at most MAX_STRING characters),
float arrays (as float64) and integer arrays (as int64), tuples, lists, dicts with string
keys, and `RandomSource`, the grader's stand-in for a random generator it hands a sampler.
Each is a JSON list whose first item says what it is:

    ["n"] None          ["f", 1.5] a number     ["i", 3] an int     ["s", "text"] a string
    ["g", seed] a RandomSource      ["u", "what"] a value of a type that cannot cross
    ["t", item, ...] a tuple        ["l", item, ...] a list     ["d", key, item, ...] a dict
    ["a", b, shape, integer]        an array: buffer b of this message
    ["r", whose, k, shape, integer] an array sent before, unchanged (see `Ledger`)
    ["p", k]                        the k-th tuple, list or dict completed earlier in the
                                    same value: the same object again (the parameters
                                    dict in every step's cache is one dict, as in Python)

One session's messages repeat arrays a lot: the parameters in every step's cache, the
arguments a function leaves as they were, a dependency's result kept in the caller's
cache. A `Ledger` on each side numbers every buffer each side has sent, so an array
that crossed before, in either direction, and still holds exactly those bytes is named,
not sent again. The receiver gives back its own array where it still holds those bytes
(a student's cache then holds the student's own `a_prev`, as in plain Python), else a
fresh copy of them.
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
# The values one decoded value may hold, counting a repeated container ("p") in full each
# time it appears: about what a header of MAX_HEADER_BYTES could hold without repeats, so
# that repeats cannot make the grader walk a far larger structure.
MAX_EXPANDED = 200_000
# The bytes each side remembers per direction of one session; past it, arrays are sent
# in full again. Both sides count the same buffers, so they agree on what is remembered.
LEDGER_BYTES = 16 * 2**20
_LENGTH = struct.Struct("<Q")
_FLOAT, _INT = np.dtype("<f8"), np.dtype("<i8")


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


# ---- what one session has sent ----


class _Stream:
    """The buffers one side has sent in a session, numbered from 0, as far as remembered."""

    def __init__(self, max_bytes: int) -> None:
        self.data: list[bytes | memoryview | None] = []
        self.arrays: list[np.ndarray | None] = []  # this side's array holding those bytes
        self.left = max_bytes

    def add(self, buffers: list) -> int:
        """Number the buffers of one message; returns the number of its first."""
        first = len(self.data)
        for data in buffers:
            kept = len(data) <= self.left
            self.left -= len(data) if kept else 0
            self.data.append(data if kept else None)
            self.arrays.append(None)
        return first


class Ledger:
    """One side's record of the buffers both sides sent in one session (see the module
    docstring): `mine` were sent by this side, `theirs` by the other."""

    def __init__(self, max_bytes: int = LEDGER_BYTES) -> None:
        self.mine = _Stream(max_bytes)
        self.theirs = _Stream(max_bytes)
        # id(array) -> (stream, number, integer); the stream keeps the array alive, so
        # its id is not reused while it is here.
        self.known: dict[int, tuple[_Stream, int, bool]] = {}

    def remember(self, stream: _Stream, number: int, array: np.ndarray, integer: bool) -> None:
        """`array` holds the bytes of buffer `number` of `stream` (if they are kept)."""
        if stream.data[number] is not None:
            stream.arrays[number] = array
            self.known[id(array)] = (stream, number, integer)

    def sent(self, buffers: list, seen: dict) -> None:
        """Record a message this side has just sent (`encode`'s `buffers` and `seen`)."""
        first = self.mine.add(buffers)
        for array, node in seen.values():
            if node[0] == "a":
                self.remember(self.mine, first + node[1], array, bool(node[3]))

    def received(self, buffers: list) -> int:
        """Record a message from the other side; returns the number of its first buffer
        (for `decode`)."""
        return self.theirs.add(buffers)

    def reference(self, array: np.ndarray) -> list | None:
        """A ["r", ...] node for `array` if it crossed before and still holds those bytes,
        as the same kind of number; named with the shape it has now (which the student may
        have changed in place)."""
        entry = self.known.get(id(array))
        if entry is None:
            return None
        stream, number, integer = entry
        if stream.arrays[number] is not array or not _holds(array, stream.data[number], integer):
            return None
        return ["r", int(stream is self.theirs), number, list(array.shape), int(integer)]


def _wire_form(array: np.ndarray, integer: bool) -> np.ndarray:
    return np.ascontiguousarray(array, dtype=_INT if integer else _FLOAT)


def _holds(array: np.ndarray, data: bytes | memoryview | None, integer: bool) -> bool:
    """Whether `array`, sent as it is now, would be exactly `data`: the same kind of
    number (integers or not), the same bytes."""
    kind = array.dtype.kind
    if data is None or kind not in "biuf" or (kind in "iu") != integer:
        return False
    # bytes(data): comparing bytes with a memoryview goes number by number, 20x slower
    return _wire_form(array, integer).tobytes() == bytes(data)


# ---- encoding (the worker's side runs on whatever the student returned) ----


def encode(
    value: object, buffers: list[bytes], seen: dict | None = None, ledger: Ledger | None = None
) -> list:
    """Describe `value` as JSON-ready data, appending array contents to `buffers`.

    An array met again in one message is sent once; with a `ledger`, an array that
    crossed before and still holds those bytes is not sent at all. seen: what one message
    has sent so far (pass one dict to several calls that fill the same `buffers`; then
    give it to `Ledger.sent` once the message is sent).
    """
    return _encode(value, buffers, 0, {} if seen is None else seen, ledger, {})


def _encode(
    value: object, buffers: list, depth: int, seen: dict, ledger: Ledger | None, done: dict
) -> list:
    """done: id -> ["p", k] for the tuples, lists and dicts of this value completed so far
    (numbered in the order they complete, as `decode` numbers them)."""
    if depth > MAX_DEPTH:
        return ["u", "structure nested too deeply"]
    if isinstance(value, np.ndarray):
        if id(value) in seen:
            return seen[id(value)][1]  # the same node again: it names the same buffer
        node = ledger.reference(value) if ledger is not None else None
        if node is None:
            node = _array_node(value, buffers)
        seen[id(value)] = (value, node)  # the value too: its id must not be reused meanwhile
        return node
    if isinstance(value, tuple | list | dict):
        again = done.get(id(value))  # ids are not reused: `value` holds every container
        if again is not None:
            return again
        node = _container_node(value, buffers, depth, seen, ledger, done)
        if node[0] != "u":
            done[id(value)] = ["p", len(done)]
        return node
    if value is None:
        return ["n"]
    if type(value) is int or isinstance(value, np.integer):  # not bool: a bool is a number
        return ["i", int(value)] if abs(int(value)) < 2**63 else ["f", float(value)]
    if isinstance(value, bool | int | float | np.bool_ | np.floating):
        return ["f", float(value)]
    if type(value) is str:
        if len(value) > MAX_STRING:
            return ["u", f"string of {len(value)} characters (too long)"]
        return ["s", value]
    if type(value) is RandomSource:
        return ["g", value.seed]
    return ["u", type(value).__name__]


def _container_node(
    value: tuple | list | dict, buffers: list, depth: int, seen: dict, ledger, done: dict
) -> list:
    if isinstance(value, dict):
        if len(value) > MAX_ITEMS or not all(isinstance(key, str) for key in value):
            return ["u", "dict with non-string keys or too many keys"]
        node = ["d"]
        for key, item in value.items():
            node += (key, _encode(item, buffers, depth + 1, seen, ledger, done))
        return node
    kind = "t" if isinstance(value, tuple) else "l"
    if len(value) > MAX_ITEMS:
        return ["u", f"{'tuple' if kind == 't' else 'list'} of {len(value)} items (too long)"]
    return [kind, *[_encode(item, buffers, depth + 1, seen, ledger, done) for item in value]]


def _array_node(value: np.ndarray, buffers: list) -> list:
    if value.dtype.kind not in "biuf":
        return ["u", f"array of dtype {value.dtype}"]
    if value.size > MAX_ARRAY_ELEMENTS:
        return ["u", f"array of {value.size} elements (too large)"]
    integer = value.dtype.kind in "iu" and bool(value.size == 0 or np.abs(value).max() < 2**63)
    buffers.append(_wire_form(value, integer).tobytes())
    return ["a", len(buffers) - 1, list(value.shape), int(integer)]


# ---- decoding (the grader's side runs on data from the untrusted worker) ----


def decode(
    node: object,
    buffers: list,
    decoded: dict | None = None,
    ledger: Ledger | None = None,
    first: int = 0,
) -> object:
    """Rebuild a value from `encode`'s output, validating every field. Nodes that name one
    buffer with one shape give one array. decoded: the arrays of this message so far
    (pass one dict to several calls on the same `buffers`). ledger, first: this side's
    ledger and what `Ledger.received` returned for this message (arrays named by an
    ["r", ...] node need them)."""
    state = _Decoding(buffers, {} if decoded is None else decoded, ledger, first)
    return _decode(node, 0, state)


class Received:
    """One message as its receiver holds it: its buffers, numbered in the session's
    `ledger` where there is one (`Ledger.received`, in the order messages arrive), and a
    `decode` for the values of its header (an array sent once in it is decoded once)."""

    def __init__(self, buffers: list, ledger: Ledger | None = None) -> None:
        self.buffers, self.ledger = buffers, ledger
        self.first = ledger.received(buffers) if ledger is not None else 0
        self.decoded: dict = {}

    def decode(self, node: object) -> object:
        return decode(node, self.buffers, self.decoded, self.ledger, self.first)


class _Decoding:
    """One `decode` call: the message it reads, and the containers decoded so far."""

    def __init__(self, buffers: list, decoded: dict, ledger: Ledger | None, first: int) -> None:
        self.buffers, self.decoded, self.ledger, self.first = buffers, decoded, ledger, first
        self.containers: list[tuple[object, int]] = []  # (value, size with its contents)
        self.size = 0  # the values decoded so far, a repeated container counted in full

    def grow(self, size: int) -> None:
        self.size += size
        if self.size > MAX_EXPANDED:
            raise WireError(f"value of more than {MAX_EXPANDED} items")


def _decode(node, depth: int, state: _Decoding) -> object:
    if depth > MAX_DEPTH + 1 or type(node) is not list or not node:
        raise WireError("malformed value")
    kind = node[0]
    if kind == "a" or kind == "r":
        state.size += 1
        return _decode_array(node, state)
    if kind == "t" or kind == "l" or kind == "d":
        start = state.size
        value = _decode_container(node, depth, state)
        state.grow(1)
        state.containers.append((value, state.size - start))
        return value
    if kind == "p":
        index = node[1] if len(node) == 2 else None
        if type(index) is not int or not 0 <= index < len(state.containers):
            raise WireError("malformed container reference")
        value, size = state.containers[index]
        state.grow(size)
        return value
    state.size += 1
    if len(node) > 2:
        raise WireError("malformed value")
    item = node[1] if len(node) == 2 else None
    if kind == "n" and len(node) == 1:
        return None
    if kind == "f":
        if type(item) not in (int, float):
            raise WireError("malformed number")
        return float(item)
    if kind == "i":
        if type(item) is not int or abs(item) >= 2**63:
            raise WireError("malformed integer")
        return item
    if kind == "s":
        if type(item) is not str or len(item) > MAX_STRING:
            raise WireError("malformed string")
        return item
    if kind == "g":
        if type(item) is not int or not 0 <= item < 2**63:
            raise WireError("malformed random source")
        return RandomSource(item)
    if kind == "u":
        return Unsupported(str(item)[:200])
    raise WireError(f"unknown value kind {kind!r}"[:200])


def _decode_container(node: list, depth: int, state: _Decoding) -> tuple | list | dict:
    if node[0] == "d":
        if len(node) % 2 != 1 or len(node) > 2 * MAX_ITEMS + 1:
            raise WireError("malformed dict")
        result = {}
        for index in range(1, len(node), 2):
            key = node[index]
            if type(key) is not str:
                raise WireError("malformed dict key")
            result[key] = _decode(node[index + 1], depth + 1, state)
        return result
    if len(node) > MAX_ITEMS + 1:
        raise WireError("malformed sequence")
    values = [_decode(item, depth + 1, state) for item in node[1:]]
    return tuple(values) if node[0] == "t" else values


def _decode_array(node: list, state: _Decoding) -> np.ndarray:
    buffers, decoded, ledger, first = state.buffers, state.decoded, state.ledger, state.first
    if node[0] == "a":
        if len(node) != 4:
            raise WireError("malformed array")
        _, index, shape, integer = node
        if type(index) is not int or not 0 <= index < len(buffers):
            raise WireError("malformed array buffer index")
    else:
        if len(node) != 5:
            raise WireError("malformed array reference")
        _, whose, index, shape, integer = node
        if ledger is None or whose not in (0, 1) or type(whose) is not int:
            raise WireError("malformed array reference")
        # whose: 0, a buffer the sender sent before (in our `theirs`); 1, one we sent.
        stream = ledger.theirs if whose == 0 else ledger.mine
        if type(index) is not int or not 0 <= index < len(stream.data):
            raise WireError("malformed array reference")
        if not whose and index >= first:
            raise WireError("an array reference names a buffer of its own message")
    if type(shape) is not list or len(shape) > 8:
        raise WireError("malformed array shape")
    for n in shape:
        if type(n) is not int or n < 0:  # `type`, not isinstance: a bool is not a size
            raise WireError("malformed array shape")
    if integer not in (0, 1) or type(integer) is not int:
        raise WireError("malformed array type")
    key = (node[0], node[1], index, *shape, integer)
    if key in decoded:
        return decoded[key]
    count = math.prod(shape)
    if node[0] == "a":  # a buffer of this message: the sender's next ones in our ledger
        data, own = buffers[index], None
        stream, number = (ledger.theirs, first + index) if ledger is not None else (None, 0)
    else:
        data, own, number = stream.data[index], stream.arrays[index], index
        if data is None:
            raise WireError("an array reference names a buffer not kept")
    if count > MAX_ARRAY_ELEMENTS or len(data) != 8 * count:
        raise WireError("array size does not match its buffer")
    if own is not None and own.shape == tuple(shape) and _holds(own, data, bool(integer)):
        array = own  # the array we hold still has exactly those numbers
    else:
        wire_type, native = (_INT, np.int64) if integer else (_FLOAT, np.float64)
        array = np.frombuffer(data, dtype=wire_type, count=count).reshape(shape)
        array = array.astype(native)  # a fresh, writable, native-endian copy
        if stream is not None:
            ledger.remember(stream, number, array, bool(integer))
    decoded[key] = array
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
    """A blocking `take` for `read_message` on an unbuffered binary stream: it reads what
    the pipe holds (most often a whole message, in one system call) and keeps the rest."""
    pending = bytearray()

    def take(count: int) -> bytes:
        while len(pending) < count:
            chunk = stream.read(max(65536, count - len(pending)))
            if not chunk:
                raise EOFError("the other side closed the channel")
            pending.extend(chunk)
        data = bytes(pending[:count])
        del pending[:count]
        return data

    return take


def parse_header(raw: bytes, max_bytes: int) -> dict:
    try:
        header = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise WireError("message header is not JSON") from None
    sizes = header.get("sizes") if isinstance(header, dict) else None
    if not (isinstance(sizes, list) and all(type(s) is int and s >= 0 for s in sizes)):
        raise WireError("message header has no valid buffer sizes")
    if sum(sizes) > max_bytes:
        raise WireError("message is larger than the limit")
    return header
