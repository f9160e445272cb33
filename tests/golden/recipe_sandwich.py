"""Sandwich biases, as NVIDIA/NeMo sandwich_relative_position_embedding.py computes them:
inv_freq = 1 / 10000 ** (2 * arange(1, D/2 + 1) / D), bias = sum(cos(r * inv_freq)),
scaled_bias = (bias - D/2) / (h * 8 / H) for head h = 1..H, r = j - i.
Here in float64 (NeMo: float32 tensors), at spread positions.
"""
import numpy as np

POS = np.array([0, 1, 2, 5, 9, 17, 40, 100])


def bias(dim, heads, pos):
    inv_freq = 1.0 / 10000 ** (2 * np.arange(1, dim / 2 + 1) / dim)
    r = (pos[None, :] - pos[:, None]).astype(np.float64)
    dot = np.cos(r[:, :, None] * inv_freq).sum(axis=2)
    scales = np.arange(1, heads + 1)[:, None, None] * 8 / heads
    return (dot[None] - dim / 2) / scales


def make(write):
    write("sandwich_d8_h4.txt", bias(8, 4, POS), f"sandwich bias, D=8, H=4, positions {POS.tolist()}, (H, n, n)")
    write("sandwich_d64_h3.txt", bias(64, 3, POS), f"sandwich bias, D=64, H=3, positions {POS.tolist()}, (H, n, n)")
