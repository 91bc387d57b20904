"""The catalogue of mistakes students make in assignment 2, as patches on the reference
solution cells (see autograder/diagnose/patches.py).

Patches look only at the solution code, from `### BEGIN SOLUTION` to the end of the cell.
Hints speak to the student in the course notation and never give the fix as code.
"""

from __future__ import annotations

from autograder.assignment import Mistake


def _m(function: str, slug: str, find: str, replace: str, hint: str) -> Mistake:
    return Mistake(f"{function}/{slug}", function, find, replace, hint)


_ENCODE_NAMES = (
    _m(
        "encode_names",
        "targets-not-shifted",
        "Y[i, : len(name)] = indices",
        "Y[i, 1 : len(name) + 1] = indices",
        "Your targets Y equal the inputs X: the target at step t is the character that "
        "comes next, Y[i, t] = X[i, t + 1], so the model learns to predict, not to copy.",
    ),
    _m(
        "encode_names",
        "end-token-not-a-target",
        "mask[i, : len(name) + 1] = 1.0",
        "mask[i, : len(name)] = 1.0",
        "The mask leaves out the end token: a name of n characters has n + 1 targets, its "
        "characters and then the end token 0, which teaches the model where names stop.",
    ),
    _m(
        "encode_names",
        "no-start-token",
        "X[i, 1 : len(name) + 1] = indices",
        "X[i, : len(name)] = indices",
        "X should start with the end token 0 (read as \"a name starts\") and then hold the "
        "characters one step later: X[i, 0] = 0 and X[i, t] is the t-th character.",
    ),
)

_SOFTMAX = (
    _m(
        "softmax",
        "wrong-axis",
        "p = e / e.sum(axis=0, keepdims=True)",
        "p = e / e.sum(axis=1, keepdims=True)",
        "Each column p[:, i, t] must sum to 1: normalise over axis 0, the V characters, "
        "not over the examples or the time steps.",
    ),
    _m(
        "softmax",
        "no-max-shift",
        "e = np.exp(z - z_max)",
        "e = np.exp(z)",
        "exp overflows for large scores (exp(800) is inf, and inf / inf is nan): subtract "
        "each column's maximum from z first, which leaves the softmax unchanged.",
    ),
)

_LM_LOSS = (
    _m(
        "lm_loss",
        "summed-not-averaged",
        "loss = -np.sum(mask * np.log(p_target)) / np.sum(mask)",
        "loss = -np.sum(mask * np.log(p_target))",
        "Your loss is the sum over the targets: the loss is their mean, the sum divided by "
        "the number of real targets (the sum of the mask), so it does not grow with m or T_x.",
    ),
    _m(
        "lm_loss",
        "padding-counted",
        "loss = -np.sum(mask * np.log(p_target)) / np.sum(mask)",
        "loss = -np.mean(np.log(p_target))",
        "Your loss averages over every position, the padding too: only the real targets, "
        "where mask = 1, count, in the sum and in the number you divide by.",
    ),
    _m(
        "lm_loss",
        "averaged-over-m",
        "loss = -np.sum(mask * np.log(p_target)) / np.sum(mask)",
        "loss = -np.sum(mask * np.log(p_target)) / m",
        "Your loss is divided by m, the number of names: divide by the number of real "
        "targets (the sum of the mask), so that the loss is a mean per character.",
    ),
)

_PERPLEXITY = (
    _m(
        "perplexity",
        "mean-of-batch-losses",
        "total += loss * np.sum(mask)\n        count += np.sum(mask)",
        "total += loss\n        count += 1",
        "Your perplexity averages the losses of the batches: batches hold different numbers "
        "of targets, so weight each batch's mean loss by its number of targets (or add up "
        "the cross-entropies first) before taking exp.",
    ),
)

