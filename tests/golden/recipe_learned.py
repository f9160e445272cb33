"""Learned (GPT-2 wpe) table at initialisation: N(0, std) per entry, seeded.

The project's generator (cpp/include/pe/rng.hpp), from pe_rng.py.
Row p of the table is its own stream: Rng(seed_mix(seed_mix(seed, 0x1ea2), p)).
"""
import numpy as np

from pe_rng import Rng, seed_mix


def wpe(n, d, seed, std=0.02):
    base = seed_mix(seed, 0x1EA2)
    out = np.zeros((n, d))
    for p in range(n):
        rng = Rng(seed_mix(base, p))
        out[p] = [rng.normal(0.0, std) for _ in range(d)]
    return out


def make(write):
    write("learned_n6_d5_seed0.txt", wpe(6, 5, 0), "learned wpe, n=6, d=5, seed=0, std=0.02")
    write("learned_n4_d8_seed7_std1.txt", wpe(4, 8, 7, 1.0), "learned wpe, n=4, d=8, seed=7, std=1")
