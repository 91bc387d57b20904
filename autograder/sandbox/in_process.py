"""Call functions in this very process, with the same messages as the sandboxed worker.

Only for nbgrader's own test cells (`autograder.in_kernel`), where nbgrader has already
put student code and tests in one kernel. Encoding the result exactly as the worker does
means the same comparison code judges both paths.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from autograder.sandbox import wire
from autograder.sandbox.session import Reply


class InProcessSession:
    """Has the `call` method of WorkerSession, for functions of this process."""

    def __init__(self, functions: dict[str, Callable]) -> None:
        self.functions = functions

    def cpu_seconds(self) -> None:
        """Not measured in this process (see `autograder.backprop_cost`)."""
        return None

    def call(
        self,
        function,
        args,
        oracle,
        oracles,
        deadline,
        timeout_message,
        draws=0,
        stand_ins=None,
        discard=False,
    ) -> Reply:
        arguments = copy.deepcopy(list(args))
        call_args = wire.generators(arguments)
        try:
            if draws:
                value = [self.functions[function](*call_args) for _ in range(draws)]
            else:
                value = self.functions[function](*call_args)
        except Exception as error:  # noqa: BLE001  (reported as a failed check)
            raised = {"op": "raised", "type": type(error).__name__, "message": str(error)}
            return Reply(raised, wire.Received([]))
        buffers: list[bytes] = []
        seen: dict = {}  # as the worker does: an array in both is sent once
        header = {
            "op": "returned",
            "value": wire.encode(value, buffers, seen),
            "args_after": wire.encode(arguments, buffers, seen),
        }
        return Reply(header, wire.Received(buffers))
