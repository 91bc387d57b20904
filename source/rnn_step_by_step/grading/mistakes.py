"""The catalogue of mistakes students really make in assignment 1, as patches on the
reference solution cells (see autograder/diagnose/patches.py).

Patches look only at the solution code, from `### BEGIN SOLUTION` to the end of the cell:
those lines are fixed, while the docstring and prose above them may be edited freely.
Hints speak to the student in the course notation and never give the fix as code.
"""

from __future__ import annotations

from autograder.assignment import Mistake


def _m(function: str, slug: str, find: str, replace: str, hint: str) -> Mistake:
    return Mistake(f"{function}/{slug}", function, find, replace, hint)


_RNN_CELL_FORWARD = (
    _m(
        "rnn_cell_forward",
        "sigmoid-instead-of-tanh",
        "a_next = np.tanh(",
        "a_next = sigmoid(",
        "Your a⟨t⟩ stays between 0 and 1: the hidden state uses tanh, not the sigmoid, "
        "a⟨t⟩ = tanh(W_ax x⟨t⟩ + W_aa a⟨t−1⟩ + b_a).",
    ),
    _m(
        "rnn_cell_forward",
        "bias-missing",
        "Waa @ a_prev + ba)",
        "Waa @ a_prev)",
        "a⟨t⟩ is right only when b_a = 0: the bias b_a is missing inside the tanh of "
        "a⟨t⟩ = tanh(W_ax x⟨t⟩ + W_aa a⟨t−1⟩ + b_a).",
    ),
    _m(
        "rnn_cell_forward",
        "weights-swapped",
        "Wax @ xt + Waa @ a_prev",
        "Waa @ xt + Wax @ a_prev",
        "W_ax (n_a, n_x) multiplies the input x⟨t⟩ and W_aa (n_a, n_a) the previous hidden "
        "state a⟨t−1⟩; check which weight meets which array.",
    ),
    _m(
        "rnn_cell_forward",
        "y-from-a_prev",
        "softmax(Wya @ a_next + by)",
        "softmax(Wya @ a_prev + by)",
        "ŷ⟨t⟩ = softmax(W_ya a⟨t⟩ + b_y) is computed from the new hidden state a⟨t⟩, "
        "not from the previous one a⟨t−1⟩.",
    ),
    _m(
        "rnn_cell_forward",
        "softmax-over-examples",
        "yt_pred = softmax(Wya @ a_next + by)",
        "z = Wya @ a_next + by\n    yt_pred = np.exp(z) / np.sum(np.exp(z), axis=1, keepdims=True)",
        "Each column of ŷ⟨t⟩ (one example) must sum to 1: your softmax normalises across "
        "the m examples (axis 1) instead of over the n_y classes (axis 0); the course's "
        "softmax does this for you.",
    ),
    _m(
        "rnn_cell_forward",
        "no-softmax",
        "softmax(Wya @ a_next + by)",
        "Wya @ a_next + by",
        "ŷ⟨t⟩ must hold probabilities (each column non-negative and summing to 1): apply "
        "softmax to W_ya a⟨t⟩ + b_y.",
    ),
    _m(
        "rnn_cell_forward",
        "cache-order",
        "cache = (a_next, a_prev, xt, parameters)",
        "cache = (a_prev, a_next, xt, parameters)",
        "The cache is read by position in rnn_cell_backward: it must be "
        "(a_next, a_prev, xt, parameters), in that order.",
    ),
)

_RNN_FORWARD = (
    _m(
        "rnn_forward",
        "state-not-carried",
        "rnn_cell_forward(x[:, :, t], a_next, parameters)",
        "rnn_cell_forward(x[:, :, t], a0, parameters)",
        "Every step receives a0, so a⟨t⟩ never depends on the steps before t−1: each step "
        "must receive the hidden state a⟨t−1⟩ returned by the step before.",
    ),
    _m(
        "rnn_forward",
        "stores-a_prev",
        "a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)\n"
        "        a[:, :, t] = a_next",
        "a[:, :, t] = a_next\n"
        "        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)",
        "a[:, :, t] holds a⟨t−1⟩ instead of a⟨t⟩ (your first slice is a0): store the hidden "
        "state that the cell returns at step t.",
    ),
    _m(
        "rnn_forward",
        "input-off-by-one",
        "x[:, :, t]",
        "x[:, :, t - 1]",
        "Step t must read its own input x⟨t⟩, the slice t of x; your inputs are shifted by "
        "one step (the first step reads the last input).",
    ),
    _m(
        "rnn_forward",
        "caches-without-x",
        "caches = (caches, x)",
        "",
        "caches must be the pair (list of the per-step caches, x), which rnn_backward "
        "unpacks; you return the list alone.",
    ),
    _m(
        "rnn_forward",
        "sizes-swapped",
        'n_y, n_a = parameters["Wya"].shape',
        'n_a, n_y = parameters["Wya"].shape',
        "W_ya has shape (n_y, n_a): your a and y_pred were allocated with n_a and n_y "
        "swapped; check the order in which you unpack the shape.",
    ),
)

