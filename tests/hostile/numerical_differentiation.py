"""Backward functions "implemented" without backpropagation, by differentiating a forward pass.

Each code string is a complete replacement of one solution cell of the notebook: it
defines exactly the graded function, plus private helpers whose names start with that
function's name (cells share one namespace, so helpers of different cells must not
collide). It relies only on `np` (the notebook's imports cell: `import numpy as np`,
`from course import sigmoid, softmax`) and, for the real-valued mechanisms, on the
student's forward functions `rnn_cell_forward`, `rnn_forward`, `lstm_cell_forward` and
`lstm_forward` defined in the same namespace. No cell changes its arguments.

The loss whose gradient a backward function returns is L = Σ out ⊙ upstream, where `out`
is what the upstream gradients are gradients of: a_next (and c_next) for the cells, the
hidden states `a` for the sequences (lstm_forward starts from c<0> = 0). Every input
element is nudged in turn.

Mechanisms (keys of NUMERICAL_BACKWARD):
  central      (L(θ + h) - L(θ - h)) / (2h), h = CENTRAL_STEP: truncation error O(h²),
               round-off O(ulp / h); h near ulp^(1/3) balances them (about 1e-10).
  richardson   central differences at h, h/2, ..., h/2^(L-1) (h = RICHARDSON_STEP, a
               power of 2, L = RICHARDSON_LEVELS) combined by Richardson extrapolation:
               truncation error O(h^(2L)), round-off O(ulp / smallest step). This is what
               a cheater tuning for accuracy would write. The smallest step decides the
               round-off floor: 2^-7 (here) gives the smallest errors, about 2e-14 at
               best; 2^-8 (RICHARDSON_STEP = 2^-4) is more even across cases (<= 5e-13).
  richardson-longdouble
               the same in np.longdouble (x87 80-bit on x86-64 Linux: ulp 1.1e-19),
               from h = LONGDOUBLE_STEP, rounded to float64 at the end: the round-off
               floor drops below float64's own. (Where np.longdouble is float64, as on
               Windows, this is plain `richardson` with another step.)
  complex-step Im L(θ + i·1e-30) / 1e-30: no subtraction, so no cancellation; the result
               is exact up to round-off, like backpropagation.

The course's sigmoid casts to float, so the last two mechanisms carry their own forward
pass, written once for any dtype (it leaves out the softmax: no gradient flows through
it). The real-valued ones call the student's forward pass.

Each L(θ ± h) difference is summed as Σ (out₊ - out₋) ⊙ upstream (outputs the nudge
cannot reach cancel exactly) and divided by the step actually taken, (θ + h) - (θ - h).
"""

from __future__ import annotations

# Steps tuned on hidden-like cases (sizes 2..7, T_x 2..5) for the smallest errors.
CENTRAL_STEP = 2.0**-18  # ≈ 3.8e-6
RICHARDSON_STEP = 2.0**-3  # steps 1/8 ... 1/128: error O(h^10) + O(ulp / (h/16))
RICHARDSON_LEVELS = 5
LONGDOUBLE_STEP = 2.0**-4  # steps 1/16 ... 1/256
COMPLEX_STEP = 1e-30

BACKWARD_FUNCTIONS = ("rnn_cell_backward", "rnn_backward", "lstm_cell_backward", "lstm_backward")

# ---- helpers: {name}_slopes(outputs, inputs, upstreams) -> {input name: dL/d input} ----
# outputs() reads the arrays of `inputs` (perturbed in place, restored to their exact bits)
# and returns a list of arrays, one per upstream gradient.


def _central_helper(name: str) -> str:
    return f'''
def _{name}_slopes(outputs, inputs, upstreams):
    """dL/d input by central differences, L = sum of outputs() * upstreams."""
    slopes = {{}}
    for key, x in inputs.items():
        slope = np.zeros(x.shape)
        for index in np.ndindex(x.shape):
            original = x[index]
            x[index] = original + {CENTRAL_STEP!r}
            plus, out_plus = x[index], outputs()
            x[index] = original - {CENTRAL_STEP!r}
            minus, out_minus = x[index], outputs()
            x[index] = original
            change = sum(
                np.sum((p - q) * u) for p, q, u in zip(out_plus, out_minus, upstreams)
            )
            slope[index] = change / (plus - minus)
        slopes[key] = slope
    return slopes
'''