_LM_LOSS_BACKWARD = (
    _m(
        "lm_loss_backward",
        "no-minus-one",
        "dz[Y, np.arange(m)[:, np.newaxis], np.arange(T_x)] -= 1.0",
        "pass",
        "The gradient of the cross-entropy with respect to the scores is y_hat minus the "
        "one-hot target: subtract 1 at the target character of every (i, t).",
    ),
    _m(
        "lm_loss_backward",
        "not-averaged",
        "dz = dz * mask / np.sum(mask)",
        "dz = dz * mask",
        "Your gradients are those of the summed loss: lm_loss is a mean over the real "
        "targets, so its gradient is divided by their number (the sum of the mask) too.",
    ),
    _m(
        "lm_loss_backward",
        "mask-ignored",
        "dz = dz * mask / np.sum(mask)",
        "dz = dz / np.sum(mask)",
        "Padding positions get a gradient in your code: multiply the gradient of each "
        "(i, t) by the mask, since padded targets do not count in the loss.",
    ),
)

_LM_GRADIENTS = (
    _m(
        "lm_gradients",
        "output-gradients-missing",
        '    gradients["dWya"] = output_gradients["dWya"]\n',
        "",
        "The gradients of the output layer (dWya, from lm_loss_backward) are missing: the "
        "network's backward pass gives only the recurrent parameters' gradients.",
    ),
)

_CLIP_BY_VALUE = (
    _m(
        "clip_by_value",
        "upper-bound-only",
        "np.clip(g, -max_value, max_value)",
        "np.minimum(g, max_value)",
        "Large negative entries are not clipped: clip by value keeps every entry in "
        "[-max_value, max_value], from below as well as from above.",
    ),
)

_CLIP_BY_GLOBAL_NORM = (
    _m(
        "clip_by_global_norm",
        "norm-per-array",
        "clipped = {name: g * scale for name, g in gradients.items()}",
        "clipped = {\n        name: g * max_norm / max(np.sqrt(np.sum(g**2)), max_norm)"
        "\n        for name, g in gradients.items()\n    }",
        "Each gradient is scaled by its own norm: clipping by global norm uses one norm, of "
        "all gradients together, and one factor for all, so their directions are kept.",
    ),
    _m(
        "clip_by_global_norm",
        "no-square-root",
        "norm = np.sqrt(sum(np.sum(g**2) for g in gradients.values()))",
        "norm = sum(np.sum(g**2) for g in gradients.values())",
        "Your norm is the sum of the squares: the global norm is its square root.",
    ),
    _m(
        "clip_by_global_norm",
        "always-scaled",
        "scale = max_norm / max(norm, max_norm)",
        "scale = max_norm / norm",
        "Gradients whose global norm is already below max_norm must stay as they are: "
        "scale them down only when the norm exceeds max_norm.",
    ),
)

_UPDATE_PARAMETERS = (
    _m(
        "update_parameters",
        "adagrad-no-square-root",
        "step = learning_rate * g / (np.sqrt(new_memory[name]) + epsilon)",
        "step = learning_rate * g / (new_memory[name] + epsilon)",
        "Adagrad divides by the square root of the memory (the sum of the squared "
        "gradients), not by the memory itself.",
    ),
    _m(
        "update_parameters",
        "adagrad-no-epsilon",
        "step = learning_rate * g / (np.sqrt(new_memory[name]) + epsilon)",
        "step = learning_rate * g / np.sqrt(new_memory[name])",
        "Where the memory is still 0 (a gradient that has always been 0), your step is "
        "0 / 0 = nan: add epsilon to the square root of the memory before dividing.",
    ),
    _m(
        "update_parameters",
        "memory-replaced",
        "new_memory[name] = memory[name] + g**2",
        "new_memory[name] = g**2",
        "Adagrad's memory accumulates: it is the sum of the squares of all gradients so "
        "far, so add this step's squared gradient to the memory you were given.",
    ),
)

