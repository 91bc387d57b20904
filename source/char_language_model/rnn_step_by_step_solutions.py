"""Solutions of assignment 'rnn_step_by_step' that assignment 'char_language_model' builds on:

- rnn_cell_forward
- rnn_forward
- rnn_cell_backward
- rnn_backward
- lstm_cell_forward
- lstm_forward
- lstm_cell_backward
- lstm_backward

Generated from source/rnn_step_by_step/ by `rnn-autograde borrow char_language_model`: do not edit.
Releasing the assignment reveals them.
"""

import numpy as np

from course import sigmoid, softmax


def rnn_cell_forward(xt, a_prev, parameters):
    """One forward step of the basic RNN cell: equations (1) and (2).

    Arguments:
    xt -- input at time step t, x<t>, numpy array of shape (n_x, m)
    a_prev -- hidden state at time step t-1, a<t-1>, numpy array of shape (n_a, m)
    parameters -- python dictionary containing:
        Wax -- weights multiplying the input, numpy array of shape (n_a, n_x)
        Waa -- weights multiplying the previous hidden state, numpy array of shape (n_a, n_a)
        Wya -- weights from the hidden state to the output, numpy array of shape (n_y, n_a)
        ba -- bias of the hidden state, numpy array of shape (n_a, 1)
        by -- bias of the output, numpy array of shape (n_y, 1)

    Returns:
    a_next -- hidden state at time step t, a<t>, numpy array of shape (n_a, m)
    yt_pred -- prediction at time step t, y_hat<t>, numpy array of shape (n_y, m)
    cache -- tuple (a_next, a_prev, xt, parameters), in this order, for the backward pass

    Hints:
    - a<t> = tanh(Wax x<t> + Waa a<t-1> + ba): use np.tanh and the matrix product @.
    - y_hat<t> = softmax(Wya a<t> + by): use softmax from course (one column per example).
    - The biases are columns; broadcasting adds them to each of the m columns.
    - Define the names a_next, yt_pred and cache: the return line below uses them.
    """
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]
    Wya = parameters["Wya"]
    ba = parameters["ba"]
    by = parameters["by"]

    a_next = np.tanh(Wax @ xt + Waa @ a_prev + ba)
    yt_pred = softmax(Wya @ a_next + by)

    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache


def rnn_forward(x, a0, parameters):
    """Forward pass of the basic RNN over a whole sequence of T_x time steps.

    Arguments:
    x -- inputs x<1> ... x<T_x>, numpy array of shape (n_x, m, T_x)
    a0 -- initial hidden state a<0>, numpy array of shape (n_a, m)
    parameters -- the RNN parameter dictionary described in rnn_cell_forward
                  (Wax, Waa, Wya, ba, by)

    Returns:
    a -- hidden states a<1> ... a<T_x>, numpy array of shape (n_a, m, T_x)
    y_pred -- predictions y_hat<1> ... y_hat<T_x>, numpy array of shape (n_y, m, T_x)
    caches -- tuple (list of the T_x caches of rnn_cell_forward in time order, x)

    Hints:
    - Read n_x, m, T_x from x.shape and n_y, n_a from parameters["Wya"].shape.
    - Start from zero arrays for a and y_pred, an empty list, and a_next = a0.
    - x[:, :, t] is the input of one time step, shape (n_x, m); the state each
      step returns is the a_prev of the next step.
    - numpy counts from 0: a[:, :, 0] holds a<1>; a0 itself is not stored in a.
    - Define the names a, y_pred and caches: the return line below uses them.
    """
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape

    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))

    a_next = a0
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        caches.append(cache)

    caches = (caches, x)
    return a, y_pred, caches


