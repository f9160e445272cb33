"""CPE / PEG on a sequence, as Meituan-AutoML/Twins PosCNN computes it with a 1-D kernel:
y = x + Conv1d(d, d, 3, padding=1, groups=d)(x), i.e. for each channel c
y[i] = x[i] + w[c,0] x[i-1] + w[c,1] x[i] + w[c,2] x[i+1] + b[c], zero padding at both ends.
Weights and bias at PyTorch's default init U(-1/sqrt(3), 1/sqrt(3)), drawn from the
project's generator (pe_rng.Rng): channel c is the stream seed_mix(seed_mix(seed,
0xc9e0), c), three weights then the bias.
"""
import numpy as np

from pe_rng import Rng, seed_mix


def weights(d, seed):
    bound = 1.0 / np.sqrt(3.0)
    base = seed_mix(seed, 0xC9E0)
    w, b = np.zeros((d, 3)), np.zeros(d)
    for c in range(d):
        rng = Rng(seed_mix(base, c))
        w[c] = [(2.0 * rng.uniform() - 1.0) * bound for _ in range(3)]
        b[c] = (2.0 * rng.uniform() - 1.0) * bound
    return w, b


def example_input(n, d):
    i = np.arange(n)[:, None]
    c = np.arange(d)[None, :]
    return np.sin(0.7 * i + 1.3 * c + 0.2)


def cpe(x, w, b):
    n, d = x.shape
    padded = np.pad(x, [[1, 1], [0, 0]])
    conv = np.stack([np.sum(padded[i : i + 3, :] * w.T, axis=0) for i in range(n)]) + b
    return x + conv


def make(write):
    w, b = weights(5, 0)
    write("cpe_kernel_d5_seed0.txt", w, "cpe kernel (d, 3), d=5, seed=0")
    write("cpe_bias_d5_seed0.txt", b, "cpe conv bias (d), d=5, seed=0")
    x = example_input(6, 5)
    write("cpe_output_n6_d5_seed0.txt", cpe(x, w, b),
          "cpe x + conv(x) for x[i][c] = sin(0.7 i + 1.3 c + 0.2), n=6, d=5, seed=0")
