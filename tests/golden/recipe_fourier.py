"""The article's (seeds/002) Fourier positions: PE(pos, k) = cos(2 pi k pos / N),
k = 0..d-1 the component, N the sequence length (or a given period)."""
import numpy as np


def table(positions, d, N):
    pos = np.asarray(positions, dtype=np.float64)[:, None]
    k = np.arange(d, dtype=np.float64)[None, :]
    return np.cos(2 * np.pi * k * pos / N)


def make(write):
    write("fourier_n10_d6.txt", table(range(10), 6, 10), "fourier PE(p, k), p = 0..9, d = 6, N = n = 10, (n, d)")
    write("fourier_n12_d5_N7.txt", table(range(12), 5, 7), "fourier PE(p, k), p = 0..11, d = 5, N = 7, (n, d)")
