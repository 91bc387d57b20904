"""Diagrams of the basic RNN: one cell, the unrolled forward pass, and their backward passes.

Notation (the course's): x⟨t⟩ (n_x, m) is the input at step t, a⟨t⟩ (n_a, m) the hidden
state, ŷ⟨t⟩ (n_y, m) the prediction; m examples sit in the columns; T_x steps.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from course.figures.drawing import (
    CELL_FILL,
    FORWARD,
    GRADIENT,
    LABEL_SIZE,
    MUTED,
    PARAM_GRADIENT,
    SMALL_SIZE,
    TANH_FILL,
    TEXT_SIZE,
    UNROLLED_CELL,
    UNROLLED_WIDTH,
    UNROLLED_X,
    WIRE,
    Row,
    arrow,
    at,
    box,
    canvas,
    color_key,
    dot,
    equation_panel,
    label,
    node,
    region,
    sym,
    title,
    wire,
)

# mathtext fragments (no dollars), and the same as stand-alone labels (with dollars)
a_t, a_prev, x_t, y_t = at("a"), at("a", "t-1"), at("x"), at(r"\hat{y}")
A_T, A_PREV, X_T, Y_T = (f"${s}$" for s in (a_t, a_prev, x_t, y_t))


def draw_rnn_cell() -> Figure:
    """One RNN cell (step t): a⟨t-1⟩ and x⟨t⟩ in, a⟨t⟩ out, and the softmax branch to ŷ⟨t⟩.

    A box holding a matrix multiplies its input by it; a circle adds elementwise.
    Every value and parameter carries its shape (in grey); the two forward equations
    are written under the diagram.
    """
    fig, ax = canvas(14.0, 11.6)
    title(ax, (7.0, 11.1), "RNN cell: one time step $t$")
    cell = region(ax, (2.0, 3.6), (8.9, 6.2), name="rnn_cell_forward")

    y_a = 5.9  # the horizontal line a⟨t-1⟩ → a⟨t⟩
    w_aa = box(ax, (3.8, y_a), (1.5, 1.0), "$W_{aa}$", caption=r"$(n_a, n_a)$")
    plus_a = node(ax, (5.6, y_a), "add")
    w_ax = box(ax, (5.6, 4.55), (1.5, 1.0), "$W_{ax}$", caption=r"$(n_a, n_x)$")
    tanh = box(ax, (7.25, y_a), (1.2, 0.8), r"$\tanh$", fill=TANH_FILL)
    x_branch = 9.0
    w_ya = box(ax, (x_branch, 7.0), (1.5, 1.0), "$W_{ya}$", caption=r"$(n_y, n_a)$")
    plus_y = node(ax, (x_branch, 8.05), "add")
    softmax = box(ax, (x_branch, 8.95), (1.8, 0.7), "softmax", fill=TANH_FILL, fontsize=TEXT_SIZE)

    label(ax, (1.0, y_a + 0.2), A_PREV, shape=r"$(n_a, m)$")
    arrow(ax, [(1.6, y_a), w_aa.left])
    arrow(ax, [w_aa.right, plus_a.left])
    label(ax, (w_ax.x - 0.55, 2.95), X_T, ha="right")
    label(ax, (w_ax.x + 0.2, 2.95), r"$(n_x, m)$", ha="left", fontsize=SMALL_SIZE, color=MUTED)
    arrow(ax, [(w_ax.x, 2.75), w_ax.bottom])
    arrow(ax, [w_ax.top, plus_a.bottom])
    label(ax, (plus_a.x, 7.3), "$b_a$")
    label(ax, (plus_a.x + 0.35, 7.3), r"$(n_a, 1)$", ha="left", fontsize=SMALL_SIZE, color=MUTED)
    arrow(ax, [(plus_a.x, 7.0), plus_a.top])
    arrow(ax, [plus_a.right, tanh.left])
    arrow(ax, [tanh.right, (cell.right[0] + 0.9, y_a)])
    label(ax, (cell.right[0] + 1.5, y_a + 0.2), A_T, shape=r"$(n_a, m)$")
    dot(ax, (x_branch, y_a))
    arrow(ax, [(x_branch, y_a), w_ya.bottom])
    arrow(ax, [w_ya.top, plus_y.bottom])
    label(ax, (x_branch + 1.0, plus_y.y + 0.2), "$b_y$", ha="left", shape=r"$(n_y, 1)$")
    arrow(ax, [(x_branch + 0.95, plus_y.y), plus_y.right])
    arrow(ax, [plus_y.top, softmax.bottom])
    arrow(ax, [softmax.top, (x_branch, 10.4)])
    label(ax, (x_branch + 0.35, 10.25), Y_T, ha="left")
    label(ax, (x_branch + 1.2, 10.25), r"$(n_y, m)$", ha="left", fontsize=SMALL_SIZE, color=MUTED)

    equation_panel(
        ax,
        (0.5, 0.35),
        (13.0, 2.2),
        [
            Row(A_T, rf"$\tanh(W_{{ax}}{x_t} + W_{{aa}}{a_prev} + b_a)$"),
            Row(Y_T, rf"$\mathrm{{softmax}}(W_{{ya}}{a_t} + b_y)$"),
        ],
        equals_at=1.7,
        fontsize=LABEL_SIZE,
    )
    label(
        ax,
        (13.1, 1.45),
        "box: multiply by the matrix\ncircle: add elementwise\n$m$ examples = columns",
        ha="right",
        fontsize=SMALL_SIZE,
        color=MUTED,
    )
    return fig


def draw_rnn_forward() -> Figure:
    """The RNN unrolled over T_x steps: a⟨0⟩ → cell → a⟨1⟩ → … → a⟨T_x⟩.

    x⟨t⟩ enters each cell from below and ŷ⟨t⟩ leaves from above; every cell is the same
    rnn_cell_forward with the same parameters.
    """
    fig, ax = canvas(UNROLLED_WIDTH, 8.6)
    mid = UNROLLED_WIDTH / 2
    title(ax, (mid, 8.1), r"RNN forward pass, unrolled over $T_x$ steps")
    y, h = 4.3, 1.9
    params = "$W_{ax}, W_{aa}, b_a$\n$W_{ya}, b_y$"
    cells = []
    for t, x in zip(("1", "2", "T_x"), UNROLLED_X, strict=True):  # steps shown
        cell = box(
            ax, (x, y), (UNROLLED_CELL, h), "RNN cell", caption=params, fill=CELL_FILL, edge=FORWARD
        )
        cells.append(cell)
        arrow(ax, [(x, 2.3), cell.bottom])
        label(ax, (x, 1.95), sym("x", t))
        arrow(ax, [cell.top, (x, 6.3)])
        label(ax, (x, 6.7), sym(r"\hat{y}", t))

    left = [c.left[0] for c in cells]
    right = [c.right[0] for c in cells]
    label(ax, (0.6, y + 0.3), sym("a", "0"), shape=r"$(n_a, m)$")
    arrow(ax, [(1.15, y), (left[0], y)])
    arrow(ax, [(right[0], y), (left[1], y)])
    label(ax, ((right[0] + left[1]) / 2, y + 0.35), sym("a", "1"))
    arrow(ax, [(right[1], y), (right[1] + 1.0, y)])
    label(ax, (right[1] + 0.5, y + 0.35), sym("a", "2"))
    label(ax, (right[1] + 1.45, y), r"$\cdots$", fontsize=LABEL_SIZE + 4)
    arrow(ax, [(left[2] - 1.1, y), (left[2], y)])
    label(ax, (left[2] - 0.55, y + 0.35), sym("a", "T_x-1"))
    arrow(ax, [(right[2], y), (right[2] + 0.7, y)])
    label(ax, (right[2] + 1.15, y + 0.3), sym("a", "T_x"), shape=r"$(n_a, m)$")

    label(
        ax,
        (mid, 0.95),
        "The same parameters are shared by every step: one set of weights, applied $T_x$ times.",
        fontsize=TEXT_SIZE,
    )
    label(
        ax,
        (mid, 0.35),
        r"$x$: $(n_x, m, T_x)$,  $a$: $(n_a, m, T_x)$,  $\hat{y}$: $(n_y, m, T_x)$;"
        r"   in numpy, step $t$ is x[:, :, t-1]",
        fontsize=SMALL_SIZE,
        color=MUTED,
    )
    return fig


def draw_rnn_cell_backward() -> Figure:
    """The backward pass of one RNN cell: da_next in; dx⟨t⟩, da_prev and the parameter
    gradients out.

    The forward wiring is grey; red arrows carry gradients backward, dashed orange ones
    the gradients of the parameters. The equations of rnn_cell_backward are underneath.
    """
    fig, ax = canvas(14.0, 13.0)
    title(ax, (7.0, 12.5), "RNN cell, backward pass: rnn_cell_backward")
    color_key(
        ax,
        11.75,
        [
            (1.6, WIRE, "forward wiring", False),
            (5.0, GRADIENT, "gradient", False),
            (8.2, PARAM_GRADIENT, "parameter gradient", True),
        ],
    )
    region(ax, (2.2, 5.9), (8.3, 4.9), name="step $t$")

    y_a = 8.3
    grey = {"edge": WIRE}
    w_aa = box(ax, (4.0, y_a), (1.5, 0.9), "$W_{aa}$", **grey)
    plus_a = node(ax, (6.0, y_a), "add", color=WIRE)
    w_ax = box(ax, (6.0, 6.75), (1.5, 0.9), "$W_{ax}$", **grey)
    tanh = box(ax, (8.2, y_a), (1.3, 0.8), r"$\tanh$", fill=TANH_FILL, **grey)
    wire(ax, [(plus_a.x, 9.7), plus_a.top])
    label(ax, (plus_a.x, 10.0), "$b_a$", color=MUTED, fontsize=TEXT_SIZE)

    # gradients of values (red), right to left
    arrow(ax, [(12.1, y_a), tanh.right], color=GRADIENT)
    label(ax, (12.2, y_a + 0.7), sym("a"), color=MUTED, fontsize=TEXT_SIZE, ha="left")
    label(ax, (12.2, y_a), "$da_{next}$", color=GRADIENT, ha="left", shape=r"$(n_a, m)$")
    arrow(ax, [tanh.left, plus_a.right], color=GRADIENT)
    label(
        ax,
        (6.4, y_a - 0.7),
        rf"$dz = (1 - ({a_t})^2) \odot da_{{next}}$",
        color=GRADIENT,
        fontsize=TEXT_SIZE,
        ha="left",
    )
    arrow(ax, [plus_a.left, w_aa.right], color=GRADIENT)
    arrow(ax, [w_aa.left, (0.9, y_a)], color=GRADIENT)
    label(ax, (0.5, y_a + 0.7), A_PREV, color=MUTED, fontsize=TEXT_SIZE, ha="left")
    label(ax, (0.5, y_a - 0.45), "$da_{prev}$", color=GRADIENT, ha="left", shape=r"$(n_a, m)$")
    arrow(ax, [plus_a.bottom, w_ax.top], color=GRADIENT)
    arrow(ax, [w_ax.bottom, (w_ax.x, 5.25)], color=GRADIENT)
    label(ax, (w_ax.x - 0.3, 5.5), X_T, color=MUTED, fontsize=TEXT_SIZE, ha="right")
    label(ax, (w_ax.x + 0.3, 5.5), f"$d{x_t}$", color=GRADIENT, ha="left")
    label(ax, (w_ax.x + 1.15, 5.5), r"$(n_x, m)$", color=MUTED, fontsize=SMALL_SIZE, ha="left")

    # gradients of the parameters (orange)
    arrow(ax, [w_aa.top, (w_aa.x, 9.7)], color=PARAM_GRADIENT, dashed=True)
    label(ax, (w_aa.x, 10.0), "$dW_{aa}$", color=PARAM_GRADIENT)
    arrow(ax, [w_ax.right, (8.6, w_ax.y)], color=PARAM_GRADIENT, dashed=True)
    label(ax, (8.7, w_ax.y), "$dW_{ax}$", color=PARAM_GRADIENT, ha="left")
    diagonal = plus_a.r * 0.7071  # leave the node at 45°, beside the b_a wire
    arrow(
        ax,
        [(plus_a.x + diagonal, y_a + diagonal), (plus_a.x + 1.0, 9.7)],
        color=PARAM_GRADIENT,
        dashed=True,
    )
    label(ax, (plus_a.x + 1.0, 10.0), "$db_a$", color=PARAM_GRADIENT)

    equation_panel(
        ax,
        (0.4, 0.35),
        (13.2, 4.3),
        [
            Row(r"$dz$", rf"$(1 - ({a_t})^2) \odot da_{{next}}$", r"$(n_a, m)$"),
            Row(f"$d{x_t}$", r"$W_{ax}^T\, dz$", r"$(n_x, m)$, returned as 'dxt'"),
            Row("$da_{prev}$", r"$W_{aa}^T\, dz$", r"$(n_a, m)$"),
            Row("$dW_{ax}$", rf"$dz\, ({x_t})^T$", r"$(n_a, n_x)$", PARAM_GRADIENT),
            Row("$dW_{aa}$", rf"$dz\, ({a_prev})^T$", r"$(n_a, n_a)$", PARAM_GRADIENT),
            Row(
                "$db_a$",
                r"$dz$ summed over the $m$ examples",
                r"$(n_a, 1)$: keep the dims",
                PARAM_GRADIENT,
            ),
        ],
        equals_at=2.0,
        note_at=8.6,
        heading=rf"Gradients, from the forward cache (${a_t}$, ${a_prev}$, ${x_t}$, parameters)",
        color=GRADIENT,
    )
    return fig


def draw_rnn_backward() -> Figure:
    """Backpropagation through time over the unrolled RNN (rnn_backward).

    At each step t the gradient entering the cell is da_out⟨t⟩ (from its prediction) plus
    da_prev carried back from step t+1 (zero after the last step); each step emits dx⟨t⟩,
    and the parameter gradients of all steps are summed.
    """
    width = 14.5
    mid = width / 2
    fig, ax = canvas(width, 10.2)
    title(
        ax,
        (mid, 9.7),
        "Backpropagation through time: rnn_backward",
        subtitle=r"the total gradient entering step $t$ = $da_{out}^{\langle t\rangle}$ from its"
        r" prediction + $da_{prev}$ carried back from step $t+1$",
    )
    y, w, h = 5.4, 1.9, 1.9
    steps = [("1", 2.35), ("2", 6.05), ("T_x", 11.0)]
    cells, joins = [], []
    for t, x in steps:
        cell = box(ax, (x, y), (w, h), "RNN cell", caption="backward", edge=GRADIENT)
        join = node(ax, (cell.right[0] + 0.55, y), "add", color=GRADIENT)
        cells.append(cell)
        joins.append(join)
        arrow(ax, [join.left, cell.right], color=GRADIENT)
        arrow(ax, [(join.x, 7.3), join.top], color=GRADIENT)
        label(ax, (join.x, 7.65), rf"$da_{{out}}^{{\langle {t}\rangle}}$", color=GRADIENT)
        arrow(ax, [cell.bottom, (x, 3.35)], color=GRADIENT)
        label(ax, (x, 3.0), f"$d{at('x', t)}$", color=GRADIENT)
        arrow(
            ax,
            [cell.at_bottom(w / 2 - 0.25), (x + w / 2 - 0.25, 2.0)],
            color=PARAM_GRADIENT,
            dashed=True,
        )

    def carry(start: tuple[float, float], end: tuple[float, float]) -> None:
        arrow(ax, [start, end], color=GRADIENT)
        label(
            ax,
            ((start[0] + end[0]) / 2, y - 0.4),
            "$da_{prev}$",
            color=GRADIENT,
            fontsize=TEXT_SIZE,
        )

    carry(cells[1].left, joins[0].right)
    carry((joins[1].right[0] + 0.95, y), joins[1].right)
    label(ax, (joins[1].right[0] + 1.3, y), r"$\cdots$", fontsize=LABEL_SIZE + 4, color=GRADIENT)
    arrow(ax, [cells[2].left, (joins[1].right[0] + 1.65, y)], color=GRADIENT)
    arrow(ax, [(joins[2].x + 1.15, y), joins[2].right], color=GRADIENT)
    label(ax, (joins[2].x + 1.25, y + 0.45), "$0$", color=GRADIENT)
    label(
        ax,
        (joins[2].x + 0.8, y - 0.8),
        "nothing after\nstep $T_x$",
        color=MUTED,
        fontsize=SMALL_SIZE,
    )
    arrow(ax, [cells[0].left, (0.35, y)], color=GRADIENT)
    label(ax, (0.55, y + 0.45), sym("da", "0"), color=GRADIENT)
    label(ax, (0.8, y - 0.8), "returned\nas 'da0'", color=MUTED, fontsize=SMALL_SIZE)
    label(
        ax, (mid, 8.2), "from each step's prediction: da[:, :, t]", color=MUTED, fontsize=SMALL_SIZE
    )

    box(
        ax,
        (mid, 1.45),
        (13.4, 1.1),
        r"$dW_{ax},\ dW_{aa},\ db_a$ = the sum over $t = 1, \ldots, T_x$ of every step's"
        " parameter gradients",
        edge=PARAM_GRADIENT,
        color=PARAM_GRADIENT,
        fontsize=TEXT_SIZE,
    )
    label(
        ax,
        (mid, 0.35),
        r"$da$ and $dx$ hold all steps: $da$: $(n_a, m, T_x)$,  $dx$: $(n_x, m, T_x)$",
        color=MUTED,
        fontsize=SMALL_SIZE,
    )
    return fig
