"""Sinusoidal tables, as the references write them.

interleaved: the paper / pytorch tutorial: div_term = exp(arange(0, d, 2) * -ln(10000)/d),
             pe[:, 0::2] = sin(p * div), pe[:, 1::2] = cos(p * div)
concat:      tensor2tensor get_timing_signal_1d: inv = exp(-k * ln(10000)/max(d//2 - 1, 1)),
             [sin | cos], zero pad for odd d.
"""
import numpy as np


def interleaved(n, d, base=10000.0):
    p = np.arange(n, dtype=np.float64)[:, None]
    div = np.exp(np.arange(0, d, 2, dtype=np.float64) * -(np.log(base) / d))
    pe = np.zeros((n, d))
    pe[:, 0::2] = np.sin(p * div)
    pe[:, 1::2] = np.cos(p * div)[:, : d // 2]
    return pe


def concat(n, d, base=10000.0):
    half = d // 2
    inc = np.log(base) / max(half - 1, 1)
    inv = np.exp(np.arange(half, dtype=np.float64) * -inc)
    t = np.arange(n, dtype=np.float64)[:, None] * inv[None, :]
    sig = np.concatenate([np.sin(t), np.cos(t)], axis=1)
    return np.pad(sig, [[0, 0], [0, d % 2]])


def make(write):
    write("sinusoidal_interleaved_n16_d10.txt", interleaved(16, 10), "sinusoidal interleaved, n=16, d=10, base=10000")
    write("sinusoidal_concat_n16_d10.txt", concat(16, 10), "sinusoidal concat, n=16, d=10, base=10000")
