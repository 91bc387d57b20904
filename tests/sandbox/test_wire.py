"""The worker channel's framing: whole messages, however the pipe splits them."""

import os
import threading

import numpy as np

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
