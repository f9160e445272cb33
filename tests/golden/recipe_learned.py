"""Learned (GPT-2 wpe) table at initialisation: N(0, std) per entry, seeded.

The project's generator (cpp/include/pe/rng.hpp) rewritten here from its definition:
splitmix64 bits, uniform (x >> 11 + 0.5) / 2^53, Box-Muller normals (cos first, sin kept
as the spare), seed_mix(seed, stream) = first output of splitmix64(seed ^ stream * C).
Row p of the table is its own stream: Rng(seed_mix(seed_mix(seed, 0x1ea2), p)).
"""
import math

import numpy as np

M64 = (1 << 64) - 1


class Rng:
    def __init__(self, seed):
        self.state = seed & M64
        self.spare = None

    def next_u64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & M64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        return z ^ (z >> 31)

    def uniform(self):
        return ((self.next_u64() >> 11) + 0.5) * (1.0 / 9007199254740992.0)

    def normal(self, mean, std):
        if self.spare is not None:
            s, self.spare = self.spare, None
            return mean + std * s
        u1, u2 = self.uniform(), self.uniform()
        r = math.sqrt(-2.0 * math.log(u1))
        self.spare = r * math.sin(6.283185307179586 * u2)
        return mean + std * r * math.cos(6.283185307179586 * u2)


def seed_mix(seed, stream):
    return Rng(seed ^ ((stream * 0xD1B54A32D192ED03) & M64)).next_u64()


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
