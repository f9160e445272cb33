"""RoPE: (inv_freq, attention_factor) per scaling and the rotated queries, as the references compute them.

Frequencies: huggingface/transformers src/transformers/modeling_rope_utils.py, one function per
rope_type (_compute_default/linear/ntk/dynamic_ntk/yarn/llama3/longrope_parameters), with
dim = int(head_dim * partial_rotary_factor) and factor/original_max_position_embeddings taken
as given. Application: cos/sin times attention_factor;
  half:        q * cat(cos, cos) + rotate_half(q) * cat(sin, sin), rotate_half(x) = cat(-x2, x1)
               (HF modeling_llama.py apply_rotary_pos_emb), on the first dim dims only;
  interleaved: q * repeat_interleave(cos, 2) + rotate_every_two(q) * repeat_interleave(sin, 2),
               rotate_every_two(x)[2k] = -x[2k+1], [2k+1] = x[2k] (GPT-J).

Each rope_<case>.txt holds, flattened in this order:
  attention_factor (1), inv_freq (dim/2), profile (12), rotated q (2, 7, head_dim)
for the input rotary_q_h2_n7_d<head_dim>.txt at positions POS.
profile[r] = attention_factor^2 * sum_k 2 cos(r inv_freq[k]), r = 0..11.
"""
import math

import numpy as np

POS = np.array([0, 1, 3, 7, 20, 150, 1000], dtype=np.float64)
HEADS = 2
PROFILE_N = 12

# (case, head_dim, settings as the C++ test passes them)
CASES = [
    ("none_half", 16, {}),
    ("none_interleaved", 16, {"layout": "interleaved"}),
    ("partial_half", 16, {"partial": "0.5", "theta": "500"}),
    ("partial_interleaved", 16, {"partial": "0.75", "layout": "interleaved"}),
    ("linear", 16, {"scaling": "linear", "factor": "4"}),
    ("ntk", 16, {"scaling": "ntk", "factor": "4"}),
    ("dynamic_long", 16, {"scaling": "dynamic", "factor": "4", "max_pos": "32", "seq_len": "100"}),
    ("dynamic_short", 16, {"scaling": "dynamic", "factor": "4", "max_pos": "32", "seq_len": "10"}),
    ("yarn", 64, {"scaling": "yarn", "factor": "8", "original_max": "2048"}),
    ("yarn_af", 64, {"scaling": "yarn", "factor": "8", "original_max": "2048", "attention_factor": "1.5",
                     "beta_fast": "16", "beta_slow": "2"}),
    ("yarn_equal", 16, {"scaling": "yarn", "factor": "4", "original_max": "4"}),
    ("yarn_clamp", 16, {"scaling": "yarn", "factor": "4", "original_max": "1000000000"}),
    ("llama3", 64, {"scaling": "llama3", "theta": "500000", "factor": "8", "original_max": "8192",
                    "low_freq_factor": "1", "high_freq_factor": "4"}),
    ("longrope_short", 16, {"scaling": "longrope", "factor": "4", "original_max": "64", "seq_len": "64",
                            "short_factor": "1,1.1,1.2,1.5,2,3,4,6", "long_factor": "1,2,3,4,5,6,8,16"}),
    ("prope_half", 16, {"p": "0.25"}),
    ("prope_yarn", 64, {"scaling": "yarn", "factor": "8", "original_max": "2048", "p": "0.75",
                        "layout": "interleaved"}),
    ("yarn_mscale", 64, {"scaling": "yarn", "factor": "40", "original_max": "4096", "mscale": "1",
                         "mscale_all_dim": "0.707"}),
    ("longrope_long", 16, {"scaling": "longrope", "factor": "4", "original_max": "64", "seq_len": "65",
                           "short_factor": "1,1.1,1.2,1.5,2,3,4,6", "long_factor": "1,2,3,4,5,6,8,16"}),
]

DEFAULTS = {"theta": "10000", "layout": "half", "partial": "1", "scaling": "none", "factor": "8",
            "original_max": "8192", "max_pos": "8192", "seq_len": "0", "beta_fast": "32", "beta_slow": "1",
            "low_freq_factor": "1", "high_freq_factor": "4", "attention_factor": "0",
            "long_factor": "", "short_factor": "", "p": "1", "mscale": "0", "mscale_all_dim": "0"}


def base_inv(base, dim):
    return 1.0 / (base ** (np.arange(0, dim, 2, dtype=np.float64) / dim))


