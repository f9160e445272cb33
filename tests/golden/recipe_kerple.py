"""KERPLE biases, as chijames/KERPLE megatron/mpu/layers.py computes them.

ParallelKerpleLog:   bias = -bias_p * log(1 + bias_a * diff), bias_p, bias_a clamped >= 1e-2
ParallelKerplePower: bias = -bias_a * diff ** bias_p, bias_a >= 1e-2, 1e-2 <= bias_p <= 2
with diff = tril(i - j) (= |i - j| on the keys a causal mask keeps). The playground names
them r1, r2 as the paper does: log r1 = bias_p, r2 = bias_a; power r1 = bias_a, r2 = bias_p.
Initial values: the reference draws torch.rand * scale (log: bias_p scale 2, bias_a 1;
power: bias_a 1, bias_p 2); the playground draws the same uniforms from its own generator,
pe::Rng seeded per (tensor, head) (pe_rng.py), r1 first.
"""
import numpy as np

from pe_rng import Rng, seed_mix

EPS = 1e-2
POS = np.array([0, 1, 3, 7, 12, 30])


def clamp(variant, r1, r2):
    r1 = np.maximum(np.asarray(r1, dtype=np.float64), EPS)
    r2 = np.maximum(np.asarray(r2, dtype=np.float64), EPS)
    if variant == "power":
        r2 = np.minimum(r2, 2.0)
    return r1, r2


def bias(variant, r1, r2, pos):
    r1, r2 = clamp(variant, r1, r2)
    diff = np.abs(pos[:, None] - pos[None, :]).astype(np.float64)[None]
    if variant == "log":
        return -r1[:, None, None] * np.log(1 + r2[:, None, None] * diff)
    return -r1[:, None, None] * diff ** r2[:, None, None]


def initial(variant, seed, heads):
    scale = (2.0, 1.0) if variant == "log" else (1.0, 2.0)
    stream = seed_mix(seed, 0x4B52)
    return np.array([[scale[t] * Rng(seed_mix(stream, t * 64 + h)).uniform() for h in range(heads)] for t in range(2)])


def make(write):
    write("kerple_log_init_seed0_h4.txt", initial("log", 0, 4), "kerple log initial (r1, r2), seed 0, H=4, (2, H)")
    write("kerple_power_init_seed3_h4.txt", initial("power", 3, 4), "kerple power initial (r1, r2), seed 3, H=4, (2, H)")
    # Third head: r1 below eps, r2 below eps (log) / above 2 (power): the clamps act.
    write("kerple_log_bias.txt", bias("log", [1.5, 0.25, 0.004], [0.3, 2.0, -0.5], POS),
          f"kerple log bias, r1 = [1.5, 0.25, 0.004], r2 = [0.3, 2.0, -0.5], positions {POS.tolist()}, (H, n, n)")
    write("kerple_power_bias.txt", bias("power", [0.8, 1.7, 0.002], [0.5, 1.0, 2.7], POS),
          f"kerple power bias, r1 = [0.8, 1.7, 0.002], r2 = [0.5, 1.0, 2.7], positions {POS.tolist()}, (H, n, n)")