def _richardson_helper(name: str, step: float, levels: int) -> str:
    return f'''
def _{name}_slopes(outputs, inputs, upstreams):
    """dL/d input by central differences at steps h, h/2, ..., Richardson-extrapolated."""
    slopes = {{}}
    for key, x in inputs.items():
        slope = np.zeros(x.shape)
        for index in np.ndindex(x.shape):
            original = x[index]
            table = []
            for level in range({levels}):
                step = {step!r} / 2 ** level
                x[index] = original + step
                plus, out_plus = x[index], outputs()
                x[index] = original - step
                minus, out_minus = x[index], outputs()
                x[index] = original
                change = sum(
                    np.sum((p - q) * u) for p, q, u in zip(out_plus, out_minus, upstreams)
                )
                row = [change / (plus - minus)]
                for j in range(1, level + 1):
                    row.append(row[j - 1] + (row[j - 1] - table[-1][j - 1]) / (4 ** j - 1))
                table.append(row)
            slope[index] = table[-1][-1]
        slopes[key] = slope
    return slopes
'''


def _complex_helper(name: str) -> str:
    return f'''
def _{name}_slopes(outputs, inputs, upstreams):
    """dL/d input by the complex step: Im L(x + ih) / h; `inputs` are complex arrays."""
    slopes = {{}}
    for key, x in inputs.items():
        slope = np.zeros(x.shape)
        for index in np.ndindex(x.shape):
            original = x[index]
            x[index] = original + {COMPLEX_STEP!r}j
            change = sum(np.sum(o.imag * u) for o, u in zip(outputs(), upstreams))
            x[index] = original
            slope[index] = change / {COMPLEX_STEP!r}
        slopes[key] = slope
    return slopes
'''


# ---- the graded functions, calling the student's forward pass (real mechanisms) ----

