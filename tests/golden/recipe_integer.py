"""Integer positions, as huggingface/blog designing-positional-encoding.md describes them:
add p (or p / N, N the sequence length) to every component.
"""
import numpy as np


def integer(n, d, normalise):
    p = np.arange(n, dtype=np.float64)
    if normalise:
        p = p / n
    return np.repeat(p[:, None], d, axis=1)


def make(write):
    write("integer_n7_d3.txt", integer(7, 3, False), "integer, n=7, d=3")
    write("integer_normalised_n7_d3.txt", integer(7, 3, True), "integer normalise=true, n=7, d=3")
