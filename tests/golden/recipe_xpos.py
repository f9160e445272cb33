"""xPos, transcribed from microsoft/torchscale torchscale/component/xpos_relative_position.py.

XPOS(head_dim, scale_base).forward(x, offset, downscale) on x of `length` rows:
  scale_k   = (2k + 0.4 head_dim) / (1.4 head_dim)
  min_pos   = -(length + offset) // 2  (Python floor division), max_pos = length + offset + min_pos
  scale     = scale_k ** (arange(min_pos, max_pos) / scale_base)          (T, head_dim/2)
  sin, cos  = fixed_pos_embedding: angles arange(0, T) * 10000^(-j/(head_dim/2))
  keep the last `length` rows; downscale (keys): scale = 1 / scale
  out       = x * dup(cos * scale) + rotate_every_two(x) * dup(sin * scale)
where dup repeats each column twice (duplicate_interleave) and rotate_every_two(x) puts
(-x[2k+1], x[2k]) in dims (2k, 2k+1).

Each xpos_<case>.txt holds, flattened: rotated q (2, length, dh), then rotated k (2, length, dh)
for the input rotary_q_h2_n7_d16.txt (made by recipe_rope.py; its first `length` rows per head),
at positions offset .. offset + length - 1.
"""
import numpy as np

HEADS = 2
DH = 16
CASES = [  # (case, scale_base, offset, length)
    ("sb512_offset0", 512.0, 0, 7),
    ("sb8_offset0", 8.0, 0, 7),
    ("sb8_offset5", 8.0, 5, 6),
]


def xpos(x, scale_base, offset, downscale):
    length, head_dim = x.shape[-2], x.shape[-1]
    zeta = (np.arange(0, head_dim, 2, dtype=np.float64) + 0.4 * head_dim) / (1.4 * head_dim)
    min_pos = -(length + offset) // 2
    max_pos = length + offset + min_pos
    scale = zeta[None, :] ** (np.arange(min_pos, max_pos, dtype=np.float64)[:, None] / scale_base)
    dim = head_dim // 2
    inv = 1.0 / (10000 ** (np.arange(0, dim, dtype=np.float64) / dim))
    ang = np.arange(0, scale.shape[0], dtype=np.float64)[:, None] * inv[None, :]
    sin, cos = np.sin(ang), np.cos(ang)
    if scale.shape[0] > length:
        scale, sin, cos = scale[-length:], sin[-length:], cos[-length:]
    if downscale:
        scale = 1 / scale
    c, s = np.repeat(cos * scale, 2, -1), np.repeat(sin * scale, 2, -1)
    rot = np.stack([-x[..., 1::2], x[..., 0::2]], -1).reshape(x.shape)
    return x * c + rot * s


def make(write):
    rng = np.random.default_rng(1000 + DH)  # the same input as recipe_rope.py rotary_input(16)
    q_all = rng.standard_normal((HEADS, 7, DH)).astype(np.float32).astype(np.float64)
    for name, sb, offset, length in CASES:
        x = q_all[:, :length, :]
        out = np.concatenate([xpos(x, sb, offset, False).ravel(), xpos(x, sb, offset, True).ravel()])
        write(f"xpos_{name}.txt", out,
              f"xpos dh={DH}, scale_base={sb}, offset={offset}, length={length}: rotated q then rotated k, "
              f"each ({HEADS}, {length}, {DH}), input = first {length} rows of rotary_q_h2_n7_d16.txt")