_REAL_BODIES = {
    "rnn_cell_backward": """
def rnn_cell_backward(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    inputs = {"xt": xt, "a_prev": a_prev, "Wax": parameters["Wax"],
              "Waa": parameters["Waa"], "ba": parameters["ba"]}
    inputs = {key: np.array(value, dtype=float) for key, value in inputs.items()}
    nudged = {key: np.array(value, dtype=float) for key, value in parameters.items()}
    nudged.update({key: inputs[key] for key in ("Wax", "Waa", "ba")})

    def outputs():
        return [rnn_cell_forward(inputs["xt"], inputs["a_prev"], nudged)[0]]

    g = _rnn_cell_backward_slopes(outputs, inputs, [da_next])
    return {"dxt": g["xt"], "da_prev": g["a_prev"], "dWax": g["Wax"], "dWaa": g["Waa"],
            "dba": g["ba"]}
""",
    "rnn_backward": """
def rnn_backward(da, caches):
    (cells, x) = caches
    (a1, a0, x1, parameters) = cells[0]
    inputs = {"x": x, "a0": a0, "Wax": parameters["Wax"], "Waa": parameters["Waa"],
              "ba": parameters["ba"]}
    inputs = {key: np.array(value, dtype=float) for key, value in inputs.items()}
    nudged = {key: np.array(value, dtype=float) for key, value in parameters.items()}
    nudged.update({key: inputs[key] for key in ("Wax", "Waa", "ba")})

    def outputs():
        return [rnn_forward(inputs["x"], inputs["a0"], nudged)[0]]

    g = _rnn_backward_slopes(outputs, inputs, [da])
    return {"dx": g["x"], "da0": g["a0"], "dWax": g["Wax"], "dWaa": g["Waa"], "dba": g["ba"]}
""",
    "lstm_cell_backward": """
def lstm_cell_backward(da_next, dc_next, cache):
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
    names = ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo")
    inputs = {"xt": xt, "a_prev": a_prev, "c_prev": c_prev}
    inputs.update({key: parameters[key] for key in names})
    inputs = {key: np.array(value, dtype=float) for key, value in inputs.items()}
    nudged = {key: np.array(value, dtype=float) for key, value in parameters.items()}
    nudged.update({key: inputs[key] for key in names})

    def outputs():
        out = lstm_cell_forward(inputs["xt"], inputs["a_prev"], inputs["c_prev"], nudged)
        return [out[0], out[1]]

    g = _lstm_cell_backward_slopes(outputs, inputs, [da_next, dc_next])
    gradients = {"dxt": g["xt"], "da_prev": g["a_prev"], "dc_prev": g["c_prev"]}
    gradients.update({"d" + key: g[key] for key in names})
    return gradients
""",
    "lstm_backward": """
def lstm_backward(da, caches):
    (cells, x) = caches
    (a1, c1, a0, c0, f1, i1, cc1, o1, x1, parameters) = cells[0]
    names = ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo")
    inputs = {"x": x, "a0": a0}
    inputs.update({key: parameters[key] for key in names})
    inputs = {key: np.array(value, dtype=float) for key, value in inputs.items()}
    nudged = {key: np.array(value, dtype=float) for key, value in parameters.items()}
    nudged.update({key: inputs[key] for key in names})

    def outputs():
        return [lstm_forward(inputs["x"], inputs["a0"], nudged)[0]]

    g = _lstm_backward_slopes(outputs, inputs, [da])
    gradients = {"dx": g["x"], "da0": g["a0"]}
    gradients.update({"d" + key: g[key] for key in names})
    return gradients
""",
}


# ---- the cell's own forward pass, for arrays of dtype DTYPE (complex or np.longdouble) ----

