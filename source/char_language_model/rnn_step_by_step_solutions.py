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

    Steps:
    1. Read the five parameters from the dictionary.
    2. a_next: equation (1), with np.tanh and the matrix product @. The bias is a
       column; broadcasting adds it to each of the m columns.
    3. yt_pred: equation (2), with softmax from course (one column per example).
    4. cache: the four values above, in this order (rnn_cell_backward unpacks it).
    The return line below uses the names a_next, yt_pred and cache.
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

    Steps:
    1. Read n_x, m, T_x from x.shape and n_y, n_a from parameters["Wya"].shape.
    2. Start from zero arrays a and y_pred, an empty list of caches, and the
       hidden state a<0>.
    3. For each time step, run rnn_cell_forward on that step's input (shape (n_x, m))
       and the current hidden state; store the new hidden state and the prediction
       in slice t of a and y_pred, and keep the cache. The state a step returns is
       the a_prev of the next step. numpy counts from 0: a[:, :, 0] holds a<1>, and
       a0 itself is not stored in a.
    4. Pack the list of caches and x into the tuple caches.
    The return line below uses the names a, y_pred and caches.
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
    """Backward pass of one RNN step: equations (3) to (8).

    Arguments:
    da_next -- total gradient of the loss with respect to a<t>, da<t> (what comes from
               this step's prediction plus what comes back from step t+1),
               numpy array of shape (n_a, m)
    cache -- the tuple (a_next, a_prev, xt, parameters) saved by rnn_cell_forward

    Returns:
    gradients -- python dictionary containing:
        dxt -- gradient with respect to the input x<t>, numpy array of shape (n_x, m)
        da_prev -- gradient with respect to a<t-1> through this step, da_rec<t-1>,
                   numpy array of shape (n_a, m)
        dWax -- gradient with respect to Wax, numpy array of shape (n_a, n_x)
        dWaa -- gradient with respect to Waa, numpy array of shape (n_a, n_a)
        dba -- gradient with respect to ba, numpy array of shape (n_a, 1)

    Steps:
    1. Unpack the cache and read Wax and Waa.
    2. dtanh = dz<t>, the gradient with respect to the pre-activation: equation (3).
       tanh(z) is the cached a_next, so build tanh' from it (applying np.tanh to it
       again would be wrong).
    3. dxt, dWax, da_prev and dWaa: equations (4) to (7).
    4. dba: equation (8), a sum over the m examples that keeps the shape (n_a, 1).
    The output layer (Wya, by) plays no part: da_next already holds what flows back
    from y_hat<t>. The lines below build the dictionary from dxt, da_prev, dWax,
    dWaa and dba; note that the input gradient's key is "dxt".
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
          directly from that step's prediction, da_out<t> (not through the
          recurrence), numpy array of shape (n_a, m, T_x)
    caches -- the tuple (list of cell caches, x) returned by rnn_forward

    Returns:
    gradients -- python dictionary containing:
        dx -- gradient with respect to the inputs, numpy array of shape (n_x, m, T_x)
        da0 -- gradient with respect to the initial hidden state a<0>,
               numpy array of shape (n_a, m)
        dWax -- gradient with respect to Wax, numpy array of shape (n_a, n_x)
        dWaa -- gradient with respect to Waa, numpy array of shape (n_a, n_a)
        dba -- gradient with respect to ba, numpy array of shape (n_a, 1)

    Steps:
    1. Unpack caches. Take n_a, m, T_x from da.shape, and n_x from the input xt
       stored in the first cell cache.
    2. Start from zero arrays for dx and the three parameter gradients, and for
       da_prevt, the gradient carried back through the recurrence, shape (n_a, m).
    3. Walk backwards through the time steps. At each step give rnn_cell_backward the
       total gradient reaching a<t> (section 5.2) and that step's cache; put its "dxt"
       in slice t of dx, add its parameter gradients to the totals (+=), and carry
       its "da_prev" back to the step before.
    4. da0 is the gradient carried back after the last step.
    The lines below use dx, da0, dWax, dWaa and dba.
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
    """One forward step of the LSTM cell: equations (9) to (15).

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

    Steps:
    1. concat: a_prev stacked on top of xt, shape (n_a + n_x, m). The order matters:
       the first n_a columns of every W multiply a<t-1>.
    2. ft, it, cct, c_next, ot and a_next: equations (9) to (14). The gates use
       sigmoid (from course), the candidate and the squashing of c<t> np.tanh.
       Equations (12) and (14) are elementwise products (*), not matrix products (@).
    3. yt_pred: equation (15).
    4. cache: the ten values listed above, in this order.
    The return line below uses a_next, c_next, yt_pred and cache.
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

    Steps:
    1. Read n_x, m, T_x from x.shape and n_y, n_a from parameters["Wy"].shape.
    2. Start from three separate zero arrays a, c and y (c = a would not copy: both
       names would share one array), an empty list of caches, a<0> and the empty
       memory c<0>, zeros of shape (n_a, m): there is no c0 argument.
    3. At each step run lstm_cell_forward on that step's input and both current
       states; store a<t>, c<t> and y_hat<t> in slice t of a, c and y, keep the
       cache, and pass both new states on to the next step.
    4. Pack the list of caches and x into the tuple caches.
    The return line below uses a, y, c and caches.
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
    da_next -- total gradient of the loss with respect to a<t>, da<t>,
               numpy array of shape (n_a, m)
    dc_next -- gradient of the loss with respect to c<t> coming back from step t+1,
               dc_rec<t>, numpy array of shape (n_a, m)
    cache -- the tuple (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
             saved by lstm_cell_forward

    Returns:
    gradients -- python dictionary containing:
        dxt -- gradient with respect to x<t>, numpy array of shape (n_x, m)
        da_prev -- gradient with respect to a<t-1> through this step, da_rec<t-1>,
                   numpy array of shape (n_a, m)
        dc_prev -- gradient with respect to c<t-1> through this step, dc_rec<t-1>,
                   numpy array of shape (n_a, m)
        dWf, dWi, dWc, dWo -- gradients with respect to the weights,
                              numpy arrays of shape (n_a, n_a + n_x)
        dbf, dbi, dbc, dbo -- gradients with respect to the biases,
                              numpy arrays of shape (n_a, 1)

    Steps:
    1. Unpack the cache, in the order above; n_a is the number of rows of a_next.
    2. dc, the total gradient of c<t>: equation (16). Compute it once and reuse it.
    3. The pre-activation gradients dz_o, dz_c, dz_i, dz_f, in code dot, dcct, dit,
       dft: equations (17) to (20). Each includes its sigmoid or tanh derivative.
    4. Rebuild concat = [a<t-1>; x<t>] in the same order as the forward pass, then
       the weight and bias gradients: equations (21) to (24). Biases sum over the m
       examples and keep the shape (n_a, 1).
    5. da_prev, dxt and dc_prev: equations (25) to (27). da_prev uses the block W^a
       of each W (the first n_a columns), dxt the block W^x (the last n_x columns);
       both add up the contributions of all four gates.
    The lines below use dxt, da_prev, dc_prev and the eight dW*/db* names.
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
          directly from that step's prediction, da_out<t>,
          numpy array of shape (n_a, m, T_x)
    caches -- the tuple (list of cell caches, x) returned by lstm_forward

    Returns:
    gradients -- python dictionary containing:
        dx -- gradient with respect to the inputs, numpy array of shape (n_x, m, T_x)
        da0 -- gradient with respect to a<0>, numpy array of shape (n_a, m)
        dWf, dWi, dWc, dWo -- numpy arrays of shape (n_a, n_a + n_x)
        dbf, dbi, dbc, dbo -- numpy arrays of shape (n_a, 1)

    Steps:
    1. Unpack caches. Take n_a, m, T_x from da.shape (not from x), and n_x from the
       input xt stored in the first cell cache.
    2. Start from zero arrays for dx and the eight parameter gradients, and for the
       two gradients carried back through time, da_prevt and dc_prevt, each (n_a, m).
    3. Walk backwards as in rnn_backward. The hidden state's total gradient has the
       same two parts as in the RNN; the cell state's gradient from the future is
       dc_prevt (section 8.2). Carry the cell's "da_prev" and "dc_prev" back to the
       step before, put "dxt" in slice t of dx, and add up the parameter gradients.
    4. da0 is the hidden-state gradient carried back after the last step.
    The lines below use dx, da0 and the eight dW*/db* names.
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
