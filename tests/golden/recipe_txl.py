"""Transformer-XL relative attention scores, computed as kimiyoung/transformer-xl
pytorch/mem_transformer.py RelPartialLearnableMultiHeadAttn does (no memory, mlen = 0):

    pos_seq   = arange(klen-1, -1, -1)                     (MemTransformerLM._forward)
    R         = cat([sin(pos_seq x inv_freq), cos(...)])   (PositionalEmbedding)
    r_head_k  = r_net(R)                                   (klen, n_head, d_head)
    AC        = (q + r_w_bias) . k
    BD        = _rel_shift((q + r_r_bias) . r_head_k)      (pad a zero column, view, drop a row)
    score     = scale * (AC + BD)

and written as the bias the playground adds on top of scale * q.k, for j <= i (the keys the
causal mask keeps; the shift leaves other rows' values above the diagonal).
Inputs are drawn here from numpy's generator and written to the golden file first, so the
test feeds the same q, k, u, v and r_net to the scheme's hook.
"""
import numpy as np


def rel_shift(x):
    qlen, klen = x.shape
    padded = np.concatenate([np.zeros((qlen, 1)), x], axis=1)  # (qlen, klen + 1)
    padded = padded.reshape(klen + 1, qlen)
    return padded[1:].reshape(qlen, klen)


def scores(q, k, u, v, w, d):
    heads, n, dh = q.shape
    inv = 1.0 / (10000 ** (np.arange(0.0, d, 2.0) / d))
    pos_seq = np.arange(n - 1, -1, -1.0)
    sinusoid = np.outer(pos_seq, inv)
    R = np.concatenate([np.sin(sinusoid), np.cos(sinusoid)], axis=1)  # (klen, d)
    r_head_k = (R @ w.T).reshape(n, heads, dh)
    scale = 1.0 / np.sqrt(dh)
    out = np.zeros((heads, n, n))
    for h in range(heads):
        ac = (q[h] + u[h]) @ k[h].T
        bd = rel_shift((q[h] + v[h]) @ r_head_k[:, h, :].T)
        out[h] = scale * (ac + bd) - scale * (q[h] @ k[h].T)
    return out


def make(write):
    rng = np.random.default_rng(2019)
    heads, n, d = 2, 7, 16
    dh = d // heads
    q = rng.normal(size=(heads, n, dh))
    k = rng.normal(size=(heads, n, dh))
    u = rng.normal(size=(heads, dh))
    v = rng.normal(size=(heads, dh))
    w = rng.normal(scale=np.sqrt(2.0 / d), size=(d, d))
    write("txl_inputs_h2_n7_d16.txt", np.concatenate([a.ravel() for a in (q, k, u, v, w)]),
          "txl inputs: q (2,7,8), k (2,7,8), r_w_bias u (2,8), r_r_bias v (2,8), r_net (16,16), concatenated")
    bias = scores(q, k, u, v, w, d)
    lower = np.array([bias[h, i, j] for h in range(heads) for i in range(n) for j in range(i + 1)])
    write("txl_bias_h2_n7_d16.txt", lower,
          "txl: the bias Transformer-XL adds to scale q.k, (h, i, j <= i) row-major, via _rel_shift")