def frequencies(cfg, dim, seq_len):
    """(inv_freq, attention_factor): the scaling, then p-RoPE's truncation."""
    inv, af = scaled_frequencies(cfg, dim, seq_len)
    # p-RoPE (Barbero et al. 2024): keep the int(p * dim // 2) highest frequencies, the rest 0
    kept = int(float(cfg["p"]) * dim // 2)
    inv = inv.copy()
    inv[kept:] = 0.0
    return inv, af


def get_mscale(scale, mscale=1.0):
    return 1.0 if scale <= 1 else 0.1 * mscale * math.log(scale) + 1.0


def scaled_frequencies(cfg, dim, seq_len):
    """(inv_freq, attention_factor) following modeling_rope_utils.py."""
    base = float(cfg["theta"])
    factor = float(cfg["factor"])
    L0 = int(cfg["original_max"])
    af_given = float(cfg["attention_factor"]) or None
    kind = cfg["scaling"]
    if kind == "none":
        return base_inv(base, dim), 1.0
    if kind == "linear":
        return base_inv(base, dim) / factor, 1.0
    if kind == "ntk":
        return base_inv(base * factor ** (dim / (dim - 2)), dim), 1.0
    if kind == "dynamic":
        max_pos = int(cfg["max_pos"])
        L = max(seq_len, max_pos)
        return base_inv(base * ((factor * L / max_pos) - (factor - 1)) ** (dim / (dim - 2)), dim), 1.0
    if kind == "yarn":
        mscale, mscale_all_dim = float(cfg["mscale"]), float(cfg["mscale_all_dim"])
        if af_given is not None:
            af = af_given
        elif mscale and mscale_all_dim:  # _compute_yarn_parameters (DeepSeek configs)
            af = get_mscale(factor, mscale) / get_mscale(factor, mscale_all_dim)
        else:
            af = get_mscale(factor)
        beta_fast, beta_slow = float(cfg["beta_fast"]), float(cfg["beta_slow"])

        def corr_dim(rot):
            return (dim * math.log(L0 / (rot * 2 * math.pi))) / (2 * math.log(base))

        low = max(math.floor(corr_dim(beta_fast)), 0)
        high = min(math.ceil(corr_dim(beta_slow)), dim - 1)
        if low == high:
            high += 0.001
        ramp = np.clip((np.arange(dim // 2, dtype=np.float64) - low) / (high - low), 0, 1)
        pos_freqs = base ** (np.arange(0, dim, 2, dtype=np.float64) / dim)
        extrap = 1.0 / pos_freqs
        interp = 1.0 / (factor * pos_freqs)
        extrap_factor = 1 - ramp
        return interp * (1 - extrap_factor) + extrap * extrap_factor, af
    if kind == "llama3":
        inv = base_inv(base, dim)
        lo, hi = float(cfg["low_freq_factor"]), float(cfg["high_freq_factor"])
        low_wavelen, high_wavelen = L0 / lo, L0 / hi
        wavelen = 2 * math.pi / inv
        out = np.where(wavelen > low_wavelen, inv / factor, inv)
        smooth = (L0 / wavelen - lo) / (hi - lo)
        smoothed = (1 - smooth) * out / factor + smooth * out
        medium = ~(wavelen < high_wavelen) & ~(wavelen > low_wavelen)
        return np.where(medium, smoothed, out), 1.0
    if kind == "longrope":
        af = af_given if af_given is not None else (
            1.0 if factor <= 1 else math.sqrt(1 + math.log(factor) / math.log(L0)))
        key = "long_factor" if seq_len > L0 else "short_factor"
        ext = np.array([float(v) for v in cfg[key].split(",")]) if cfg[key] else np.ones(dim // 2)
        shape = np.arange(0, dim, 2, dtype=np.float64) / dim
        return 1.0 / (ext * base ** shape), af
    raise ValueError(kind)


def rotate(x, pos, inv, af, dim, layout):
    """x: (heads, n, head_dim) -> rotated copy."""
    ang = pos[:, None] * inv[None, :]
    cos, sin = np.cos(ang) * af, np.sin(ang) * af
    rot, rest = x[..., :dim], x[..., dim:]
    if layout == "half":
        c, s = np.concatenate([cos, cos], -1), np.concatenate([sin, sin], -1)
        x1, x2 = rot[..., : dim // 2], rot[..., dim // 2:]
        rh = np.concatenate([-x2, x1], -1)
    else:
        c, s = np.repeat(cos, 2, -1), np.repeat(sin, 2, -1)
        rh = np.stack([-rot[..., 1::2], rot[..., 0::2]], -1).reshape(rot.shape)
    return np.concatenate([rot * c + rh * s, rest], -1)


def rotary_input(dh):
    """Queries (HEADS, n, dh), float32-representable so the C++ float input is exact."""
    rng = np.random.default_rng(1000 + dh)
    return rng.standard_normal((HEADS, len(POS), dh)).astype(np.float32).astype(np.float64)


def make(write):
    for dh in sorted({c[1] for c in CASES}):
        write(f"rotary_q_h{HEADS}_n{len(POS)}_d{dh}.txt", rotary_input(dh),
              f"rotary test input, heads={HEADS}, n={len(POS)}, dh={dh} (numpy default_rng({1000 + dh}), float32)")
    for name, dh, settings in CASES:
        cfg = dict(DEFAULTS, **settings)
        dim = int(dh * float(cfg["partial"]))
        inv, af = frequencies(cfg, dim, int(cfg["seq_len"]) or len(POS))
        r = np.arange(PROFILE_N, dtype=np.float64)
        profile = af * af * (2 * np.cos(r[:, None] * inv[None, :])).sum(-1)
        rotated = rotate(rotary_input(dh), POS, inv, af, dim, cfg["layout"])
        flat = np.concatenate([[af], inv, profile, rotated.ravel()])
        write(f"rope_{name}.txt", flat,
              f"rope {name}, dh={dh}, {settings}: attention_factor, inv_freq ({dim // 2}), "
              f"profile ({PROFILE_N}), rotated q ({HEADS}, {len(POS)}, {dh}) at positions {POS.astype(int).tolist()}")