_RNN_CELL_BACKWARD = (
    _m(
        "rnn_cell_backward",
        "tanh-derivative-of-a_next",
        "(1 - a_next ** 2)",
        "(1 - np.tanh(a_next) ** 2)",
        "a_next already is tanh(W_ax x⟨t⟩ + W_aa a⟨t−1⟩ + b_a), so the derivative is "
        "1 − (a⟨t⟩)²; applying tanh to a_next again takes tanh twice.",
    ),
    _m(
        "rnn_cell_backward",
        "tanh-derivative-of-a_prev",
        "(1 - a_next ** 2)",
        "(1 - a_prev ** 2)",
        "The tanh derivative belongs to this step's output: 1 − (a⟨t⟩)² uses a_next, "
        "not the previous hidden state a_prev.",
    ),
    _m(
        "rnn_cell_backward",
        "sigmoid-derivative",
        "(1 - a_next ** 2)",
        "a_next * (1 - a_next)",
        "a⟨t⟩ comes from tanh, whose derivative is 1 − (a⟨t⟩)²; a⟨t⟩(1 − a⟨t⟩) is the "
        "derivative of the sigmoid.",
    ),
    _m(
        "rnn_cell_backward",
        "dba-wrong-axis",
        "np.sum(dtanh, axis=1, keepdims=True)",
        "np.sum(dtanh, axis=0, keepdims=True)",
        "db_a sums dtanh over the m examples (the columns, axis 1) and has shape (n_a, 1); "
        "you summed over the n_a hidden units instead.",
    ),
    _m(
        "rnn_cell_backward",
        "dba-no-keepdims",
        "np.sum(dtanh, axis=1, keepdims=True)",
        "np.sum(dtanh, axis=1)",
        "db_a must have the shape of b_a, (n_a, 1); summing over the examples drops that "
        "axis unless you ask numpy to keep it.",
    ),
    _m(
        "rnn_cell_backward",
        "Waa-not-transposed",
        "da_prev = Waa.T @ dtanh",
        "da_prev = Waa @ dtanh",
        "da_prev = W_aaᵀ · dtanh needs the transpose; W_aa is square, so the shapes fit and "
        "only the values are wrong.",
    ),
    _m(
        "rnn_cell_backward",
        "dWaa-from-a_next",
        "dtanh @ a_prev.T",
        "dtanh @ a_next.T",
        "dW_aa = dtanh · (a⟨t−1⟩)ᵀ: W_aa multiplies the previous hidden state a_prev, so "
        "a_prev (not a_next) appears in its gradient.",
    ),
)

