"""Binary positions, as huggingface/blog designing-positional-encoding.md describes them:
component k carries bit k of p (least significant first), values 0 and 1.
"""
import numpy as np


def binary(n, d):
    p = np.arange(n)[:, None]
    k = np.arange(d)[None, :]
    return (p // 2**k) % 2


def make(write):
    write("binary_n20_d6.txt", binary(20, 6), "binary bits (0/1, least significant first), n=20, d=6")
    write("binary_n20_d4.txt", binary(20, 4), "binary bits, n=20, d=4: positions 16..19 repeat the codes of 0..3")