def rnn_cell_backward(da_next, cache):
    """Backward pass of one basic-RNN step: equations (10) to (15).

    Arguments:
    da_next -- gradient of the loss with respect to a<t> (this step's hidden state),
               numpy array of shape (n_a, m)
    cache -- the tuple (a_next, a_prev, xt, parameters) saved by rnn_cell_forward

    Returns:
    gradients -- python dictionary containing:
        dxt -- gradient with respect to the input x<t>, numpy array of shape (n_x, m)
        da_prev -- gradient with respect to a<t-1>, numpy array of shape (n_a, m)
        dWax -- gradient with respect to Wax, numpy array of shape (n_a, n_x)
        dWaa -- gradient with respect to Waa, numpy array of shape (n_a, n_a)
        dba -- gradient with respect to ba, numpy array of shape (n_a, 1)

    Hints:
    - dtanh is the gradient with respect to the pre-activation, equation (10).
      tanh'(z) = 1 - tanh(z)**2, and tanh(z) is the cached a_next: use a_next
      directly (applying np.tanh to it again would be wrong).
    - The output layer (Wya, by) plays no part here: da_next already contains
      whatever flows back from y_hat<t>.
    - dba sums over the m examples (axis=1) with keepdims=True: shape (n_a, 1).
    - Define dxt, da_prev, dWax, dWaa and dba: the lines below build the dictionary
      from them. Note that the input gradient's key is "dxt".
    """
    (a_next, a_prev, xt, parameters) = cache
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]

    dtanh = (1 - a_next ** 2) * da_next

    dxt = Wax.T @ dtanh
    dWax = dtanh @ xt.T

    da_prev = Waa.T @ dtanh
    dWaa = dtanh @ a_prev.T

    dba = np.sum(dtanh, axis=1, keepdims=True)
    gradients = {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
    return gradients


def rnn_backward(da, caches):
    """Backpropagation through time for the basic RNN over a whole sequence.

    Arguments:
    da -- gradient of the loss with respect to each hidden state a<t> arriving
          directly from that step's output (not through the recurrence),
          numpy array of shape (n_a, m, T_x)
    caches -- the tuple (list of cell caches, x) returned by rnn_forward

    Returns:
    gradients -- python dictionary containing:
        dx -- gradient with respect to the inputs, numpy array of shape (n_x, m, T_x)
        da0 -- gradient with respect to the initial hidden state a<0>,
               numpy array of shape (n_a, m)
        dWax -- gradient with respect to Wax, numpy array of shape (n_a, n_x)
        dWaa -- gradient with respect to Waa, numpy array of shape (n_a, n_a)
        dba -- gradient with respect to ba, numpy array of shape (n_a, 1)

    Hints:
    - Take n_a, m, T_x from da.shape, and n_x from the input xt stored in the
      first cell cache.
    - Walk backwards: for t in reversed(range(T_x)).
    - The gradient reaching a<t> is da[:, :, t] + da_prevt, where da_prevt is the
      da_prev returned by step t+1 (zeros before the first call).
    - Parameter gradients add up over time steps (+=); dx gets one slice per step.
    - da0 is the da_prevt left after the loop.
    - Define dx, da0, dWax, dWaa and dba: the lines below use them.
    """
    (caches, x) = caches
    (a1, a0, x1, parameters) = caches[0]

    n_a, m, T_x = da.shape
    n_x, m = x1.shape

    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros((n_a, n_x))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))

    for t in reversed(range(T_x)):
        gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
        dx[:, :, t] = gradients["dxt"]
        da_prevt = gradients["da_prev"]
        dWax += gradients["dWax"]
        dWaa += gradients["dWaa"]
        dba += gradients["dba"]

    da0 = da_prevt
    gradients = {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}
    return gradients