_LOCAL_BODIES = {
    "rnn_cell_backward": """
def rnn_cell_backward(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    inputs = {"xt": xt, "a_prev": a_prev, "Wax": parameters["Wax"],
              "Waa": parameters["Waa"], "ba": parameters["ba"]}
    p = {key: np.array(value, dtype=DTYPE) for key, value in inputs.items()}

    def outputs():
        return [np.tanh(p["Wax"] @ p["xt"] + p["Waa"] @ p["a_prev"] + p["ba"])]

    g = _rnn_cell_backward_slopes(outputs, p, [da_next])
    return {"dxt": g["xt"], "da_prev": g["a_prev"], "dWax": g["Wax"], "dWaa": g["Waa"],
            "dba": g["ba"]}
""",
    "rnn_backward": """
def rnn_backward(da, caches):
    (cells, x) = caches
    (a1, a0, x1, parameters) = cells[0]
    inputs = {"x": x, "a0": a0, "Wax": parameters["Wax"], "Waa": parameters["Waa"],
              "ba": parameters["ba"]}
    p = {key: np.array(value, dtype=DTYPE) for key, value in inputs.items()}

    def outputs():
        a = np.zeros(da.shape, dtype=DTYPE)
        a_next = p["a0"]
        for t in range(da.shape[2]):
            a_next = np.tanh(p["Wax"] @ p["x"][:, :, t] + p["Waa"] @ a_next + p["ba"])
            a[:, :, t] = a_next
        return [a]

    g = _rnn_backward_slopes(outputs, p, [da])
    return {"dx": g["x"], "da0": g["a0"], "dWax": g["Wax"], "dWaa": g["Waa"], "dba": g["ba"]}
""",
    "lstm_cell_backward": '''
def _lstm_cell_backward_step(p, xt, a_prev, c_prev):
    """One LSTM step without the course's sigmoid (it casts to float): (a_next, c_next)."""
    concat = np.concatenate((a_prev, xt), axis=0)
    ft = 1 / (1 + np.exp(-(p["Wf"] @ concat + p["bf"])))
    it = 1 / (1 + np.exp(-(p["Wi"] @ concat + p["bi"])))
    cct = np.tanh(p["Wc"] @ concat + p["bc"])
    ot = 1 / (1 + np.exp(-(p["Wo"] @ concat + p["bo"])))
    c_next = ft * c_prev + it * cct
    return ot * np.tanh(c_next), c_next


def lstm_cell_backward(da_next, dc_next, cache):
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
    names = ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo")
    inputs = {"xt": xt, "a_prev": a_prev, "c_prev": c_prev}
    inputs.update({key: parameters[key] for key in names})
    p = {key: np.array(value, dtype=DTYPE) for key, value in inputs.items()}

    def outputs():
        return list(_lstm_cell_backward_step(p, p["xt"], p["a_prev"], p["c_prev"]))

    g = _lstm_cell_backward_slopes(outputs, p, [da_next, dc_next])
    gradients = {"dxt": g["xt"], "da_prev": g["a_prev"], "dc_prev": g["c_prev"]}
    gradients.update({"d" + key: g[key] for key in names})
    return gradients
''',
    "lstm_backward": '''
def _lstm_backward_step(p, xt, a_prev, c_prev):
    """One LSTM step without the course's sigmoid (it casts to float): (a_next, c_next)."""
    concat = np.concatenate((a_prev, xt), axis=0)
    ft = 1 / (1 + np.exp(-(p["Wf"] @ concat + p["bf"])))
    it = 1 / (1 + np.exp(-(p["Wi"] @ concat + p["bi"])))
    cct = np.tanh(p["Wc"] @ concat + p["bc"])
    ot = 1 / (1 + np.exp(-(p["Wo"] @ concat + p["bo"])))
    c_next = ft * c_prev + it * cct
    return ot * np.tanh(c_next), c_next


def lstm_backward(da, caches):
    (cells, x) = caches
    (a1, c1, a0, c0, f1, i1, cc1, o1, x1, parameters) = cells[0]
    names = ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo")
    inputs = {"x": x, "a0": a0}
    inputs.update({key: parameters[key] for key in names})
    p = {key: np.array(value, dtype=DTYPE) for key, value in inputs.items()}

    def outputs():
        a = np.zeros(da.shape, dtype=DTYPE)
        a_next, c_next = p["a0"], np.zeros(p["a0"].shape, dtype=DTYPE)
        for t in range(da.shape[2]):
            a_next, c_next = _lstm_backward_step(p, p["x"][:, :, t], a_next, c_next)
            a[:, :, t] = a_next
        return [a]

    g = _lstm_backward_slopes(outputs, p, [da])
    gradients = {"dx": g["x"], "da0": g["a0"]}
    gradients.update({"d" + key: g[key] for key in names})
    return gradients
''',
}


def _cell(helper: str, body: str) -> str:
    return helper.strip("\n") + "\n\n\n" + body.strip("\n") + "\n"


def _local(function: str, dtype: str) -> str:
    return _LOCAL_BODIES[function].replace("DTYPE", dtype)


NUMERICAL_BACKWARD: dict[str, dict[str, str]] = {
    "central": {f: _cell(_central_helper(f), _REAL_BODIES[f]) for f in BACKWARD_FUNCTIONS},
    "richardson": {
        f: _cell(_richardson_helper(f, RICHARDSON_STEP, RICHARDSON_LEVELS), _REAL_BODIES[f])
        for f in BACKWARD_FUNCTIONS
    },
    "richardson-longdouble": {
        f: _cell(
            _richardson_helper(f, LONGDOUBLE_STEP, RICHARDSON_LEVELS), _local(f, "np.longdouble")
        )
        for f in BACKWARD_FUNCTIONS
    },
    "complex-step": {
        f: _cell(_complex_helper(f), _local(f, "complex")) for f in BACKWARD_FUNCTIONS
    },
}
"""mechanism -> graded backward function -> the code of its whole solution cell."""