_RNN_BACKWARD = (
    _m(
        "rnn_backward",
        "no-da_prevt-carry",
        "da[:, :, t] + da_prevt",
        "da[:, :, t]",
        "a⟨t⟩ also feeds step t+1: the gradient given to rnn_cell_backward at step t is "
        "da⟨t⟩ plus the da_prev that came back from step t+1.",
    ),
    _m(
        "rnn_backward",
        "carry-without-da",
        "rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])",
        "rnn_cell_backward(da_prevt, caches[t])",
        "You pass only the gradient carried back from step t+1: the gradient of a⟨t⟩ also "
        "includes this step's upstream gradient da⟨t⟩.",
    ),
    _m(
        "rnn_backward",
        "forward-iteration",
        "reversed(range(T_x))",
        "range(T_x)",
        "Backpropagation through time runs backwards: step t needs the gradient that comes "
        "back from step t+1, so go from t = T_x − 1 down to 0.",
    ),
    _m(
        "rnn_backward",
        "dWax-not-accumulated",
        'dWax += gradients["dWax"]',
        'dWax = gradients["dWax"]',
        "W_ax is shared by all time steps, so dW_ax is the sum of the per-step gradients; "
        "yours keeps only the last step's (assigned instead of added).",
    ),
    _m(
        "rnn_backward",
        "dba-not-accumulated",
        'dba += gradients["dba"]',
        'dba = gradients["dba"]',
        "b_a is shared by all time steps, so db_a is the sum of the per-step gradients; "
        "yours keeps only the last step's (assigned instead of added).",
    ),
    _m(
        "rnn_backward",
        "da0-from-da",
        "da0 = da_prevt",
        "da0 = da[:, :, 0]",
        "da0 is the gradient that flows out of the first step (its da_prev, after the loop), "
        "not the upstream gradient da⟨0⟩ given for the first hidden state.",
    ),
    _m(
        "rnn_backward",
        "mutates-da",
        "gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])",
        "da[:, :, t] += da_prevt\n        gradients = rnn_cell_backward(da[:, :, t], caches[t])",
        "Your gradients are right, but you add the carry into the caller's da in place; "
        "never write into an input array: build the sum as a new array.",
    ),
    _m(
        "rnn_backward",
        "cache-off-by-one",
        "caches[t])",
        "caches[t - 1])",
        "Step t must be differentiated with its own cache, caches[t]; yours are shifted by "
        "one step.",
    ),
    _m(
        "rnn_backward",
        "dba-flat",
        "dba = np.zeros((n_a, 1))",
        "dba = np.zeros(n_a)",
        "db_a has the shape of b_a, (n_a, 1); a flat accumulator of shape (n_a,) cannot take "
        "the (n_a, 1) gradient of each step.",
    ),
)

_LSTM_CELL_FORWARD = (
    _m(
        "lstm_cell_forward",
        "concat-order",
        "np.concatenate((a_prev, xt), axis=0)",
        "np.concatenate((xt, a_prev), axis=0)",
        "The gates read [a⟨t−1⟩; x⟨t⟩], previous hidden state on top; with x⟨t⟩ first the "
        "shapes still fit but every W multiplies the wrong rows.",
    ),
    _m(
        "lstm_cell_forward",
        "concat-axis",
        "np.concatenate((a_prev, xt), axis=0)",
        "np.concatenate((a_prev, xt), axis=1)",
        "[a⟨t−1⟩; x⟨t⟩] stacks the two arrays vertically (along the rows) into shape "
        "(n_a + n_x, m); check the axis of your concatenation.",
    ),
    _m(
        "lstm_cell_forward",
        "gates-f-i-swapped",
        "c_next = ft * c_prev + it * cct",
        "c_next = it * c_prev + ft * cct",
        "In c⟨t⟩ = Γ_f ∘ c⟨t−1⟩ + Γ_i ∘ c̃⟨t⟩ the forget gate scales the old cell state and "
        "the update gate the candidate; yours are swapped.",
    ),
    _m(
        "lstm_cell_forward",
        "output-gate-uses-Wf",
        "sigmoid(Wo @ concat + bo)",
        "sigmoid(Wf @ concat + bo)",
        "Each gate has its own weights: Γ_o = σ(W_o [a⟨t−1⟩; x⟨t⟩] + b_o), but your output "
        "gate uses W_f.",
    ),
    _m(
        "lstm_cell_forward",
        "a-without-output-gate",
        "a_next = ot * np.tanh(c_next)",
        "a_next = np.tanh(c_next)",
        "a⟨t⟩ = Γ_o ∘ tanh(c⟨t⟩): the output gate Γ_o is missing from your hidden state.",
    ),
    _m(
        "lstm_cell_forward",
        "a-without-tanh",
        "a_next = ot * np.tanh(c_next)",
        "a_next = ot * c_next",
        "a⟨t⟩ = Γ_o ∘ tanh(c⟨t⟩): squash the cell state with tanh before the output gate.",
    ),
    _m(
        "lstm_cell_forward",
        "candidate-sigmoid",
        "cct = np.tanh(",
        "cct = sigmoid(",
        "The candidate c̃⟨t⟩ = tanh(W_c [a⟨t−1⟩; x⟨t⟩] + b_c) lies in (−1, 1); the sigmoid "
        "is for the three gates.",
    ),
    _m(
        "lstm_cell_forward",
        "y-from-c",
        "softmax(Wy @ a_next + by)",
        "softmax(Wy @ c_next + by)",
        "ŷ⟨t⟩ = softmax(W_y a⟨t⟩ + b_y) uses the hidden state a⟨t⟩, not the cell state c⟨t⟩.",
    ),
)