def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    """One forward step of the LSTM cell: equations (3) to (9).

    Arguments:
    xt -- input at time step t, x<t>, numpy array of shape (n_x, m)
    a_prev -- hidden state at time step t-1, a<t-1>, numpy array of shape (n_a, m)
    c_prev -- cell state (memory) at time step t-1, c<t-1>, numpy array of shape (n_a, m)
    parameters -- python dictionary containing:
        Wf -- forget gate weights, numpy array of shape (n_a, n_a + n_x)
        bf -- forget gate bias, numpy array of shape (n_a, 1)
        Wi -- update gate weights, numpy array of shape (n_a, n_a + n_x)
        bi -- update gate bias, numpy array of shape (n_a, 1)
        Wc -- candidate weights, numpy array of shape (n_a, n_a + n_x)
        bc -- candidate bias, numpy array of shape (n_a, 1)
        Wo -- output gate weights, numpy array of shape (n_a, n_a + n_x)
        bo -- output gate bias, numpy array of shape (n_a, 1)
        Wy -- weights from the hidden state to the output, numpy array of shape (n_y, n_a)
        by -- bias of the output, numpy array of shape (n_y, 1)

    Returns:
    a_next -- hidden state a<t>, numpy array of shape (n_a, m)
    c_next -- cell state c<t>, numpy array of shape (n_a, m)
    yt_pred -- prediction y_hat<t>, numpy array of shape (n_y, m)
    cache -- tuple (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters),
             in this order; ft, it, ot are the gates Gamma_f, Gamma_i, Gamma_o and cct
             is the candidate c~<t>, each of shape (n_a, m)

    Hints:
    - concat = [a_prev; xt]: a_prev on top, xt below, shape (n_a + n_x, m).
      np.concatenate(..., axis=0) or np.vstack does it. The order matters: the
      first n_a columns of every W multiply a<t-1>.
    - The three gates use sigmoid (from course); the candidate uses np.tanh.
    - Equations (6) and (8) are elementwise products (*), not matrix products (@).
    - Define a_next, c_next, yt_pred and cache: the return line below uses them.
    """
    Wf = parameters["Wf"]
    bf = parameters["bf"]
    Wi = parameters["Wi"]
    bi = parameters["bi"]
    Wc = parameters["Wc"]
    bc = parameters["bc"]
    Wo = parameters["Wo"]
    bo = parameters["bo"]
    Wy = parameters["Wy"]
    by = parameters["by"]

    concat = np.concatenate((a_prev, xt), axis=0)

    ft = sigmoid(Wf @ concat + bf)
    it = sigmoid(Wi @ concat + bi)
    cct = np.tanh(Wc @ concat + bc)
    c_next = ft * c_prev + it * cct
    ot = sigmoid(Wo @ concat + bo)
    a_next = ot * np.tanh(c_next)

    yt_pred = softmax(Wy @ a_next + by)

    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache


def lstm_forward(x, a0, parameters):
    """Forward pass of the LSTM over a whole sequence of T_x time steps.

    Arguments:
    x -- inputs x<1> ... x<T_x>, numpy array of shape (n_x, m, T_x)
    a0 -- initial hidden state a<0>, numpy array of shape (n_a, m)
    parameters -- the LSTM parameter dictionary described in lstm_cell_forward
                  (Wf, bf, Wi, bi, Wc, bc, Wo, bo, Wy, by)

    Returns:
    a -- hidden states a<1> ... a<T_x>, numpy array of shape (n_a, m, T_x)
    y -- predictions y_hat<1> ... y_hat<T_x>, numpy array of shape (n_y, m, T_x)
    c -- cell states c<1> ... c<T_x>, numpy array of shape (n_a, m, T_x)
    caches -- tuple (list of the T_x caches of lstm_cell_forward in time order, x)

    Hints:
    - Read n_x, m, T_x from x.shape and n_y, n_a from parameters["Wy"].shape.
    - There is no c0 argument: the memory starts empty, c<0> = zeros of shape (n_a, m).
    - Each step passes both a_next and c_next on to the next step.
    - Make a, c and y three separate np.zeros arrays (c = a would not copy).
    - Define the names a, y, c and caches: the return line below uses them.
    """
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape

    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))

    a_next = a0
    c_next = np.zeros((n_a, m))

    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        y[:, :, t] = yt
        caches.append(cache)

    caches = (caches, x)
    return a, y, c, caches


