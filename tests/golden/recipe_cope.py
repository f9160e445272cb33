"""CoPE position logits, as facebookresearch/RAM projects/cope/src/cope/context_position.py
computes them inside its attention:
  attn_logits = q k^T / sqrt(dh) + log(mask);  gates = sigmoid(attn_logits)
  pos = gates.flip(-1).cumsum(-1).flip(-1).clamp(max=npos-1)
  logits_int = q @ pos_emb;  out = logits_int[ceil pos] * w + logits_int[floor pos] * (1 - w),
  w = pos - floor pos.
Bidirectional variant (the project's definition, no mask): p_ij = sum of g_it for t from
min(i, j) to max(i, j), capped the same way.
pos_emb rows from the project's generator (pe_rng.Rng): row t is the stream
seed_mix(seed_mix(seed, 0xc09e), t), N(0, 1).
"""
import numpy as np

from pe_rng import Rng, seed_mix


def pos_emb(npos, dh, seed):
    base = seed_mix(seed, 0xC09E)
    e = np.zeros((npos, dh))
    for t in range(npos):
        rng = Rng(seed_mix(base, t))
        e[t] = [rng.normal(0.0, 1.0) for _ in range(dh)]
    return e


def example_qk(n, dh):
    i = np.arange(n)[:, None]
    c = np.arange(dh)[None, :]
    return np.sin(1.3 * i + 0.7 * c + 0.1), 1.5 * np.cos(0.9 * i - 0.4 * c)


def interpolate(q, e, pos):
    logits_int = q @ e.T  # (n, npos)
    floor, ceil = np.floor(pos).astype(int), np.ceil(pos).astype(int)
    w = pos - floor
    rows = np.arange(q.shape[0])[:, None]
    return logits_int[rows, ceil] * w + logits_int[rows, floor] * (1 - w)


def cope_causal(q, k, e):
    n, dh = q.shape
    mask = np.tril(np.ones((n, n)))
    with np.errstate(divide="ignore"):
        logits = q @ k.T / np.sqrt(dh) + np.log(mask)
    gates = 1.0 / (1.0 + np.exp(-logits))
    pos = np.flip(np.cumsum(np.flip(gates, -1), -1), -1)
    pos = np.minimum(pos, e.shape[0] - 1)
    # RAM's default: (q.k + z) / sqrt(dh), so the term added to the scaled logits is z / sqrt(dh)
    return np.where(mask > 0, interpolate(q, e, pos), 0.0) / np.sqrt(dh)


def cope_bidirectional(q, k, e):
    n, dh = q.shape
    gates = 1.0 / (1.0 + np.exp(-(q @ k.T / np.sqrt(dh))))
    pos = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            lo, hi = min(i, j), max(i, j)
            pos[i, j] = gates[i, lo : hi + 1].sum()
    return interpolate(q, e, np.minimum(pos, e.shape[0] - 1)) / np.sqrt(dh)


def make(write):
    q, k = example_qk(9, 4)
    for npos in (4, 64):
        e = pos_emb(npos, 4, 0)
        write(f"cope_causal_n9_dh4_npos{npos}.txt", cope_causal(q, k, e),
              f"cope causal position logits z (n, n), zero above the diagonal, n=9, dh=4, npos={npos}, seed=0")
        write(f"cope_bidirectional_n9_dh4_npos{npos}.txt", cope_bidirectional(q, k, e),
              f"cope bidirectional variant z (n, n), n=9, dh=4, npos={npos}, seed=0")
    write("cope_pos_emb_npos4_dh4_seed0.txt", pos_emb(4, 4, 0), "cope pos_emb (npos, dh), npos=4, dh=4, seed=0")
