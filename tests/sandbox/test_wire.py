"""The worker channel's framing: whole messages, however the pipe splits them."""

import os
import threading

import numpy as np
import pytest

from autograder.sandbox import wire


def test_a_message_larger_than_a_pipe_buffer_arrives_whole():
    values = np.arange(100_000, dtype=float).reshape(100, 1000)
    buffers: list[bytes] = []
    message = wire.pack({"op": "call", "args": wire.encode([values], buffers)}, buffers)
    read_end, write_end = os.pipe()

    def send() -> None:
        with os.fdopen(write_end, "wb", buffering=0) as pipe:
            pipe.write(message)

    sender = threading.Thread(target=send)
    sender.start()
    with os.fdopen(read_end, "rb", buffering=0) as pipe:
        header, received = wire.read_message(wire.stream_reader(pipe))
    sender.join()
    (decoded,) = wire.decode(header["args"], received)
    assert np.array_equal(decoded, values)


# ---- one session's ledger: arrays that crossed before are named, not sent again ----


class Side:
    """One end of a session: its ledger and what it last decoded."""

    def __init__(self, max_bytes: int = wire.LEDGER_BYTES) -> None:
        self.ledger = wire.Ledger(max_bytes)

    def send(self, value: object, to: "Side") -> tuple[object, dict, list]:
        """Encode `value` here, decode it there; returns (decoded, header, buffers)."""
        buffers: list[bytes] = []
        seen: dict = {}
        header = {"value": wire.encode(value, buffers, seen, self.ledger)}
        message = wire.pack(header, buffers)
        self.ledger.sent(buffers, seen)
        offset = [0]

        def take(count: int) -> bytes:
            offset[0] += count
            return message[offset[0] - count : offset[0]]

        header, received = wire.read_message(take)
        return wire.Received(received, to.ledger).decode(header["value"]), header, received


def kinds(node: object) -> list[str]:
    """The array nodes of an encoded value: "a" (sent) or "r" (named)."""
    if isinstance(node, list) and node and node[0] in ("a", "r"):
        return [node[0]]
    if isinstance(node, list) and node and node[0] in ("t", "l", "d"):
        return [kind for item in node[1:] for kind in kinds(item)]
    return []


def test_every_kind_of_value_survives_a_round_trip():
    grader, worker = Side(), Side()
    scalars = (None, 1.5, 7, -(2**62), True, np.float32(0.25), np.int16(3), "text")
    arrays = (np.arange(6.0).reshape(2, 3), np.arange(4).reshape(2, 2), np.zeros((0, 3)))
    nested = ([{"W": np.ones((2, 2)), "b": np.zeros((2, 1))}, ()], {"nested": {"deeper": [1, 2]}})
    value = (*scalars, wire.RandomSource(5), *arrays, *nested)
    decoded, _, _ = grader.send(value, worker)
    assert decoded[:4] == (None, 1.5, 7, -(2**62)) and type(decoded[2]) is int
    assert decoded[4] == 1.0 and decoded[5] == 0.25 and decoded[6] == 3
    assert decoded[7] == "text" and decoded[8] == wire.RandomSource(5)
    assert np.array_equal(decoded[9], value[9]) and decoded[9].dtype == np.float64
    assert np.array_equal(decoded[10], value[10]) and decoded[10].dtype == np.int64
    assert decoded[11].shape == (0, 3)
    assert np.array_equal(decoded[12][0]["W"], np.ones((2, 2))) and decoded[12][1] == ()
    assert decoded[13] == {"nested": {"deeper": [1, 2]}}
    assert isinstance(wire.decode(wire.encode({1, 2}, []), []), wire.Unsupported)


def test_an_array_that_comes_back_unchanged_is_named_and_is_the_receivers_own():
    grader, worker = Side(), Side()
    parameters = {"Waa": np.ones((3, 3)), "ba": np.zeros((3, 1))}
    received, _, _ = grader.send([parameters, np.arange(3.0)], worker)
    # The worker returns what it was given (a cache holding the parameters, say).
    back, header, buffers = worker.send((received[0], received[1] * 2), grader)
    assert kinds(header["value"]) == ["r", "r", "a"] and len(buffers) == 1
    assert back[0]["Waa"] is parameters["Waa"] and back[0]["ba"] is parameters["ba"]
    assert np.array_equal(back[1], np.arange(3.0) * 2)
    # ...and the grader, sending the worker's array back, names it too.
    again, header, _ = grader.send(back[1], worker)
    assert kinds(header["value"]) == ["r"] and again is worker_array(worker, back[1])


def worker_array(worker: Side, like: np.ndarray) -> np.ndarray:
    """The worker's own array holding the same numbers as `like` (what it sent)."""
    (found,) = [a for a in worker.ledger.mine.arrays if a is not None and np.array_equal(a, like)]
    return found


def test_an_array_changed_in_place_is_sent_again_in_full():
    grader, worker = Side(), Side()
    (x,), _, _ = grader.send([np.zeros((2, 2))], worker)
    x += 1  # the student's code changes its input in place
    back, header, _ = worker.send([x], grader)
    assert kinds(header["value"]) == ["a"] and np.array_equal(back[0], np.ones((2, 2)))


