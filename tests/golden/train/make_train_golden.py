#!/usr/bin/python3
"""Golden gradients of the training core (cpp/include/pe/model.hpp), made by PyTorch.

For each case below this builds model.hpp's tiny GPT-2-style decoder in torch, float64,
from float32 parameters drawn here, runs one batch, and writes (see README):
  <case>.safetensors        the checkpoint: every parameter, float32, model.hpp's names,
                            __metadata__ {"config": ..., "vocab": ...}
  <case>.batch.json         {"tokens": [[ids]], "targets": [[ids or -1]]}
  <case>.grads.safetensors  the gradient of the loss for every parameter, plus "loss" (shape [])
  fixture.safetensors       a small file from the same writer, for test_safetensors.cpp
  cases.json                the cases: file stem -> scheme and settings
Run: /usr/bin/python3 tests/golden/train/make_train_golden.py  (Debian's python3-torch,
python3-numpy). The files are committed; the C++ tests only read them.

The safetensors writer is written out here (json + struct), not taken from a package,
so that the C++ reader is tested against an independent writer.
Before writing, the script checks its schemes against the repository's own goldens
(tests/golden/*.txt), its autograd against finite differences (gradcheck), and RoPE's
relative-position property.
"""
import json
import math
import os
import struct
import sys
import zlib

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.dirname(HERE)

LAYERS, DIM, HEADS, VOCAB_SIZE, MAX_LEN, SEED = 2, 16, 2, 13, 16, 0
SEQ_LEN, BATCH = 9, 2
VOCAB = ["<pad>"] + [chr(ord("a") + i) for i in range(VOCAB_SIZE - 1)]

# (file stem, scheme, settings as the C++ side receives them). Defaults everywhere except
# the two extra cases, which reach code paths the defaults cannot at 9 tokens: T5's
# log-spaced buckets with causal bucketing, and Shaw's clipping.
CASES = [
    ("none", "none", {}),
    ("sinusoidal", "sinusoidal", {}),
    ("learned", "learned", {}),
    ("rope", "rope", {}),
    ("alibi", "alibi", {}),
    ("t5", "t5", {}),
    ("shaw", "shaw", {}),
    ("xpos", "xpos", {}),
    ("cpe", "cpe", {}),
    ("t5_causal", "t5", {"bidirectional": "false", "num_buckets": "8", "max_distance": "20"}),
    ("shaw_k3", "shaw", {"max_relative": "3"}),
]

# Scheme defaults as registered in cpp/include/pe/schemes/*.hpp (only the ones used here).
DEFAULTS = {
    "none": {},
    "sinusoidal": {"base": "10000", "layout": "interleaved"},
    "learned": {},
    "rope": {"theta": "10000", "layout": "half", "partial": "1", "scaling": "none"},
    "alibi": {"causal": "false"},
    "t5": {"num_buckets": "32", "max_distance": "128", "bidirectional": "true"},
    "shaw": {"max_relative": "16"},
    "xpos": {"theta": "10000", "layout": "interleaved", "scale_base": "512"},
    "cpe": {},
}

# ---------------------------------------------------------------- safetensors (our own writer)


def st_encode(tensors, metadata=None):
    """bytes of a safetensors file: F32 tensors sorted by name, header padded with spaces to 8."""
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs, offset = [], 0
    for name in sorted(tensors):
        a = np.array(tensors[name], dtype="<f4", order="C")  # (ascontiguousarray would make a scalar 1-d)
        b = a.tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")  # ensure_ascii: \u escapes
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + b"".join(blobs)


def st_decode(data):
    """(tensors, metadata) of a safetensors file, for this script's own round-trip check."""
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    body = data[8 + n :]
    out = {}
    for name, e in header.items():
        assert e["dtype"] == "F32"
        b, end = e["data_offsets"]
        out[name] = np.frombuffer(body[b:end], dtype="<f4").reshape(tuple(e["shape"]))
    return out, meta


def st_write(path, tensors, metadata=None):
    data = st_encode(tensors, metadata)
    back, meta = st_decode(data)
    assert meta == (metadata or {}) and sorted(back) == sorted(tensors)
    for k in tensors:
        assert back[k].shape == np.shape(tensors[k]) and np.array_equal(back[k].view(np.uint32), np.asarray(tensors[k], dtype="<f4").view(np.uint32))
    with open(path, "wb") as f:
        f.write(data)