def lstm_cell_backward(da_next, dc_next, cache):
    """Backward pass of one LSTM step: equations (16) to (27).

    Arguments:
    da_next -- gradient of the loss with respect to a<t>, numpy array of shape (n_a, m)
    dc_next -- gradient of the loss with respect to c<t> coming back from step t+1,
               numpy array of shape (n_a, m)
    cache -- the tuple (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
             saved by lstm_cell_forward

    Returns:
    gradients -- python dictionary containing:
        dxt -- gradient with respect to x<t>, numpy array of shape (n_x, m)
        da_prev -- gradient with respect to a<t-1>, numpy array of shape (n_a, m)
        dc_prev -- gradient with respect to c<t-1>, numpy array of shape (n_a, m)
        dWf, dWi, dWc, dWo -- gradients with respect to the weights,
                              numpy arrays of shape (n_a, n_a + n_x)
        dbf, dbi, dbc, dbo -- gradients with respect to the biases,
                              numpy arrays of shape (n_a, 1)

    Hints:
    - Compute dc, the total gradient of c<t>, once (equation (16)) and reuse it.
    - dot, dcct, dit, dft (equations (17) to (20)) are gradients with respect to the
      pre-activations: they include the sigmoid or tanh derivative.
    - Rebuild concat = [a_prev; xt] in the same order as the forward pass.
    - Biases: sum over the m examples (axis=1) with keepdims=True.
    - da_prev uses only the first n_a columns of each W (W[:, :n_a]); dxt only the
      last n_x columns (W[:, n_a:]). Both sum the contributions of all four gates.
    - dc_prev has the shape of c_prev, (n_a, m).
    - Define dxt, da_prev, dc_prev and the eight dW*/db* names used below.
    """
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
    n_a, m = a_next.shape

    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c ** 2)

    dot = da_next * tanh_c * ot * (1 - ot)
    dcct = dc * it * (1 - cct ** 2)
    dit = dc * cct * it * (1 - it)
    dft = dc * c_prev * ft * (1 - ft)

    concat = np.concatenate((a_prev, xt), axis=0)
    dWf = dft @ concat.T
    dWi = dit @ concat.T
    dWc = dcct @ concat.T
    dWo = dot @ concat.T
    dbf = np.sum(dft, axis=1, keepdims=True)
    dbi = np.sum(dit, axis=1, keepdims=True)
    dbc = np.sum(dcct, axis=1, keepdims=True)
    dbo = np.sum(dot, axis=1, keepdims=True)

    Wf, Wi, Wc, Wo = (parameters[k] for k in ("Wf", "Wi", "Wc", "Wo"))
    dconcat = Wf.T @ dft + Wi.T @ dit + Wc.T @ dcct + Wo.T @ dot
    da_prev = dconcat[:n_a, :]
    dxt = dconcat[n_a:, :]
    dc_prev = dc * ft
    gradients = {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev,
                 "dWf": dWf, "dbf": dbf, "dWi": dWi, "dbi": dbi,
                 "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
    return gradients


def lstm_backward(da, caches):
    """Backpropagation through time for the LSTM over a whole sequence.

    Arguments:
    da -- gradient of the loss with respect to each hidden state a<t> arriving
          directly from that step's output, numpy array of shape (n_a, m, T_x)
    caches -- the tuple (list of cell caches, x) returned by lstm_forward

    Returns:
    gradients -- python dictionary containing:
        dx -- gradient with respect to the inputs, numpy array of shape (n_x, m, T_x)
        da0 -- gradient with respect to a<0>, numpy array of shape (n_a, m)
        dWf, dWi, dWc, dWo -- numpy arrays of shape (n_a, n_a + n_x)
        dbf, dbi, dbc, dbo -- numpy arrays of shape (n_a, 1)

    Hints:
    - Take n_a, m, T_x from da.shape (not from x), and n_x from the input xt
      stored in the first cell cache.
    - Carry two gradients backwards, both zeros of shape (n_a, m) at the start:
      da_prevt (added to da[:, :, t]) and dc_prevt (passed as dc_next).
    - Parameter gradients add up over time steps (+=); dx gets one slice per step.
    - da0 is the da_prevt left after the loop.
    - Define dx, da0 and the eight dW*/db* names: the lines below use them.
    """
    (caches, x) = caches
    (a1, c1, a0, c0, f1, i1, cc1, o1, x1, parameters) = caches[0]

    n_a, m, T_x = da.shape
    n_x, m = x1.shape

    dx = np.zeros((n_x, m, T_x))
    da_prevt = np.zeros((n_a, m))
    dc_prevt = np.zeros((n_a, m))
    dWf = np.zeros((n_a, n_a + n_x))
    dWi = np.zeros((n_a, n_a + n_x))
    dWc = np.zeros((n_a, n_a + n_x))
    dWo = np.zeros((n_a, n_a + n_x))
    dbf = np.zeros((n_a, 1))
    dbi = np.zeros((n_a, 1))
    dbc = np.zeros((n_a, 1))
    dbo = np.zeros((n_a, 1))

    for t in reversed(range(T_x)):
        gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
        da_prevt = gradients["da_prev"]
        dc_prevt = gradients["dc_prev"]
        dx[:, :, t] = gradients["dxt"]
        dWf += gradients["dWf"]
        dWi += gradients["dWi"]
        dWc += gradients["dWc"]
        dWo += gradients["dWo"]
        dbf += gradients["dbf"]
        dbi += gradients["dbi"]
        dbc += gradients["dbc"]
        dbo += gradients["dbo"]

    da0 = da_prevt
    gradients = {"dx": dx, "da0": da0, "dWf": dWf, "dbf": dbf, "dWi": dWi, "dbi": dbi,
                 "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
    return gradients
