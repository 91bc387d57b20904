"""Correct ways of writing assignment 2's functions other than the reference's, as patches
on its solution cells: each must get full marks (tests/autograder/test_correct_variants.py).

Samplers especially: a correct sampler may draw its random numbers any way it likes.
"""

from __future__ import annotations

from autograder.assignment import Variant


def _v(function: str, slug: str, find: str, replace: str) -> Variant:
    return Variant(f"{function}/{slug}", function, find, replace)


VARIANTS: tuple[Variant, ...] = (
    _v(
        "encode_names",
        "targets-from-inputs",
        "        Y[i, : len(name)] = indices\n        mask[i, : len(name) + 1] = 1.0\n",
        "        mask[i, : len(name) + 1] = 1.0\n    Y[:, :-1] = X[:, 1:]\n",
    ),
    _v(
        "softmax",
        "log-sum-exp",
        "e = np.exp(z - z_max)\n    p = e / e.sum(axis=0, keepdims=True)",
        "p = np.exp(z - z_max - np.log(np.sum(np.exp(z - z_max), axis=0, keepdims=True)))",
    ),
    _v(
        "lm_loss",
        "tensordot-and-one-hot",
        'z = np.einsum("va,amt->vmt", Wya, a) + by[:, :, np.newaxis]\n'
        "    y_hat = softmax(z)\n"
        "    m, T_x = Y.shape\n"
        "    p_target = y_hat[Y, np.arange(m)[:, np.newaxis], np.arange(T_x)]",
        "y_hat = softmax(np.tensordot(Wya, a, axes=1) + by[:, :, np.newaxis])\n"
        "    p_target = np.sum(y_hat * one_hot(Y, Wya.shape[0]), axis=0)",
    ),
    _v(
        "perplexity",
        "cross-entropies-added-up",
        "        loss, _ = lm_loss(a, Y, mask, parameters)\n"
        "        total += loss * np.sum(mask)\n",
        "        _, y_hat = lm_loss(a, Y, mask, parameters)\n"
        "        picked = np.take_along_axis(y_hat, Y[np.newaxis], axis=0)[0]\n"
        "        total += -np.sum(mask * np.log(picked))\n",
    ),
    _v(
        "lm_loss_backward",
        "one-hot-and-loop-over-time",
        "dz[Y, np.arange(m)[:, np.newaxis], np.arange(T_x)] -= 1.0\n"
        "    dz = dz * mask / np.sum(mask)\n"
        '    dWya = np.einsum("vmt,amt->va", dz, a)',
        "dz = (dz - one_hot(Y, dz.shape[0])) * mask / np.sum(mask)\n"
        "    dWya = sum(dz[:, :, t] @ a[:, :, t].T for t in range(T_x))",
    ),
    _v(
        "clip_by_value",
        "minimum-of-maximum",
        "np.clip(g, -max_value, max_value)",
        "np.minimum(np.maximum(g, -max_value), max_value)",
    ),
    _v(
        "clip_by_global_norm",
        "one-long-vector",
        "norm = np.sqrt(sum(np.sum(g**2) for g in gradients.values()))\n"
        "    scale = max_norm / max(norm, max_norm)",
        "norm = np.linalg.norm(np.concatenate([g.ravel() for g in gradients.values()]))\n"
        "    scale = max_norm / norm if norm > max_norm else 1.0",
    ),
    _v(
        "update_parameters",
        "square-and-copy",
        "new_memory[name] = memory[name] + g**2",
        "new_memory[name] = memory[name] + np.square(g)",
    ),
    _v(
        "sample",
        "inverse-cumulative-distribution",
        "ix = int(rng.choice(V, p=softmax(z / temperature).ravel()))",
        "cdf = np.cumsum(softmax(z / temperature).ravel())\n"
        '            drawn = np.searchsorted(cdf, rng.random() * cdf[-1], side="right")\n'
        "            ix = int(min(drawn, V - 1))",
    ),
    _v(
        "sample",
        "gumbel-max-trick",
        "ix = int(rng.choice(V, p=softmax(z / temperature).ravel()))",
        "ix = int(np.argmax(z.ravel() / temperature + rng.gumbel(size=V)))",
    ),
    _v(
        "sample",
        "numpy-global-random",
        "ix = int(rng.choice(V, p=softmax(z / temperature).ravel()))",
        "ix = int(np.random.choice(V, p=softmax(z / temperature).ravel()))",
    ),
    _v(
        "train",
        "smoothing-as-a-step",
        "smooth_loss = 0.99 * smooth_loss + 0.01 * loss",
        "smooth_loss += 0.01 * (loss - smooth_loss)",
    ),
)