# ---------------------------------------------------------------- schemes, as the C++ computes them


def setting(scheme, settings, key):
    return settings.get(key, DEFAULTS[scheme][key])


def sinusoidal_pe(n, d, base):
    """(n, d) interleaved: dims (2k, 2k+1) = sin, cos of p base^(-2k/d) (sinusoidal.cpp)."""
    pe = np.zeros((n, d))
    for k in range(0, (d + 1) // 2):
        inv = base ** (-2.0 * k / d)
        for p in range(n):
            pe[p, 2 * k] = math.sin(p * inv)
            if 2 * k + 1 < d:
                pe[p, 2 * k + 1] = math.cos(p * inv)
    return pe


def alibi_slopes(heads):
    """get_slopes(H) as alibi.cpp."""
    def pow2(n):
        start = 2.0 ** (-(2.0 ** (-(math.log2(n) - 3.0))))
        return [start * start ** i for i in range(n)]
    if heads & (heads - 1) == 0:
        return pow2(heads)
    closest = 1
    while closest * 2 < heads:
        closest *= 2
    out = pow2(closest)
    twice = pow2(2 * closest)
    i = 0
    while len(out) < heads:
        out.append(twice[i])
        i += 2
    return out


def t5_bucket(r, bidirectional, num_buckets, max_distance):
    """t5.cpp t5_bucket: the large-distance branch in float32, truncated toward zero."""
    offset, nb = 0, num_buckets
    if bidirectional:
        nb //= 2
        if r > 0:
            offset = nb
        n = abs(r)
    else:
        n = max(-r, 0)
    max_exact = nb // 2
    if n < max_exact:
        return offset + n
    scale = np.float32(math.log(max_distance / max_exact))
    v = np.log(np.float32(n) / np.float32(max_exact)) / scale * np.float32(nb - max_exact)
    return offset + min(max_exact + int(v), nb - 1)


def rotate(x, cos, sin, layout):
    """x (..., n, dh) pairs rotated by (cos, sin) (n, dh/2): (a, b) -> (a c - b s, b c + a s)."""
    half = x.shape[-1] // 2
    if layout == "half":
        a, b = x[..., :half], x[..., half:]
        return torch.cat([a * cos - b * sin, b * cos + a * sin], -1)
    a, b = x[..., 0::2], x[..., 1::2]
    return torch.stack([a * cos - b * sin, b * cos + a * sin], -1).reshape(x.shape)


def rope_cos_sin(pos, dh, theta):
    inv = torch.tensor([1.0 / theta ** ((2.0 * k) / dh) for k in range(dh // 2)], dtype=torch.float64)
    ang = torch.tensor(pos, dtype=torch.float64)[:, None] * inv[None, :]
    return torch.cos(ang), torch.sin(ang)


def xpos_factors(pos, dh):
    """(n, dh/2) zeta_k^(s/scale_base), s = p - ceil(T/2), T = max(pos) + 1 (xpos.cpp)."""
    zeta = torch.tensor([(2.0 * k + 0.4 * dh) / (1.4 * dh) for k in range(dh // 2)], dtype=torch.float64)
    total = max(pos) + 1
    s = torch.tensor([p - (total + 1) // 2 for p in pos], dtype=torch.float64)
    return zeta[None, :], s[:, None]


class Scheme:
    """One case's scheme: parameter shapes and the hooks of model.hpp / scheme.hpp."""

    def __init__(self, scheme, settings):
        self.name, self.settings = scheme, settings
        self.dh = DIM // HEADS
        if scheme == "t5":
            self.nb = int(setting(scheme, settings, "num_buckets"))
            self.md = int(setting(scheme, settings, "max_distance"))
            self.bidir = setting(scheme, settings, "bidirectional") == "true"
        if scheme == "shaw":
            self.k = int(setting(scheme, settings, "max_relative"))

    def param_shapes(self):
        """{name: shape}: input scope as pos.<name>, layer scope as layers.{l}.pos.<name>."""
        s = self.name
        if s == "learned":
            return {"pos.wpe": (MAX_LEN, DIM)}
        if s == "cpe":
            return {"pos.kernel": (DIM, 3), "pos.bias": (DIM,)}
        out = {}
        for l in range(LAYERS):
            if s == "t5":
                out[f"layers.{l}.pos.rel_bias"] = (self.nb, HEADS)
            if s == "shaw":
                out[f"layers.{l}.pos.key_table"] = (2 * self.k + 1, self.dh)
                out[f"layers.{l}.pos.value_table"] = (2 * self.k + 1, self.dh)
        return out

    def encode_input(self, x, pos, P):  # x (n, d)
        s = self.name
        if s == "sinusoidal":
            assert setting(s, self.settings, "layout") == "interleaved"
            pe = sinusoidal_pe(max(pos) + 1, DIM, float(setting(s, self.settings, "base")))
            return x + torch.tensor(pe[pos], dtype=torch.float64)
        if s == "learned":
            return x + P["pos.wpe"][pos]
        if s == "cpe":
            w, b = P["pos.kernel"], P["pos.bias"]  # (d, 3), (d)
            zero = torch.zeros(1, x.shape[1], dtype=x.dtype)
            prev = torch.cat([zero, x[:-1]], 0)  # x[i-1], zero at i = 0
            nxt = torch.cat([x[1:], zero], 0)    # x[i+1], zero at i = n-1
            return x + (w[:, 0] * prev + w[:, 1] * x + w[:, 2] * nxt + b)
        return x

    def encode_query_key(self, q, k, pos):  # (H, n, dh)
        s = self.name
        if s == "rope":
            assert setting(s, self.settings, "scaling") == "none" and setting(s, self.settings, "partial") == "1"
            cos, sin = rope_cos_sin(pos, self.dh, float(setting(s, self.settings, "theta")))
            lay = setting(s, self.settings, "layout")
            return rotate(q, cos, sin, lay), rotate(k, cos, sin, lay)
        if s == "xpos":
            cos, sin = rope_cos_sin(pos, self.dh, float(setting(s, self.settings, "theta")))
            zeta, c = xpos_factors(pos, self.dh)
            sb = float(setting(s, self.settings, "scale_base"))
            up, down = zeta ** (c / sb), zeta ** (-c / sb)
            lay = setting(s, self.settings, "layout")
            return rotate(q, up * cos, up * sin, lay), rotate(k, down * cos, down * sin, lay)
        return q, k

    def logit_scale(self):
        return 1.0 if self.name == "t5" else 1.0 / math.sqrt(self.dh)

    def logit_bias(self, l, q, pos, P):  # (H, n, n) added to the scaled logits, or None
        s, n = self.name, len(pos)
        if s == "alibi":
            m = torch.tensor(alibi_slopes(HEADS), dtype=torch.float64)
            dist = torch.tensor([[abs(pos[j] - pos[i]) for j in range(n)] for i in range(n)], dtype=torch.float64)
            return -m[:, None, None] * dist[None]
        if s == "t5":
            idx = torch.tensor([[t5_bucket(pos[j] - pos[i], self.bidir, self.nb, self.md) for j in range(n)]
                                for i in range(n)])
            return P[f"layers.{l}.pos.rel_bias"][idx].permute(2, 0, 1)  # (n, n, H) -> (H, n, n)
        if s == "shaw":
            a = P[f"layers.{l}.pos.key_table"][self.clip_index(pos)]  # (n, n, dh)
            return torch.einsum("hid,ijd->hij", q, a) * self.logit_scale()
        return None

    def value_terms(self, l, p, pos, P):  # p (H, n, n) -> (H, n, dh) added to p v, or None
        if self.name != "shaw":
            return None
        a = P[f"layers.{l}.pos.value_table"][self.clip_index(pos)]  # (n, n, dh)
        return torch.einsum("hij,ijd->hid", p, a)

    def clip_index(self, pos):
        n = len(pos)
        return torch.tensor([[min(max(pos[j] - pos[i], -self.k), self.k) + self.k for j in range(n)]
                             for i in range(n)])


# ---------------------------------------------------------------- the model of model.hpp


def layer_norm(x, w, b):
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)  # biased
    return (x - mean) / torch.sqrt(var + 1e-5) * w + b


def gelu(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def attention(x, l, pos, P, scheme, n_heads=HEADS):
    n, d = x.shape
    dh = d // n_heads
    pre = f"layers.{l}.attn."

    def heads(w):  # (n, d) x W^T, head h = output rows [h dh, (h+1) dh) -> (H, n, dh)
        return (x @ P[pre + w].T).reshape(n, n_heads, dh).transpose(0, 1)

    q, k, v = heads("wq"), heads("wk"), heads("wv")
    q, k = scheme.encode_query_key(q, k, pos)
    logits = q @ k.transpose(1, 2) * scheme.logit_scale()
    bias = scheme.logit_bias(l, q, pos, P)
    if bias is not None:
        logits = logits + bias
    mask = torch.triu(torch.ones(n, n, dtype=torch.bool), 1)  # key j > query i
    logits = logits.masked_fill(mask, float("-inf"))
    p = torch.softmax(logits, -1)
    o = p @ v
    extra = scheme.value_terms(l, p, pos, P)
    if extra is not None:
        o = o + extra
    return o.transpose(0, 1).reshape(n, d) @ P[pre + "wo"].T  # Wo input columns [h dh, (h+1) dh) for head h


def forward_sequence(tokens, P, scheme, layers=LAYERS):
    """logits (n, V) of one sequence at positions 0..n-1."""
    pos = list(range(len(tokens)))
    x = P["tok_emb"][torch.tensor(tokens)]
    x = scheme.encode_input(x, pos, P)
    for l in range(layers):
        pre = f"layers.{l}."
        x = x + attention(layer_norm(x, P[pre + "ln1.weight"], P[pre + "ln1.bias"]), l, pos, P, scheme)
        h = layer_norm(x, P[pre + "ln2.weight"], P[pre + "ln2.bias"])
        x = x + gelu(h @ P[pre + "mlp.w1"].T + P[pre + "mlp.b1"]) @ P[pre + "mlp.w2"].T + P[pre + "mlp.b2"]
    return layer_norm(x, P["ln_f.weight"], P["ln_f.bias"]) @ P["tok_emb"].T


def batch_loss(batch, P, scheme, layers=LAYERS):
    """mean over the batch's scored targets (!= -1) of -log softmax(logits)[target]."""
    total, count = 0.0, 0
    for tokens, targets in zip(batch["tokens"], batch["targets"]):
        logp = torch.log_softmax(forward_sequence(tokens, P, scheme, layers), -1)
        for i, t in enumerate(targets):
            if t != -1:
                total = total - logp[i, t]
                count += 1
    return total / count


def param_shapes(scheme, layers=LAYERS, d=DIM, vocab=VOCAB_SIZE):
    shapes = {"tok_emb": (vocab, d)}
    for l in range(layers):
        pre = f"layers.{l}."
        shapes.update({pre + "ln1.weight": (d,), pre + "ln1.bias": (d,),
                       pre + "attn.wq": (d, d), pre + "attn.wk": (d, d), pre + "attn.wv": (d, d),
                       pre + "attn.wo": (d, d), pre + "ln2.weight": (d,), pre + "ln2.bias": (d,),
                       pre + "mlp.w1": (4 * d, d), pre + "mlp.b1": (4 * d,),
                       pre + "mlp.w2": (d, 4 * d), pre + "mlp.b2": (d,)})
    shapes.update({"ln_f.weight": (d,), "ln_f.bias": (d,)})
    shapes.update(scheme.param_shapes())
    return shapes


def draw_params(shapes, seed):
    """float32 values, larger than GPT-2's init so that every gradient is clearly non-zero.
    Each tensor has its own stream (seed, crc32(name)), so shared names agree across cases."""
    out = {}
    for name in sorted(shapes):
        rng = np.random.default_rng([seed, zlib.crc32(name.encode())])
        shape = shapes[name]
        leaf = name.split(".")[-1]
        if name.split(".")[-2:-1] == ["pos"] or name.startswith("pos."):
            a = rng.normal(0.0, 0.5, shape)                  # scheme tensors
        elif leaf == "weight":
            a = 1.0 + rng.normal(0.0, 0.1, shape)            # LayerNorm weights
        elif leaf in ("bias", "b1", "b2"):
            a = rng.normal(0.0, 0.1, shape)                  # LayerNorm and MLP biases
        else:
            a = rng.normal(0.0, 0.3, shape)                  # matrices
        out[name] = a.astype(np.float32)
    return out


def make_batch(seed):
    rng = np.random.default_rng([seed, 0xBA7C])
    tokens = rng.integers(1, VOCAB_SIZE, (BATCH, SEQ_LEN))
    targets = np.concatenate([tokens[:, 1:], rng.integers(1, VOCAB_SIZE, (BATCH, 1))], 1)
    targets[0, 0] = targets[0, 4] = targets[1, 8] = -1  # unscored positions
    targets[1, 2] = 0                                    # the pad id is a legal target
    return {"tokens": tokens.tolist(), "targets": targets.tolist()}


def config_json(scheme, settings):
    return json.dumps({"format": "pe-playground/1", "scheme": scheme, "settings": settings, "layers": LAYERS,
                       "dim": DIM, "heads": HEADS, "vocab": VOCAB_SIZE, "max_len": MAX_LEN, "seed": SEED,
                       "task": "golden"}, separators=(",", ":"))


def make_case(stem, scheme_name, settings):
    scheme = Scheme(scheme_name, settings)
    values = draw_params(param_shapes(scheme), SEED)
    batch = make_batch(SEED)
    P = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in values.items()}
    loss = batch_loss(batch, P, scheme)
    loss.backward()
    grads = {k: P[k].grad.numpy().astype(np.float32) for k in P}
    grads["loss"] = np.array(loss.item(), dtype=np.float32)
    small = sorted(k for k in P if np.abs(P[k].grad.numpy()).max() < 1e-6)
    meta = {"config": config_json(scheme_name, settings), "vocab": json.dumps(VOCAB)}
    st_write(os.path.join(HERE, f"{stem}.safetensors"), values, meta)
    st_write(os.path.join(HERE, f"{stem}.grads.safetensors"), grads)
    with open(os.path.join(HERE, f"{stem}.batch.json"), "w") as f:
        json.dump(batch, f, separators=(",", ":"))
        f.write("\n")
    return loss.item(), small


# ---------------------------------------------------------------- checks before writing


def load_txt(name):
    with open(os.path.join(GOLDEN, name)) as f:
        return np.array([float(x) for x in f if not x.startswith("#")])


def check_against_repo_goldens():
    """Our scheme code against the numbers the repository's own scheme tests use."""
    assert np.allclose(sinusoidal_pe(16, 10, 10000.0).ravel(), load_txt("sinusoidal_interleaved_n16_d10.txt"),
                       rtol=0, atol=1e-15)
    slopes = load_txt("alibi_slopes_h1_to_32.txt")
    at = 0
    for h in range(1, 33):
        assert alibi_slopes(h) == list(slopes[at : at + h]), h
        at += h
    for nb, md, bidir in [(32, 128, True), (32, 128, False), (16, 20, True), (10, 37, False), (7, 50, True)]:
        want = load_txt(f"t5_buckets_nb{nb}_md{md}_{'bidir' if bidir else 'causal'}.txt")
        got = [t5_bucket(r, bidir, nb, md) for r in range(-300, 301)]
        assert list(want) == got, (nb, md, bidir)
    q = torch.tensor(load_txt("rotary_q_h2_n7_d16.txt").reshape(2, 7, 16))
    pos = [0, 1, 3, 7, 20, 150, 1000]
    for layout in ("half", "interleaved"):
        want = load_txt(f"rope_none_{layout}.txt")[-2 * 7 * 16 :].reshape(2, 7, 16)
        cos, sin = rope_cos_sin(pos, 16, 10000.0)
        assert np.allclose(rotate(q, cos, sin, layout).numpy(), want, rtol=0, atol=1e-12), layout
    want = load_txt("xpos_sb512_offset0.txt").reshape(2, 2, 7, 16)
    s = Scheme("xpos", {})
    s.dh = 16
    qx, kx = s.encode_query_key(q, q, list(range(7)))
    assert np.allclose(qx.numpy(), want[0], rtol=0, atol=1e-12) and np.allclose(kx.numpy(), want[1], rtol=0, atol=1e-12)
    w = torch.tensor(load_txt("cpe_kernel_d5_seed0.txt").reshape(5, 3))
    b = torch.tensor(load_txt("cpe_bias_d5_seed0.txt"))
    x = torch.tensor(np.sin(0.7 * np.arange(6)[:, None] + 1.3 * np.arange(5)[None, :] + 0.2))
    got = Scheme("cpe", {}).encode_input(x, list(range(6)), {"pos.kernel": w, "pos.bias": b})
    assert np.allclose(got.numpy(), load_txt("cpe_output_n6_d5_seed0.txt").reshape(6, 5), rtol=0, atol=1e-14)
    print("schemes agree with the repository's goldens (sinusoidal, alibi, t5, rope, xpos, cpe)")


def check_rope_relative():
    """RoPE (and xPos without its decay): equal rows at every position give q_i . k_j that
    depends on j - i only (a Toeplitz matrix)."""
    n, dh = 12, 8
    row = torch.tensor(np.random.default_rng(5).normal(size=(1, 1, dh)))
    x = row.expand(1, n, dh).clone()
    for layout in ("half", "interleaved"):
        cos, sin = rope_cos_sin(list(range(n)), dh, 10000.0)
        q = rotate(x, cos, sin, layout)[0]
        s = (q @ q.T).numpy()
        for i in range(1, n):
            for j in range(1, n):
                assert abs(s[i, j] - s[i - 1, j - 1]) < 1e-12, (layout, i, j)
        assert abs(s[3, 0] - s[0, 3]) < 1e-12       # and is symmetric in it
        assert abs(s[1, 0] - s[0, 0]) > 1e-3        # but does depend on it
    print("rope: q.k depends on j - i only")


def check_gradcheck():
    """torch.autograd.gradcheck of the whole loss (every parameter) on a smaller model."""
    global DIM, HEADS, MAX_LEN
    saved = DIM, HEADS, MAX_LEN
    DIM, HEADS, MAX_LEN = 8, 2, 6
    try:
        batch = {"tokens": [[1, 5, 2, 7, 3, 2]], "targets": [[5, -1, 7, 3, 0, 4]]}
        for stem, name, settings in CASES:
            scheme = Scheme(name, settings)
            shapes = param_shapes(scheme, layers=1, d=DIM, vocab=VOCAB_SIZE)
            values = draw_params(shapes, 1)
            names = sorted(values)
            leaves = [torch.tensor(values[k], dtype=torch.float64, requires_grad=True) for k in names]

            def f(*ts):
                return batch_loss(batch, dict(zip(names, ts)), scheme, layers=1)

            assert torch.autograd.gradcheck(f, leaves, eps=1e-6, atol=1e-6, rtol=1e-5), stem
        print("gradcheck passed for", ", ".join(c[0] for c in CASES))
    finally:
        DIM, HEADS, MAX_LEN = saved


def make_fixture():
    """A small file for test_safetensors.cpp: shapes of every rank, awkward floats, a
    scalar, an empty tensor, metadata with escapes and non-ASCII text."""
    tensors = {
        "weight": np.arange(12, dtype=np.float64).reshape(3, 4) * 0.25 - 1.5,
        "bias": np.array([1e-3, -2.5e7, 3.4028235e38, 1.17549435e-38, 1e-45, -0.0]),
        "scalar": np.array(3.5),
        "empty": np.zeros((0, 4)),
        "z.cube": np.array([[[1.0], [-2.0]], [[0.1], [1.0 / 3.0]]]),
    }
    meta = {"format": "pe-playground/1", "note": 'h\u00e9llo \u2713 \U0001d11e "quoted"\n\ttab\\'}
    st_write(os.path.join(HERE, "fixture.safetensors"), tensors, meta)


def main():
    torch.manual_seed(SEED)
    check_against_repo_goldens()
    check_rope_relative()
    check_gradcheck()
    make_fixture()
    summary = {}
    for stem, name, settings in CASES:
        loss, small = make_case(stem, name, settings)
        summary[stem] = {"scheme": name, "settings": settings, "loss": float(np.float32(loss))}
        note = f"  (gradient < 1e-6 everywhere in: {', '.join(small)})" if small else ""
        print(f"{stem:12s} loss {loss:.9f}{note}")
    with open(os.path.join(HERE, "cases.json"), "w") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    sys.exit(main())