_GATE_NAMES = {
    "f": ("ft", "Γ_f", "forget"),
    "i": ("it", "Γ_i", "update"),
    "o": ("ot", "Γ_o", "output"),
}


def _gate_with_tanh(gate: str) -> Mistake:
    variable, symbol, role = _GATE_NAMES[gate]
    return _m(
        "lstm_cell_forward",
        f"{role}-gate-tanh",
        f"{variable} = sigmoid(",
        f"{variable} = np.tanh(",
        f"Your {role} gate {symbol} takes negative values: a gate is a fraction between 0 and "
        f"1 of what it lets through, so it uses the sigmoid σ, not tanh: "
        f"{symbol} = σ(W_{gate} [a⟨t−1⟩; x⟨t⟩] + b_{gate}).",
    )


def _bias_missing(gate: str) -> Mistake:
    weight = f"W{gate} @ concat"
    if gate == "c":
        symbol, equation = "c̃⟨t⟩", "c̃⟨t⟩ = tanh(W_c [a⟨t−1⟩; x⟨t⟩] + b_c)"
        what = "the candidate c̃⟨t⟩"
    else:
        _, symbol, role = _GATE_NAMES[gate]
        equation = f"{symbol} = σ(W_{gate} [a⟨t−1⟩; x⟨t⟩] + b_{gate})"
        what = f"the {role} gate {symbol}"
    return _m(
        "lstm_cell_forward",
        f"b{gate}-missing",
        f"{weight} + b{gate})",
        f"{weight})",
        f"{what[0].upper()}{what[1:]} is right only when b_{gate} = 0: the bias b_{gate} is "
        f"missing from {equation}.",
    )


_LSTM_CELL_FORWARD_GATES = (
    *(_gate_with_tanh(gate) for gate in "fio"),
    *(_bias_missing(gate) for gate in "fico"),
    _m(
        "lstm_cell_forward",
        "output-gate-inside-tanh",
        "a_next = ot * np.tanh(c_next)",
        "a_next = np.tanh(ot * c_next)",
        "a⟨t⟩ = Γ_o ∘ tanh(c⟨t⟩): the output gate scales the squashed cell state; yours puts "
        "Γ_o inside the tanh.",
    ),
)

_LSTM_FORWARD = (
    _m(
        "lstm_forward",
        "c0-is-a0",
        "c_next = np.zeros((n_a, m))",
        "c_next = a0",
        "The cell state starts at zero, c⟨0⟩ = 0 (lstm_forward has no c0 argument); yours "
        "starts from the initial hidden state a0.",
    ),
    _m(
        "lstm_forward",
        "cell-state-not-carried",
        "lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)",
        "lstm_cell_forward(x[:, :, t], a_next, np.zeros((n_a, m)), parameters)",
        "Every step starts from a zero cell state, so the memory is never kept: pass each "
        "step the c⟨t−1⟩ returned by the step before.",
    ),
    _m(
        "lstm_forward",
        "hidden-state-not-carried",
        "lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)",
        "lstm_cell_forward(x[:, :, t], a0, c_next, parameters)",
        "Every step receives a0: each step must receive the hidden state a⟨t−1⟩ returned "
        "by the step before.",
    ),
    _m(
        "lstm_forward",
        "c-aliases-a",
        "c = np.zeros((n_a, m, T_x))",
        "c = a",
        "a and c are the same array in your code (assigning one name to the other copies "
        "no data), so writing c⟨t⟩ overwrites a⟨t⟩: allocate c on its own.",
    ),
    _m(
        "lstm_forward",
        "cell-outputs-unpacked-as-a-y-c",
        "a_next, c_next, yt, cache = ",
        "a_next, yt, c_next, cache = ",
        "lstm_cell_forward returns (a_next, c_next, yt_pred, cache), not the (a, y, c) order "
        "of lstm_forward: unpack its outputs in the order it returns them.",
    ),
    _m(
        "lstm_forward",
        "input-off-by-one",
        "x[:, :, t]",
        "x[:, :, t - 1]",
        "Step t must read its own input x⟨t⟩, the slice t of x; your inputs are shifted by "
        "one step (the first step reads the last input).",
    ),
)

