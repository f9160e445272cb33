"""FoPE (Hua et al. 2024; the authors' OLMo fork olmo/model.py FourierEmbedding), in the
configuration fope.hpp documents: fourier_dim = head_dim, floor clamp to zero at
2 pi / train_len, separate sin/cos bases, one pair of matrices per head, init "eye_norm"
(identity + N(0, sigma)), no column normalisation, zero frequencies kept.

  w_m      = 1 / theta^(2m/dh); w_m = 0 where w_m < 2 pi / train_len
  Fc[k]    = sum_m cos(p w_m) C_cos[h][m][k],   Fs[k] = sum_m sin(p w_m) C_sin[h][m][k]
  applied as the fork's apply_rotary_pos_emb: t * cat(Fc, Fc) + rotate_half(t) * cat(Fs, Fs)

The matrices' noise comes from pe::Rng (cpp/include/pe/rng.hpp), transcribed below:
splitmix64, uniform = ((x >> 11) + 0.5) / 2^53, Box-Muller returning r cos first and
r sin next; C_cos[h] from Rng(seed_mix(seed, 2h)), C_sin[h] from Rng(seed_mix(seed, 2h+1)),
row-major over (m, k).

fope_<case>.txt holds, flattened: inv_freq (dh/2), cos_coef (H, dh/2, dh/2),
sin_coef (H, dh/2, dh/2), profile (12), rotated q (H, 7, dh) of rotary_q_h2_n7_d16.txt
(recipe_rope.py) at positions POS.
profile[r] = sum_k 2 (Fc_r[k] Fc_0[k] + Fs_r[k] Fs_0[k]) for head 0.
"""
import math

import numpy as np

M64 = (1 << 64) - 1
POS = np.array([0, 1, 3, 7, 20, 150, 1000], dtype=np.float64)
HEADS, DH, PROFILE_N = 2, 16, 12
CASES = [  # (case, theta, train_len, sigma, seed)
    ("tl64_s7", 10000.0, 64, 0.3, 7),
    ("tl1000_s0_sigma0", 10000.0, 1000, 0.0, 0),
]


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

    def normal(self):
        if self.spare is not None:
            s, self.spare = self.spare, None
            return s
        u1, u2 = self.uniform(), self.uniform()
        r = math.sqrt(-2.0 * math.log(u1))
        self.spare = r * math.sin(6.283185307179586 * u2)
        return r * math.cos(6.283185307179586 * u2)


def seed_mix(seed, stream):
    return Rng(seed ^ ((stream * 0xD1B54A32D192ED03) & M64)).next_u64()


def coefficients(seed, h, pairs, sigma):
    out = []
    for which in range(2):
        rng = Rng(seed_mix(seed, 2 * h + which))
        c = np.array([[(1.0 if m == k else 0.0) + sigma * rng.normal() for k in range(pairs)]
                      for m in range(pairs)])
        out.append(c)
    return out  # C_cos, C_sin


def make(write):
    rng = np.random.default_rng(1000 + DH)  # recipe_rope.py rotary_input(16)
    q = rng.standard_normal((HEADS, len(POS), DH)).astype(np.float32).astype(np.float64)
    pairs = DH // 2
    for name, theta, train_len, sigma, seed in CASES:
        inv = 1.0 / (theta ** (np.arange(0, DH, 2, dtype=np.float64) / DH))
        inv[inv < 2 * math.pi / train_len] = 0.0
        coefs = [coefficients(seed, h, pairs, sigma) for h in range(HEADS)]
        cos_c = np.stack([c[0] for c in coefs])
        sin_c = np.stack([c[1] for c in coefs])

        def mix(p, h):
            return np.cos(p * inv) @ cos_c[h], np.sin(p * inv) @ sin_c[h]

        fc0, fs0 = mix(0.0, 0)
        profile = []
        for r in range(PROFILE_N):
            fc, fs = mix(float(r), 0)
            profile.append(2 * (fc * fc0 + fs * fs0).sum())
        out = np.empty_like(q)
        for h in range(HEADS):
            fc = np.cos(POS[:, None] * inv[None, :]) @ cos_c[h]  # (n, pairs)
            fs = np.sin(POS[:, None] * inv[None, :]) @ sin_c[h]
            t = q[h]
            rh = np.concatenate([-t[:, pairs:], t[:, :pairs]], -1)
            out[h] = t * np.concatenate([fc, fc], -1) + rh * np.concatenate([fs, fs], -1)
        flat = np.concatenate([inv, cos_c.ravel(), sin_c.ravel(), profile, out.ravel()])
        write(f"fope_{name}.txt", flat,
              f"fope dh={DH}, heads={HEADS}, theta={theta}, train_len={train_len}, sigma={sigma}, seed={seed}: "
              f"inv_freq ({pairs}), cos_coef, sin_coef ({HEADS}, {pairs}, {pairs}), profile ({PROFILE_N}), "
              f"rotated q ({HEADS}, {len(POS)}, {DH}) at positions {POS.astype(int).tolist()}")