def test_a_named_array_the_receiver_changed_since_comes_back_as_it_was_sent():
    grader, worker = Side(), Side()
    original = np.arange(4.0)
    (kept,), _, _ = grader.send([original], worker)
    original[0] = 99.0  # the grader's own copy changes after it was sent
    back, header, _ = worker.send([kept], grader)
    assert kinds(header["value"]) == ["r"]
    assert back[0] is not original and np.array_equal(back[0], np.arange(4.0))


def test_past_the_ledger_limit_arrays_are_sent_in_full_and_both_sides_agree():
    grader, worker = Side(max_bytes=100), Side(max_bytes=100)
    small, large = np.ones(4), np.ones(40)  # 32 and 320 bytes
    received, _, _ = grader.send([small, large], worker)
    back, header, _ = worker.send(received, grader)
    assert kinds(header["value"]) == ["r", "a"]
    assert back[0] is small and np.array_equal(back[1], large)


@pytest.mark.parametrize(
    "reference, error",
    [
        (["r", 0, 0, [2], 0], "names a buffer of its own message"),
        (["r", 1, 5, [2], 0], "malformed array reference"),
        (["r", 1, 0, [3], 0], "does not match its buffer"),
        (["r", 2, 0, [2], 0], "malformed array reference"),
        (["r", True, 0, [2], 0], "malformed array reference"),
        (["r", 1, 0, [2]], "malformed array reference"),
        (["a", 1, [2], 0], "malformed array buffer index"),
    ],
)
def test_a_forged_array_reference_is_refused(reference: list, error: str):
    grader, worker = Side(), Side()
    grader.send([np.ones(2)], worker)  # the grader's buffer 0: 2 numbers
    buffers = [bytes(16)]  # the forged message's own buffer 0
    first = grader.ledger.received(buffers)
    with pytest.raises(wire.WireError, match=error):
        wire.decode(["t", reference], buffers, {}, grader.ledger, first)


def test_a_reference_without_a_ledger_is_refused():
    with pytest.raises(wire.WireError, match="malformed array reference"):
        wire.decode(["r", 1, 0, [2], 0], [])


def test_an_array_reshaped_in_place_comes_back_with_its_new_shape():
    grader, worker = Side(), Side()
    (x,), _, _ = grader.send([np.arange(6.0).reshape(2, 3)], worker)
    x.shape = (3, 2)  # the same numbers, another shape: a student's transposed axes
    back, _, _ = worker.send([x], grader)
    assert back[0].shape == (3, 2) and np.array_equal(back[0].ravel(), np.arange(6.0))


def test_an_array_viewed_in_place_as_integers_is_not_named_as_floats():
    grader, worker = Side(), Side()
    (x,), _, _ = grader.send([np.zeros(3)], worker)
    x.dtype = np.int64  # zeros: the same bytes, another type
    back, header, _ = worker.send([x], grader)
    assert kinds(header["value"]) == ["a"] and back[0].dtype == np.int64


# ---- one value's repeated containers: sent once, received as one object ----


def test_a_container_repeated_in_a_value_is_sent_once_and_received_as_one_object():
    grader, worker = Side(), Side()
    parameters = {"Wax": np.ones((3, 2)), "Waa": np.eye(3)}
    caches = [(np.full((3, 1), t), parameters) for t in range(4)]  # as rnn_forward's
    received, header, _ = grader.send([caches], worker)
    first, *rest = (cache[1] for cache in received[0])
    assert all(other is first for other in rest)  # one dict, as the sender's
    assert json_mentions(header["value"], "p") == 3 and json_mentions(header["value"], "d") == 1
    assert np.array_equal(first["Waa"], np.eye(3))


def test_values_encoded_apart_number_their_containers_apart():
    shared = ["x"]
    buffers: list[bytes] = []
    seen: dict = {}
    value = wire.encode([shared, shared], buffers, seen)
    args_after = wire.encode([shared], buffers, seen)  # the same message, another value
    assert value[2] == ["p", 0] and args_after == ["l", ["l", ["s", "x"]]]
    assert wire.decode(args_after, buffers) == [["x"]]  # decoded alone, in any order


def json_mentions(node: object, kind: str) -> int:
    """How many nodes of `kind` an encoded value holds."""
    if not isinstance(node, list) or not node:
        return 0
    inner = node[1:] if node[0] in ("t", "l") else node[2::2] if node[0] == "d" else []
    return (node[0] == kind) + sum(json_mentions(item, kind) for item in inner)


@pytest.mark.parametrize(
    "node",
    [
        ["l", ["p", 0]],  # its own parent: not completed yet
        ["l", ["l"], ["p", 1]],  # the next one: not completed yet
        ["l", ["l"], ["p", -1]],
        ["l", ["l"], ["p", True]],
        ["l", ["l"], ["p", "0"]],
        ["l", ["l"], ["p", 0, 0]],
    ],
)
def test_a_forged_container_reference_is_refused(node: list):
    with pytest.raises(wire.WireError, match="malformed container reference"):
        wire.decode(node, [])


def test_repeats_cannot_make_a_value_larger_than_the_limit():
    # 9 levels of a list holding the level below 20 times: 20**9 items, in 200 nodes.
    node = ["l", *[["n"]] * 20]
    for level in range(8):
        node = ["l", node, *[["p", level]] * 19]
    with pytest.raises(wire.WireError, match="more than 200000 items"):
        wire.decode(node, [])