_OPTIMIZE = (
    _m(
        "optimize",
        "clipped-after-update",
        "    gradients, norm = clip_by_global_norm(gradients, max_norm)\n"
        "    parameters, memory = update_parameters(",
        "    parameters, memory = update_parameters(",
        "The update used gradients that were not clipped: clip the gradients by their "
        "global norm first, then update the parameters with the clipped ones.",
    ),
    _m(
        "optimize",
        "clipped-by-value",
        "gradients, norm = clip_by_global_norm(gradients, max_norm)",
        "_, norm = clip_by_global_norm(gradients, max_norm)\n"
        "    gradients = clip_by_value(gradients, max_norm)",
        "optimize clips by global norm, which scales all gradients by one factor and keeps "
        "their direction; clipping by value changes the direction.",
    ),
)

_SAMPLE = (
    _m(
        "sample",
        "argmax-instead-of-draw",
        "ix = int(rng.choice(V, p=softmax(z / temperature).ravel()))",
        "ix = int(np.argmax(z))",
        "Your samples always take the most likely character, whatever the temperature: "
        "above temperature 0, draw the character at random from softmax(z / temperature).",
    ),
    _m(
        "sample",
        "temperature-after-softmax",
        "ix = int(rng.choice(V, p=softmax(z / temperature).ravel()))",
        "p = softmax(z).ravel() / temperature\n"
        "            ix = int(rng.choice(V, p=p / np.sum(p)))",
        "The temperature divides the scores z before the softmax: dividing the "
        "probabilities after it and renormalising changes nothing.",
    ),
    _m(
        "sample",
        "end-token-dropped",
        "        indices.append(ix)\n        if ix == 0:\n            break\n",
        "        if ix == 0:\n            break\n        indices.append(ix)\n",
        "When the end token 0 is drawn it ends the list: append it, then stop.",
    ),
    _m(
        "sample",
        "prefix-not-read",
        "for ix in [0, *prefix]:",
        "for ix in [0]:",
        "The model should read the prefix (after the end token that starts every name) "
        "before it samples, so that what it samples continues the prefix.",
    ),
    _m(
        "sample",
        "sampled-character-not-fed-back",
        "        a, state = network_step(one_hot(np.array([[ix]]), V)[:, :, 0], state, parameters)"
        "\n    ### END SOLUTION",
        "        a, state = network_step(one_hot(np.array([[0]]), V)[:, :, 0], state, parameters)"
        "\n    ### END SOLUTION",
        "Each sampled character is the next input: feed x<t+1> = one-hot of the character "
        "just drawn into the network, not the start token again.",
    ),
)

_TRAIN = (
    _m(
        "train",
        "memory-reset-every-step",
        "        X, Y, mask = encode_names(next(batch_stream), char_to_ix)\n",
        "        X, Y, mask = encode_names(next(batch_stream), char_to_ix)\n"
        "        memory = {name: np.zeros_like(value) for name, value in parameters.items()}\n",
        "Adagrad's memory must carry over from one step to the next: create it (zeros) once "
        "before the loop, and keep the memory optimize returns.",
    ),
    _m(
        "train",
        "smooth-loss-from-zero",
        "smooth_loss = np.log(V)",
        "smooth_loss = 0.0",
        "The smoothed loss starts at log(V), the loss of a uniform guess among V "
        "characters, which is about where an untrained model starts.",
    ),
    _m(
        "train",
        "validation-on-training-names",
        "history[\"val_perplexity\"].append(perplexity(validation_names, parameters, char_to_ix))",
        "history[\"val_perplexity\"].append(perplexity(train_names, parameters, char_to_ix))",
        "The validation perplexity is measured on validation_names, the names the model "
        "never trains on: that is what tells you whether it generalises.",
    ),
)

MISTAKES: tuple[Mistake, ...] = (
    *_ENCODE_NAMES,
    *_SOFTMAX,
    *_LM_LOSS,
    *_PERPLEXITY,
    *_LM_LOSS_BACKWARD,
    *_LM_GRADIENTS,
    *_CLIP_BY_VALUE,
    *_CLIP_BY_GLOBAL_NORM,
    *_UPDATE_PARAMETERS,
    *_OPTIMIZE,
    *_SAMPLE,
    *_TRAIN,
)
