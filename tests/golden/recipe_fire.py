"""FIRE biases, as the module in Li et al. 2023's appendix computes them (reproduced in
mcleish7/arithmetic cramming/architectures/embeddings.py FIRE):
threshold = |L_multiplier * init_L|; normaliser = max(pos_i, threshold);
x = log(|c (pos_i - pos_j)| + 1) / (log(|c normaliser| + 1) + 1e-6);
bias[h] = Linear(width -> H)(relu(Linear(1 -> width)(x)))[h].
Here in float64 with hand-picked weights, at spread positions (every pair, both
directions). The initial weights: torch.nn.Linear's U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
drawn from the playground's generator (pe_rng.py), one stream per entry.
"""
import numpy as np

from pe_rng import Rng, seed_mix

POS = np.array([0, 1, 3, 7, 12, 30], dtype=np.float64)
W1 = np.array([0.9, -0.4, 1.3, 0.2])
B1 = np.array([0.1, 0.3, -0.2, -0.05])
W2 = np.array([[0.5, -1.0, 0.7, 0.3], [-0.2, 0.8, 0.1, -0.6]])
B2 = np.array([0.05, -0.1])


def bias(c, L_multiplier, init_L, pos):
    threshold = abs(L_multiplier * init_L)
    normaliser = np.maximum(pos, threshold)[:, None]
    rel = pos[:, None] - pos[None, :]
    x = np.log(np.abs(c * rel) + 1) / (np.log(np.abs(c * normaliser) + 1) + 1e-6)
    hidden = np.maximum(x[:, :, None] * W1 + B1, 0.0)  # (n, n, width)
    return np.einsum("ijk,hk->hij", hidden, W2) + B2[:, None, None]


def initial(seed, width, heads):
    stream = seed_mix(seed, 0xF1E0)

    def draw(tensor, index, bound):
        return bound * (2.0 * Rng(seed_mix(stream, (tensor << 40) + index)).uniform() - 1.0)

    b2 = 1.0 / np.sqrt(width)
    return np.concatenate([[draw(0, k, 1.0) for k in range(width)], [draw(1, k, 1.0) for k in range(width)],
                           [draw(2, e, b2) for e in range(heads * width)], [draw(3, h, b2) for h in range(heads)]])


def make(write):
    write("fire_bias_default.txt", bias(0.1, 1.0, 512.0, POS),
          f"fire bias, c=0.1, L_multiplier=1, L0=512, width 4, H=2 (weights in the recipe), positions {POS.tolist()}, (H, n, n)")
    write("fire_bias_short_threshold.txt", bias(0.3, -1.5, 4.0, POS),
          f"fire bias, c=0.3, L_multiplier=-1.5, L0=4 (threshold 6), width 4, H=2, positions {POS.tolist()}, (H, n, n)")
    write("fire_init_seed2_w3_h2.txt", initial(2, 3, 2), "fire initial mlp_w1 (3), mlp_b1 (3), mlp_w2 (2, 3), mlp_b2 (2), seed 2")
