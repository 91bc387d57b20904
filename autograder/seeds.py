"""Hidden cases are seeded from the course secret, the student, the submitted code, the
function and the case: the same on any machine, whatever the order or parallelism of
grading; fresh whenever the code changes."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

import numpy as np


def code_digest(cells: Mapping[str, str]) -> str:
    """A digest of the code a submission runs (its solution cells, by name)."""
    digest = hashlib.sha256()
    for name in sorted(cells):
        for part in (name, cells[name]):
            data = part.encode("utf-8", "surrogatepass")
            digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


def case_rng(
    secret: bytes, student: str, function: str, index: int, code: str = ""
) -> np.random.Generator:
    """The generator for hidden case `index` of `function` for `student`'s code `code`
    (a `code_digest`).

    Same secret, student, code, function and index: same inputs, on any machine and
    whatever the order or parallelism of grading. Any change of the code gives fresh
    inputs, so hidden inputs a submission reveals (in an error message, say) are of no
    use to the next one.
    """
    message = f"{student}\0{code}\0{function}\0{index}".encode()
    digest = hmac.digest(secret, message, "sha256")
    # = np.random.default_rng(seed), without its checks of the seed's type
    return np.random.Generator(np.random.PCG64(int.from_bytes(digest[:16], "little")))
