"""Randomized positional encodings (Ruoss et al. 2023): the drawn positions, and the inner
encodings at them as the reference code writes them.

The draw (cpp/include/pe/schemes/randomized.hpp), with the project's generator from
pe_rng.py: Floyd's sampling of n distinct integers from [0, L), then sorted:
  rng = Rng(seed_mix(seed_mix(seed, 0x7a4d), draw)); S = {}
  for j in L-n .. L-1: t = rng.next_u64() % (j + 1); S.add(j if t in S else t)
The reference draws with jax.random.choice(arange(L), (n,), replace=False) and sorts; only
the generator differs.

Inner encodings at the drawn positions I, following google-deepmind/
randomized_positional_encodings models/positional_encodings.py:
  sinusoidal: sin/cos of I * max_time^(-2k/d), max_time = 10000, here in interleaved
              (sin, cos) pairs (our `sinusoidal`; the reference concatenates [sin | cos]).
  rope:       apply_rotary_encoding: x * cos(t) + sin(t) * x_rot, t = I * repeat(inv, 2),
              inv_k = max_time^(-k / (dh/2)), x_rot[2k] = -x[2k+1], x_rot[2k+1] = x[2k].
  learned:    rows I of our seeded learned table (recipe_learned.py) of L rows.
"""
import numpy as np

from pe_rng import Rng, seed_mix
from recipe_learned import wpe
from recipe_rope import rotary_input

DRAW_STREAM = 0x7A4D


def draw(n, L, seed, which):
    assert 0 <= n <= L
    rng = Rng(seed_mix(seed_mix(seed, DRAW_STREAM), which))
    chosen = set()
    for j in range(L - n, L):
        t = rng.next_u64() % (j + 1)
        chosen.add(j if t in chosen else t)
    return np.array(sorted(chosen), dtype=np.float64)


def sinusoidal_at(pos, d, max_time=10000.0):
    inv = max_time ** (-np.arange(0, d, 2, dtype=np.float64) / d)
    t = pos[:, None] * inv[None, :]
    pe = np.zeros((len(pos), d))
    pe[:, 0::2] = np.sin(t)
    pe[:, 1::2] = np.cos(t)[:, : d // 2]
    return pe


def rope_at(x, pos, max_time=10000.0):
    """x: (heads, n, dh), rotated as the reference's apply_rotary_encoding."""
    dh = x.shape[-1]
    inv = max_time ** (-np.arange(dh // 2, dtype=np.float64) / (dh // 2))
    t = pos[:, None] * np.repeat(inv, 2)[None, :]  # (n, dh)
    x_rot = np.empty_like(x)
    x_rot[..., 0::2] = -x[..., 1::2]
    x_rot[..., 1::2] = x[..., 0::2]
    return x * np.cos(t)[None] + np.sin(t)[None] * x_rot


def make(write):
    for n, L, seed, which in [(10, 64, 0, 0), (16, 2048, 3, 5), (64, 65536, 7, (1 << 64) - 1), (8, 8, 1, 2)]:
        name = "max" if which == (1 << 64) - 1 else which
        write(f"randomized_draw_n{n}_L{L}_seed{seed}_draw{name}.txt", draw(n, L, seed, which),
              f"randomized positions, n={n} from [0, {L}), seed={seed}, draw={which}")
    write("randomized_sinusoidal_n10_d6_L64_seed0.txt", sinusoidal_at(draw(10, 64, 0, 0), 6),
          "randomized inner=sinusoidal: interleaved sin/cos (max_time 10000) at draw 0, n=10, d=6, L=64, seed=0")
    write("randomized_rope_q_h2_n7_d16_L64_seed2.txt", rope_at(rotary_input(16), draw(7, 64, 2, 0)),
          "randomized inner=rope: rotary_q_h2_n7_d16 rotated as apply_rotary_encoding at draw 0, L=64, seed=2")
    pos = draw(6, 40, 4, 0).astype(int)
    write("randomized_learned_n6_d5_L40_seed4.txt", wpe(40, 5, 4)[pos],
          "randomized inner=learned: rows of the seeded table (L=40 rows, d=5, seed 4, std 0.02) at draw 0, n=6")
