"""The inputs the public checks call the graded functions with, kept by argument name.

A forward function's values are its arguments, e.g. {"xt": ..., "a_prev": ...,
"parameters": {...}}. A backward function's values are the arguments of its forward
function plus its upstream gradients ("da_next", ...): its cache comes from running a
forward function on them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from course.checks.expect import CheckFailure, named_outputs
from course.notation import Signature, Sizes, init_parameters, random_arrays

# Sizes all differ, so a transposed or misplaced axis shows up as a wrong shape.
PUBLIC_SIZES = Sizes(n_x=3, n_a=5, n_y=2, m=10, T_x=4)
# The element-by-element gradient check costs two forward passes per number: small sizes
# keep it quick (and give fewer entries that happen to lie near 0, see below).
GRADCHECK_SIZES = Sizes(n_x=3, n_a=4, n_y=2, m=2, T_x=3)
# Seed 8 leaves the reference's gradient checks a margin of 100x or more (largest relative
# errors 4.2e-10 for the cells, 6.9e-9 for the sequences). Most seeds do about as well,
# but a case with a gradient entry close to 0 would leave correct solutions a thin margin
# (see course.gradcheck and tests/test_reference_gradients.py).
PUBLIC_SEED = 8


def draw_values(sig: Signature, sizes: Sizes, seed: int) -> dict[str, Any]:
    """Seeded, scaled values for `sig`: the forward arguments, plus upstream gradients."""
    rng = np.random.default_rng(seed)
    names = [name for name in sig.forward.arguments if name != "parameters"]
    values: dict[str, Any] = random_arrays(names, sizes, rng)
    values["parameters"] = init_parameters(sig.family, sizes, rng)
    values.update(random_arrays(sig.upstream, sizes, rng))
    return values


def call(function: Callable, sig: Signature, values: Mapping[str, Any]) -> Any:
    """function(*arguments), each argument taken from `values` by its name in `sig`."""
    return function(*(values[name] for name in sig.arguments))


@dataclass(frozen=True)
class Forward:
    """A forward function under test, with seeded inputs of the public sizes."""

    function: Callable
    sig: Signature
    sizes: Sizes = PUBLIC_SIZES
    seed: int = PUBLIC_SEED

    def values(self) -> dict[str, Any]:
        """Fresh arguments by name (a function that changes them harms no other check)."""
        return draw_values(self.sig, self.sizes, self.seed)

    def run(self, values: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The outputs by name, their structure and shapes checked."""
        result = call(self.function, self.sig, self.values() if values is None else values)
        return named_outputs(self.sig, result, self.sizes)


@dataclass(frozen=True)
class Backward:
    """A backward function under test, with the forward function that makes its caches."""

    function: Callable
    forward: Callable
    sig: Signature
    sizes: Sizes = PUBLIC_SIZES
    seed: int = PUBLIC_SEED

    def values(self) -> dict[str, Any]:
        """Fresh forward arguments and upstream gradients, by name."""
        return draw_values(self.sig, self.sizes, self.seed)

    def cache(self, values: Mapping[str, Any]) -> Any:
        """The cache the student's own forward function makes from `values`."""
        forward = self.sig.forward
        result = call(self.forward, forward, values)
        if not isinstance(result, tuple | list) or len(result) != len(forward.returns):
            raise CheckFailure(
                f"your {forward.name} should return ({', '.join(forward.returns)}) to make the "
                f"cache: run check_{forward.name} first"
            )
        return result[-1]

    def gradients(self, values: Mapping[str, Any], cache: Any) -> dict[str, Any]:
        """The gradients by name (checked) for the upstream gradients in `values`."""
        sizes = replace(self.sizes, m=values[self.sig.upstream[0]].shape[1])
        result = call(self.function, self.sig, {**values, self.sig.arguments[-1]: cache})
        return named_outputs(self.sig, result, sizes)

    def run(self, values: Mapping[str, Any] | None = None, **upstream: np.ndarray) -> dict:
        """The gradients by name (checked), with `upstream` replacing those in `values`,
        on the cache of the student's own forward function."""
        values = {**(self.values() if values is None else values), **upstream}
        return self.gradients(values, self.cache(values))
