"""FoPE (Hua et al. 2024; the authors' OLMo fork olmo/model.py FourierEmbedding), in the
configurations fope.hpp documents: fourier_dim = head_dim, floor clamp to zero at
2 pi / train_len, separate sin/cos bases, one pair of matrices per head, no column
normalisation, and per case:
  init "eye_xavier_norm" (the fork's default): step eye + N(0, std^2), std = gain *
      sqrt(2 / (fan_in + fan_out)) with torch's fans of the (heads, in, out) tensor:
      fan_in = in * out, fan_out = heads * out;
  init "eye_norm": step eye + N(0, sigma^2);
  ignore_zero (the fork's default true): the zeroed frequencies are dropped, in = #nonzero,
      out = min(in, dh // 4), and the outputs are padded to dh/2 with the value 1
      (F.pad(..., value=1)) for both sin and cos; false: in = out = dh/2, zeros kept.
  step eye (get_step_eye): E[k * ceil(in/out), k] = 1 where that row exists.

  w_m      = 1 / theta^(2m/dh); w_m = 0 where w_m < 2 pi / train_len
  Fc[k]    = sum_m cos(p u_m) C_cos[h][m][k],   Fs[k] = sum_m sin(p u_m) C_sin[h][m][k]
  applied as the fork's apply_rotary_pos_emb: t * cat(Fc, Fc) + rotate_half(t) * cat(Fs, Fs)

The matrices' noise comes from pe::Rng (cpp/include/pe/rng.hpp), transcribed in pe_rng.py:
splitmix64, uniform = ((x >> 11) + 0.5) / 2^53, Box-Muller returning r cos first and
r sin next; C_cos[h] from Rng(seed_mix(seed, 2h)), C_sin[h] from Rng(seed_mix(seed, 2h+1)),
row-major over (m, k), each draw times std.

fope_<case>.txt holds, flattened: inv_freq (dh/2, clipped ones 0), cos_coef (H, in, out),
sin_coef (H, in, out), profile (12), rotated q (H, 7, dh) of rotary_q_h2_n7_d16.txt
(recipe_rope.py) at positions POS.
profile[r] = sum_k 2 (Fc_r[k] Fc_0[k] + Fs_r[k] Fs_0[k]) for head 0, k over all dh/2 pairs.
"""
import math

import numpy as np

from pe_rng import Rng, seed_mix

POS = np.array([0, 1, 3, 7, 20, 150, 1000], dtype=np.float64)
HEADS, DH, PROFILE_N = 2, 16, 12
CASES = [  # (case, theta, train_len, init, sigma, ignore_zero, seed)
    ("tl64_s7", 10000.0, 64, "eye_norm", 0.3, False, 7),
    ("tl1000_s0_sigma0", 10000.0, 1000, "eye_norm", 0.0, False, 0),
    ("default_tl64_s7", 10000.0, 64, "eye_xavier_norm", 0.3, True, 7),  # in 3, out 3
    ("default_tl1000_s5", 10000.0, 1000, "eye_xavier_norm", 0.3, True, 5),  # in 5, out 4, step 2
    ("eyenorm_ignore_tl1000_s2", 10000.0, 1000, "eye_norm", 0.3, True, 2),
    ("xavier_keepzero_tl64_s3", 10000.0, 64, "eye_xavier_norm", 0.5, False, 3),
]
LEGACY = {"tl64_s7", "tl1000_s0_sigma0"}  # the eye_norm / ignore_zero=false reading, notes as first written


def step_eye(n_in, n_out):
    e = np.zeros((n_in, n_out))
    if n_out == 0:
        return e
    step = math.ceil(n_in / n_out)
    for k in range(n_out):
        if k * step < n_in:
            e[k * step, k] = 1.0
    return e


def coefficients(seed, h, n_in, n_out, std):
    out = []
    for which in range(2):
        rng = Rng(seed_mix(seed, 2 * h + which))
        noise = np.array([[std * rng.normal() for k in range(n_out)] for m in range(n_in)]).reshape(n_in, n_out)
        out.append(step_eye(n_in, n_out) + noise)
    return out  # C_cos, C_sin


def make(write):
    rng = np.random.default_rng(1000 + DH)  # recipe_rope.py rotary_input(16)
    q = rng.standard_normal((HEADS, len(POS), DH)).astype(np.float32).astype(np.float64)
    pairs = DH // 2
    for name, theta, train_len, init, sigma, ignore_zero, seed in CASES:
        inv = 1.0 / (theta ** (np.arange(0, DH, 2, dtype=np.float64) / DH))
        inv[inv < 2 * math.pi / train_len] = 0.0
        freq = inv[inv != 0.0] if ignore_zero else inv
        n_in = len(freq)
        n_out = min(n_in, DH // 4) if ignore_zero else DH // 2
        if init == "eye_norm":
            std = sigma
        else:  # torch.nn.init.xavier_normal_ on (HEADS, n_in, n_out)
            fan_in, fan_out = n_in * n_out, HEADS * n_out
            std = sigma * math.sqrt(2.0 / (fan_in + fan_out))
        coefs = [coefficients(seed, h, n_in, n_out, std) for h in range(HEADS)]
        cos_c = np.stack([c[0] for c in coefs])
        sin_c = np.stack([c[1] for c in coefs])

        def mix(p, h):
            """(..., pairs) Fc, Fs for positions p: (...)."""
            p = np.asarray(p, dtype=np.float64)[..., None]
            fc = np.cos(p * freq) @ cos_c[h]
            fs = np.sin(p * freq) @ sin_c[h]
            pad = [(0, 0)] * (fc.ndim - 1) + [(0, pairs - n_out)]
            return (np.pad(fc, pad, constant_values=1.0), np.pad(fs, pad, constant_values=1.0))

        fc0, fs0 = mix(0.0, 0)
        profile = []
        for r in range(PROFILE_N):
            fc, fs = mix(float(r), 0)
            profile.append(2 * (fc * fc0 + fs * fs0).sum())
        out = np.empty_like(q)
        for h in range(HEADS):
            fc, fs = mix(POS, h)  # (n, pairs)
            t = q[h]
            rh = np.concatenate([-t[:, pairs:], t[:, :pairs]], -1)
            out[h] = t * np.concatenate([fc, fc], -1) + rh * np.concatenate([fs, fs], -1)
        flat = np.concatenate([inv, cos_c.ravel(), sin_c.ravel(), profile, out.ravel()])
        if name in LEGACY:
            note = (f"fope dh={DH}, heads={HEADS}, theta={theta}, train_len={train_len}, sigma={sigma}, seed={seed}: "
                    f"inv_freq ({pairs}), cos_coef, sin_coef ({HEADS}, {pairs}, {pairs}), profile ({PROFILE_N}), "
                    f"rotated q ({HEADS}, {len(POS)}, {DH}) at positions {POS.astype(int).tolist()}")
        else:
            note = (f"fope dh={DH}, heads={HEADS}, theta={theta}, train_len={train_len}, init={init}, sigma={sigma}, "
                    f"ignore_zero={ignore_zero}, seed={seed} (noise std {std:.17g}): inv_freq ({pairs}), "
                    f"cos_coef, sin_coef ({HEADS}, {n_in}, {n_out}), profile ({PROFILE_N}), "
                    f"rotated q ({HEADS}, {len(POS)}, {DH}) at positions {POS.astype(int).tolist()}")
        write(f"fope_{name}.txt", flat, note)
