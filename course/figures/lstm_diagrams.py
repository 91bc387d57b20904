"""Diagrams of the LSTM: one cell, the unrolled forward pass, and the cell's backward pass.

The cell is drawn from one layout (`_draw_cell_parts` and `_wiring`), so the forward
diagram and the backward one show the same boxes in the same places: the backward
diagram greys the forward wiring and runs the gradients along it the other way.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course.figures.drawing import (
    CELL_FILL,
    FORWARD,
    GRADIENT,
    INK,
    LABEL_SIZE,
    MUTED,
    PARAM_GRADIENT,
    SIGMOID_FILL,
    SMALL_SIZE,
    TANH_FILL,
    TEXT_SIZE,
    UNROLLED_CELL,
    UNROLLED_WIDTH,
    UNROLLED_X,
    WIRE,
    Box,
    Node,
    Point,
    Row,
    arrow,
    at,
    box,
    canvas,
    color_key,
    dot,
    equations,
    label,
    node,
    panel,
    region,
    sym,
    title,
    wire,
)

# mathtext fragments (no dollars)
a_t, a_prev, x_t, c_t, c_prev = at("a"), at("a", "t-1"), at("x"), at("c"), at("c", "t-1")
c_tilde = at(r"\tilde{c}")
y_t = at(r"\hat{y}")
concat = rf"[{a_prev};\, {x_t}]"
gate_f, gate_i, gate_o = at(r"\Gamma_f"), at(r"\Gamma_i"), at(r"\Gamma_o")

C_LINE_WIDTH = 2.8  # the cell-state line is drawn thicker: it is the LSTM's long-term memory
C_LINE = ("c_in", "c_kept", "c_out")

# The cell diagrams are this wide (diagram units): shown at full size in JupyterLab's
# default layout (export.DISPLAY_WIDTH_PX), so the gates stand close together.
CELL_WIDTH = 14.5


@dataclass(frozen=True)
class _CellParts:
    """Where the parts of one drawn LSTM cell are (diagram units)."""

    x_in: float  # where a⟨t-1⟩ and c⟨t-1⟩ enter
    x_out: float  # where a⟨t⟩, c⟨t⟩ and ŷ⟨t⟩ leave
    y_c: float  # the cell-state line across the top
    y_bus: float  # the [a⟨t-1⟩; x⟨t⟩] line across the bottom (and a⟨t⟩ leaving)
    x_join: float  # where x⟨t⟩ joins the bus
    y_x_in: float  # where x⟨t⟩ starts, below the cell
    forget: Box
    update: Box
    candidate: Box
    output: Box
    mul_f: Node
    mul_i: Node
    add_c: Node
    tanh_c: Box
    mul_o: Node
    softmax: Box


def _draw_cell_parts(ax: Axes, *, ghost: bool = False) -> _CellParts:
    """Draw the cell's region, gate boxes and ⊙/+ nodes; return where they are.

    `ghost` draws them with grey outlines (the backdrop of a backward diagram).
    """
    edge = WIRE if ghost else INK
    name = "step $t$" if ghost else "lstm_cell_forward"
    region(ax, (1.2, 2.3), (11.75, 8.0), name=name, name_corner="lower right")
    y_g, y_c = 5.4, 9.6
    size = (1.8, 1.15)

    def gate(x: float, text: str, name: str, fill: str) -> Box:
        return box(ax, (x, y_g), size, text, caption=name, fill=fill, edge=edge)

    forget = gate(3.0, r"$\sigma$", "forget gate", SIGMOID_FILL)
    update = gate(5.0, r"$\sigma$", "update gate", SIGMOID_FILL)
    candidate = gate(7.0, r"$\tanh$", "candidate", TANH_FILL)
    output = gate(9.0, r"$\sigma$", "output gate", SIGMOID_FILL)
    x_o = 10.9
    return _CellParts(
        x_in=0.3,
        x_out=13.3,
        y_c=y_c,
        y_bus=3.3,
        x_join=1.75,
        y_x_in=1.25,
        forget=forget,
        update=update,
        candidate=candidate,
        output=output,
        mul_f=node(ax, (forget.x, y_c), "mul", color=edge),
        mul_i=node(ax, (candidate.x, 7.6), "mul", color=edge),
        add_c=node(ax, (candidate.x, y_c), "add", color=edge),
        tanh_c=box(ax, (x_o, 7.6), (1.1, 0.8), r"$\tanh$", fill=TANH_FILL, edge=edge),
        mul_o=node(ax, (x_o, y_g), "mul", color=edge),
        softmax=box(
            ax,
            (12.1, y_g),
            (1.3, 1.15),
            "softmax",
            caption="$W_y,\\ b_y$",
            fill=TANH_FILL,
            edge=edge,
            fontsize=TEXT_SIZE,
        ),
    )


def _wiring(p: _CellParts) -> dict[str, list[Point]]:
    """The forward connections of the cell, each a polyline in the direction of the data."""
    gates = (p.forget, p.update, p.candidate, p.output)
    wires = {
        "c_in": [(p.x_in, p.y_c), p.mul_f.left],
        "c_kept": [p.mul_f.right, p.add_c.left],
        "c_out": [p.add_c.right, (p.x_out, p.y_c)],
        "c_to_tanh": [(p.tanh_c.x, p.y_c), p.tanh_c.top],
        "tanh_to_mul_o": [p.tanh_c.bottom, p.mul_o.top],
        "forget": [p.forget.top, p.mul_f.bottom],
        "update": [p.update.top, (p.update.x, p.mul_i.y), p.mul_i.left],
        "candidate": [p.candidate.top, p.mul_i.bottom],
        "added": [p.mul_i.top, p.add_c.bottom],
        "output": [p.output.right, p.mul_o.left],
        "a_out": [p.mul_o.bottom, (p.mul_o.x, p.y_bus), (p.x_out, p.y_bus)],
        "y_branch": [(p.softmax.x, p.y_bus), p.softmax.bottom],
        "y_out": [p.softmax.right, (p.x_out, p.softmax.y)],
        "a_in": [(p.x_in, p.y_bus), (p.output.x, p.y_bus)],
        "x_in": [(p.x_join, p.y_x_in), (p.x_join, p.y_bus)],
    }
    for name, g in zip(("to_forget", "to_update", "to_candidate", "to_output"), gates, strict=True):
        wires[name] = [(g.x, p.y_bus), g.bottom]
    return wires


def draw_lstm_cell() -> Figure:
    """The LSTM cell (step t): gates Γ_f, Γ_i, Γ_o, the candidate c̃⟨t⟩, the cell-state
    line c⟨t-1⟩ → c⟨t⟩ across the top, a⟨t⟩ and ŷ⟨t⟩ out; its equations underneath.

    Every gate reads the same stacked input [a⟨t-1⟩; x⟨t⟩] of shape (n_a + n_x, m).
    """
    fig, ax = canvas(CELL_WIDTH, 15.2, bottom=-3.7)
    title(ax, (CELL_WIDTH / 2, 11.0), "LSTM cell: one time step $t$")
    p = _draw_cell_parts(ax)
    w = _wiring(p)
    for name, points in w.items():
        width = C_LINE_WIDTH if name in C_LINE else 1.8
        arrow(ax, points, head=name != "a_in", linewidth=width)
    for g in (p.forget, p.update, p.candidate, p.output):
        dot(ax, (g.x, p.y_bus))
    dot(ax, (p.x_join, p.y_bus))
    dot(ax, (p.tanh_c.x, p.y_c))
    dot(ax, (p.softmax.x, p.y_bus))

    label(ax, (p.forget.x - 0.2, 7.6), f"${gate_f}$", ha="right")
    label(ax, (p.update.x - 0.2, 6.75), f"${gate_i}$", ha="right")
    label(ax, (p.candidate.x + 0.2, 6.75), f"${c_tilde}$", ha="left")
    label(ax, ((p.output.right[0] + p.mul_o.left[0]) / 2, p.output.y + 0.45), f"${gate_o}$")
    label(ax, (p.tanh_c.x + 0.2, 8.75), f"${c_t}$", ha="left", fontsize=TEXT_SIZE)

    label(ax, (p.x_in + 0.1, p.y_c + 0.5), f"${c_prev}$", ha="left")
    label(ax, (p.x_in + 0.1, p.y_bus + 0.5), f"${a_prev}$", ha="left")
    label(ax, (p.x_join + 0.25, p.y_x_in + 0.3), f"${x_t}$", ha="left")
    label(
        ax,
        (p.x_join + 1.1, p.y_x_in + 0.3),
        r"$(n_x, m)$",
        ha="left",
        fontsize=SMALL_SIZE,
        color=MUTED,
    )
    for y, text, shape in (
        (p.y_c, c_t, "(n_a, m)"),
        (p.softmax.y, y_t, "(n_y, m)"),
        (p.y_bus, a_t, "(n_a, m)"),
    ):
        label(ax, (p.x_out + 0.15, y), f"${text}$", ha="left", shape=f"${shape}$")
    label(
        ax,
        (6.6, 2.85),
        rf"concat $= {concat}$, shape $(n_a + n_x, m)$",
        fontsize=SMALL_SIZE,
        color=MUTED,
    )

    top = panel(
        ax, (0.25, -3.55), (14.0, 4.3), heading=r"Forward equations ($\odot$: elementwise product)"
    )
    rows_left = [
        Row(f"${gate_f}$", rf"$\sigma(W_f\,{concat} + b_f)$"),
        Row(f"${gate_i}$", rf"$\sigma(W_i\,{concat} + b_i)$"),
        Row(f"${c_tilde}$", rf"$\tanh(W_c\,{concat} + b_c)$"),
        Row(f"${gate_o}$", rf"$\sigma(W_o\,{concat} + b_o)$"),
    ]
    rows_right = [
        Row(f"${c_t}$", rf"${gate_f} \odot {c_prev} + {gate_i} \odot {c_tilde}$"),
        Row(f"${a_t}$", rf"${gate_o} \odot \tanh({c_t})$"),
        Row(f"${y_t}$", rf"$\mathrm{{softmax}}(W_y\,{a_t} + b_y)$"),
    ]
    equations(ax, rows_left, x_equals=1.8, y_first=top - 0.45, line_height=0.9)
    equations(ax, rows_right, x_equals=8.3, y_first=top - 0.45, line_height=0.9)
    label(
        ax,
        (7.65, top - 0.45 - 3 * 0.9),
        r"$W_f, W_i, W_c, W_o$: $(n_a, n_a + n_x)$;  $b_f, b_i, b_c, b_o$: $(n_a, 1)$",
        ha="left",
        fontsize=SMALL_SIZE,
        color=MUTED,
    )
    return fig


def draw_lstm_forward() -> Figure:
    """The LSTM unrolled over T_x steps, carrying both a⟨t⟩ and c⟨t⟩ from step to step.

    a⟨0⟩ is an input of lstm_forward; c⟨0⟩ is not: it starts at zero.
    """
    fig, ax = canvas(UNROLLED_WIDTH, 9.0)
    mid = UNROLLED_WIDTH / 2
    title(ax, (mid, 8.5), r"LSTM forward pass, unrolled over $T_x$ steps")
    y_c, y_a, h = 5.55, 3.95, 2.45
    y_mid = (y_c + y_a) / 2
    cells = []
    for t, x in zip(("1", "2", "T_x"), UNROLLED_X, strict=True):
        cell = box(
            ax,
            (x, y_mid),
            (UNROLLED_CELL, h),
            "LSTM cell",
            caption="same\nparameters",
            fill=CELL_FILL,
            edge=FORWARD,
        )
        cells.append(cell)
        arrow(ax, [(x, 1.75), cell.bottom])
        label(ax, (x, 1.4), sym("x", t))
        arrow(ax, [cell.top, (x, 7.0)])
        label(ax, (x, 7.4), sym(r"\hat{y}", t))

    def link(x0: float, x1: float, step: str | None) -> None:
        arrow(ax, [(x0, y_c), (x1, y_c)], linewidth=C_LINE_WIDTH)
        arrow(ax, [(x0, y_a), (x1, y_a)])
        if step is not None:
            label(ax, ((x0 + x1) / 2, y_c + 0.4), sym("c", step))
            label(ax, ((x0 + x1) / 2, y_a - 0.4), sym("a", step))

    left = [c.left[0] for c in cells]
    right = [c.right[0] for c in cells]
    link(1.15, left[0], None)
    label(ax, (0.6, y_c + 0.05), sym("c", "0"))
    label(ax, (0.6, y_c - 0.45), "$= 0$", fontsize=TEXT_SIZE)
    label(ax, (0.6, y_a), sym("a", "0"))
    link(right[0], left[1], "1")
    link(right[1], right[1] + 1.0, "2")
    label(ax, (right[1] + 1.45, y_mid), r"$\cdots$", fontsize=LABEL_SIZE + 4)
    link(left[2] - 1.1, left[2], "T_x-1")
    link(right[2], right[2] + 0.7, None)
    label(ax, (right[2] + 1.15, y_c), sym("c", "T_x"))
    label(ax, (right[2] + 1.15, y_a), sym("a", "T_x"))

    label(
        ax,
        (mid, 0.85),
        r"$c^{\langle 0\rangle}$ starts at zero (it is not an input);"
        r" every step shares $W_f, W_i, W_c, W_o, W_y$ and $b_f, b_i, b_c, b_o, b_y$.",
        fontsize=TEXT_SIZE,
    )
    label(
        ax,
        (mid, 0.3),
        r"$x$: $(n_x, m, T_x)$;  $a$, $c$: $(n_a, m, T_x)$;  $\hat{y}$: $(n_y, m, T_x)$",
        fontsize=SMALL_SIZE,
        color=MUTED,
    )
    return fig


A_COLS = r"^{a}"  # W^a: the first n_a columns of W, the ones that multiply a⟨t-1⟩
X_COLS = r"^{x}"  # W^x: the last n_x columns of W, the ones that multiply x⟨t⟩


def draw_lstm_cell_backward() -> Figure:
    """Gradient flow through one LSTM cell (lstm_cell_backward).

    da_next and dc_next enter from the right; dc = dc_next + the part of da_next that
    reaches c⟨t⟩ through tanh; dc flows on to dc_prev (through Γ_f) and into the gates;
    each gate's pre-activation gradient dz goes back through its W to da_prev (columns W^a)
    and dx⟨t⟩ (columns W^x). The forward wiring is grey; the equations are underneath.
    """
    fig, ax = canvas(CELL_WIDTH, 18.6, bottom=-6.75)
    title(
        ax,
        (CELL_WIDTH / 2, 11.4),
        "LSTM cell, backward pass: lstm_cell_backward",
        subtitle=rf"$da_{{next}}$ already holds the gradient coming back from ${y_t}$,"
        " so the softmax branch stays grey",
    )
    color_key(
        ax,
        1.45,
        [
            (5.2, WIRE, "forward wiring", False),
            (9.0, GRADIENT, "gradient", False),
        ],
    )
    p = _draw_cell_parts(ax, ghost=True)
    w = _wiring(p)
    for name, points in w.items():
        wire(ax, points, linewidth=C_LINE_WIDTH if name in C_LINE else 1.6)

    def back(name: str, **kwargs: object) -> None:
        """Run a gradient along forward wire `name`, the other way."""
        arrow(ax, w[name][::-1], color=GRADIENT, **kwargs)

    # dc: dc_next plus what reaches c⟨t⟩ from da_next through a⟨t⟩ = Γ_o ⊙ tanh(c⟨t⟩)
    dc_join = node(ax, (p.tanh_c.x, p.y_c), "add", color=GRADIENT)
    arrow(ax, [(p.x_out, p.y_c), dc_join.right], color=GRADIENT, linewidth=C_LINE_WIDTH)
    label(ax, (p.x_out + 0.15, p.y_c), "$dc_{next}$", color=GRADIENT, ha="left")
    back("a_out")
    label(ax, (p.x_out + 0.15, p.y_bus), "$da_{next}$", color=GRADIENT, ha="left")
    back("tanh_to_mul_o")
    arrow(ax, [p.tanh_c.top, dc_join.bottom], color=GRADIENT)
    label(
        ax,
        (p.tanh_c.x - 0.25, 8.55),
        rf"$da_{{next}} \odot {gate_o}$" + "\n" + rf"$\odot\,(1 - \tanh^2({c_t}))$",
        color=GRADIENT,
        fontsize=TEXT_SIZE,
        ha="right",
    )
    label(ax, (p.x_out + 0.15, p.softmax.y), f"${y_t}$", color=MUTED, ha="left")
    arrow(ax, [dc_join.left, p.add_c.right], color=GRADIENT, linewidth=C_LINE_WIDTH)
    label(ax, ((dc_join.x + p.add_c.x) / 2, p.y_c + 0.45), "$dc$", color=GRADIENT)

    # dc flows through + unchanged, then through ⊙ nodes
    arrow(ax, [p.add_c.left, p.mul_f.right], color=GRADIENT, linewidth=C_LINE_WIDTH)
    label(ax, ((p.add_c.x + p.mul_f.x) / 2, p.y_c + 0.45), "$dc$", color=GRADIENT)
    arrow(ax, [p.mul_f.left, (p.x_in, p.y_c)], color=GRADIENT, linewidth=C_LINE_WIDTH)
    label(ax, (p.x_in + 0.1, p.y_c + 0.5), "$dc_{prev}$", ha="left", color=GRADIENT)
    back("added")
    back("forget")
    back("update")
    back("candidate")
    back("output")

    # each gate's gradient (with its σ' or tanh') goes down to the stacked input
    for g, name in (
        (p.forget, r"$dz_f$"),
        (p.update, r"$dz_i$"),
        (p.candidate, r"$dz_c$"),
        (p.output, r"$dz_o$"),
    ):
        arrow(ax, [g.bottom, (g.x, p.y_bus)], color=GRADIENT)
        label(ax, (g.x + 0.15, 4.2), name, color=GRADIENT, ha="left", fontsize=TEXT_SIZE)
    arrow(ax, [(p.output.x, p.y_bus), (p.x_in, p.y_bus)], color=GRADIENT)
    arrow(ax, [(p.x_join, p.y_bus), (p.x_join, p.y_x_in)], color=GRADIENT)
    label(ax, (p.x_in + 0.1, p.y_bus + 0.5), "$da_{prev}$", ha="left", color=GRADIENT)
    label(ax, (p.x_join + 0.25, p.y_x_in + 0.3), f"$d{x_t}$", ha="left", color=GRADIENT)
    label(
        ax,
        (6.6, 2.8),
        rf"$W^T dz$ of each gate: columns $W{A_COLS}$ go to $da_{{prev}}$,"
        rf" columns $W{X_COLS}$ to $d{x_t}$",
        fontsize=SMALL_SIZE,
        color=MUTED,
    )

    # the equations
    top = panel(
        ax,
        (0.25, -6.6),
        (14.0, 7.15),
        heading=r"Gradients ($dz$: with respect to the pre-activation $z$, what goes into the"
        r" gate's $\sigma$ or $\tanh$)",
    )
    line = 0.78
    note_x = 11.0  # where the grey shape notes start
    equations(
        ax,
        [
            Row("$dc$", rf"$dc_{{next}} + da_{{next}} \odot {gate_o} \odot (1 - \tanh^2({c_t}))$"),
            Row(
                r"$dz_o$",
                rf"$da_{{next}} \odot \tanh({c_t}) \odot {gate_o} \odot (1 - {gate_o})$",
            ),
            Row(r"$dz_c$", rf"$dc \odot {gate_i} \odot (1 - ({c_tilde})^2)$"),
        ],
        x_equals=1.8,
        y_first=top - 0.4,
        line_height=line,
        color=GRADIENT,
    )
    equations(
        ax,
        [
            Row(r"$dz_i$", rf"$dc \odot {c_tilde} \odot {gate_i} \odot (1 - {gate_i})$"),
            Row(r"$dz_f$", rf"$dc \odot {c_prev} \odot {gate_f} \odot (1 - {gate_f})$"),
            Row("$dc_{prev}$", rf"$dc \odot {gate_f}$", r"$(n_a, m)$"),
        ],
        x_equals=9.3,
        y_first=top - 0.4,
        line_height=line,
        note_x=note_x,
        color=GRADIENT,
    )
    y = top - 0.4 - 3 * line
    equations(
        ax,
        [
            Row(
                "$da_{prev}$",
                rf"$(W_f{A_COLS})^T dz_f + (W_i{A_COLS})^T dz_i + (W_c{A_COLS})^T dz_c"
                rf" + (W_o{A_COLS})^T dz_o$",
                r"$(n_a, m)$",
            ),
            Row(
                f"$d{x_t}$",
                rf"$(W_f{X_COLS})^T dz_f + (W_i{X_COLS})^T dz_i + (W_c{X_COLS})^T dz_c"
                rf" + (W_o{X_COLS})^T dz_o$",
                r"$(n_x, m)$, key 'dxt'",
            ),
            Row(
                "$dW_f$",
                rf"$dz_f\, {concat}^T$;   $db_f$ = $dz_f$ summed over the $m$ examples",
                r"$(n_a, n_a + n_x)$, $(n_a, 1)$",
                PARAM_GRADIENT,
            ),
            Row(
                "",
                r"and likewise $dW_i, db_i$ from $dz_i$, $dW_c, db_c$ from $dz_c$,"
                r" $dW_o, db_o$ from $dz_o$",
                color=PARAM_GRADIENT,
            ),
        ],
        x_equals=1.8,
        y_first=y,
        line_height=line,
        note_x=note_x,
        color=GRADIENT,
    )
    label(
        ax,
        (2.05, y - 4 * line),
        rf"$W{A_COLS}$: the columns of a gate's $W$ that multiply ${a_prev}$;"
        rf"  $W{X_COLS}$: those that multiply ${x_t}$",
        ha="left",
        fontsize=SMALL_SIZE,
        color=MUTED,
    )
    return fig