_LSTM_CELL_BACKWARD = (
    _m(
        "lstm_cell_backward",
        "dc-ignores-da_next",
        "dc = dc_next + da_next * ot * (1 - tanh_c ** 2)",
        "dc = dc_next",
        "c⟨t⟩ also reaches the loss through a⟨t⟩ = Γ_o ∘ tanh(c⟨t⟩): its gradient is dc_next "
        "plus da_next ∘ Γ_o ∘ (1 − tanh²(c⟨t⟩)), and every gate gradient uses that sum.",
    ),
    _m(
        "lstm_cell_backward",
        "dc_prev-missing-path-through-a_next",
        "dc_prev = dc * ft",
        "dc_prev = dc_next * ft",
        "dc_prev must include the path through a_next: it is "
        "(dc_next + da_next ∘ Γ_o ∘ (1 − tanh²(c⟨t⟩))) ∘ Γ_f, not only dc_next ∘ Γ_f.",
    ),
    _m(
        "lstm_cell_backward",
        "tanh-derivative-of-c-unsquashed",
        "(1 - tanh_c ** 2)",
        "(1 - c_next ** 2)",
        "The derivative of tanh(c⟨t⟩) is 1 − tanh²(c⟨t⟩): c_next is the cell state itself, "
        "not its tanh (unlike cct, which already is a tanh).",
    ),
    _m(
        "lstm_cell_backward",
        "candidate-derivative-tanh-twice",
        "(1 - cct ** 2)",
        "(1 - np.tanh(cct) ** 2)",
        "cct already holds c̃⟨t⟩ = tanh(W_c [a⟨t−1⟩; x⟨t⟩] + b_c), so its derivative is "
        "1 − (c̃⟨t⟩)², without applying tanh again.",
    ),
    _m(
        "lstm_cell_backward",
        "dot-without-tanh",
        "dot = da_next * tanh_c * ot * (1 - ot)",
        "dot = da_next * c_next * ot * (1 - ot)",
        "dΓ_o = da_next ∘ tanh(c⟨t⟩) ∘ Γ_o ∘ (1 − Γ_o): a⟨t⟩ is Γ_o times tanh(c⟨t⟩), "
        "not times c⟨t⟩.",
    ),
    _m(
        "lstm_cell_backward",
        "dft-uses-c_next",
        "dc * c_prev * ft",
        "dc * c_next * ft",
        "Γ_f multiplies the previous cell state in c⟨t⟩ = Γ_f ∘ c⟨t−1⟩ + Γ_i ∘ c̃⟨t⟩, so "
        "dΓ_f uses c_prev, not c_next.",
    ),
    _m(
        "lstm_cell_backward",
        "dit-uses-c_prev",
        "dc * cct * it",
        "dc * c_prev * it",
        "Γ_i multiplies the candidate c̃⟨t⟩ in c⟨t⟩ = Γ_f ∘ c⟨t−1⟩ + Γ_i ∘ c̃⟨t⟩, so dΓ_i "
        "uses cct; c_prev belongs to the forget gate.",
    ),
    _m(
        "lstm_cell_backward",
        "weight-slices-swapped",
        "da_prev = dconcat[:n_a, :]\n    dxt = dconcat[n_a:, :]",
        "da_prev = dconcat[n_a:, :]\n    dxt = dconcat[:n_a, :]",
        "[a⟨t−1⟩; x⟨t⟩] has a⟨t−1⟩ in its first n_a rows: da_prev comes from the columns "
        "W[:, :n_a] and dxt from W[:, n_a:]; yours are swapped.",
    ),
    _m(
        "lstm_cell_backward",
        "concat-order",
        "np.concatenate((a_prev, xt), axis=0)",
        "np.concatenate((xt, a_prev), axis=0)",
        "The weight gradients use the same [a⟨t−1⟩; x⟨t⟩] as the forward pass, previous "
        "hidden state on top; with x⟨t⟩ first the columns of every dW are misplaced.",
    ),
    _m(
        "lstm_cell_backward",
        "dbf-no-keepdims",
        "np.sum(dft, axis=1, keepdims=True)",
        "np.sum(dft, axis=1)",
        "db_f must have the shape of b_f, (n_a, 1); summing over the examples drops that "
        "axis unless you ask numpy to keep it.",
    ),
    _m(
        "lstm_cell_backward",
        "dbo-wrong-axis",
        "np.sum(dot, axis=1, keepdims=True)",
        "np.sum(dot, axis=0, keepdims=True)",
        "db_o sums dΓ_o over the m examples (the columns, axis 1) and has shape (n_a, 1); "
        "you summed over the n_a units instead.",
    ),
    _m(
        "lstm_cell_backward",
        "output-gate-term-missing",
        " + Wo.T @ dot",
        "",
        "a⟨t−1⟩ and x⟨t⟩ feed all four gates, so da_prev and dxt add the contributions of "
        "Γ_f, Γ_i, c̃ and Γ_o; the output gate's term is missing.",
    ),
)


def _dc_prev_from(variable: str, symbol: str, role: str) -> Mistake:
    return _m(
        "lstm_cell_backward",
        f"dc_prev-through-{role}-gate",
        "dc_prev = dc * ft",
        f"dc_prev = dc * {variable}",
        f"Your dc_prev is scaled by the {role} gate {symbol}, but c⟨t−1⟩ enters "
        "c⟨t⟩ = Γ_f ∘ c⟨t−1⟩ + Γ_i ∘ c̃⟨t⟩ only through the forget gate Γ_f.",
    )


_LSTM_CELL_BACKWARD_GATES = (
    _dc_prev_from("it", "Γ_i", "update"),
    _dc_prev_from("ot", "Γ_o", "output"),
)

_LSTM_BACKWARD = (
    _m(
        "lstm_backward",
        "no-dc_prevt-carry",
        'dc_prevt = gradients["dc_prev"]',
        "",
        "The cell state c⟨t⟩ also feeds step t+1: pass the dc_prev returned by step t+1 as "
        "dc_next of step t (yours stays zero).",
    ),
    _m(
        "lstm_backward",
        "no-da_prevt-carry",
        "da[:, :, t] + da_prevt",
        "da[:, :, t]",
        "a⟨t⟩ also feeds step t+1: the da_next of step t is da⟨t⟩ plus the da_prev that "
        "came back from step t+1.",
    ),
    _m(
        "lstm_backward",
        "forward-iteration",
        "reversed(range(T_x))",
        "range(T_x)",
        "Backpropagation through time runs backwards: step t needs the gradients that come "
        "back from step t+1, so go from t = T_x − 1 down to 0.",
    ),
    _m(
        "lstm_backward",
        "dWf-not-accumulated",
        'dWf += gradients["dWf"]',
        'dWf = gradients["dWf"]',
        "W_f is shared by all time steps, so dW_f is the sum of the per-step gradients; "
        "yours keeps only the last step's (assigned instead of added).",
    ),
    _m(
        "lstm_backward",
        "mutates-da",
        "gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])",
        "da[:, :, t] += da_prevt\n"
        "        gradients = lstm_cell_backward(da[:, :, t], dc_prevt, caches[t])",
        "Your gradients are right, but you add the carry into the caller's da in place; "
        "never write into an input array: build the sum as a new array.",
    ),
    _m(
        "lstm_backward",
        "da-dc-arguments-swapped",
        "lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])",
        "lstm_cell_backward(dc_prevt, da[:, :, t] + da_prevt, caches[t])",
        "lstm_cell_backward takes (da_next, dc_next, cache): the hidden-state gradient comes "
        "first, the cell-state gradient second.",
    ),
    _m(
        "lstm_backward",
        "da0-from-dc",
        "da0 = da_prevt",
        "da0 = dc_prevt",
        "da0 is the hidden-state gradient that flows out of the first step (its da_prev), "
        "not the cell-state gradient dc_prev.",
    ),
)

MISTAKES: tuple[Mistake, ...] = (
    *_RNN_CELL_FORWARD,
    *_RNN_FORWARD,
    *_RNN_CELL_BACKWARD,
    *_RNN_BACKWARD,
    *_LSTM_CELL_FORWARD,
    *_LSTM_CELL_FORWARD_GATES,
    *_LSTM_FORWARD,
    *_LSTM_CELL_BACKWARD,
    *_LSTM_CELL_BACKWARD_GATES,
    *_LSTM_BACKWARD,
)
