"""ALiBi slopes and biases, as ofirpress/attention_with_linear_biases writes them.

get_slopes (fairseq/models/transformer.py): for n a power of two, start = 2**(-2**-(log2(n)-3)),
slopes start * start**i; otherwise the slopes of the largest power of two P below n, then
get_slopes(2P)[0::2][:n-P]. Bias -m*|i-j| (bidirectional); the causal -m*(i-j) equals it for j <= i.
"""
import math

import numpy as np


def get_slopes(n):
    def get_slopes_power_of_2(n):
        start = 2 ** (-(2 ** -(math.log2(n) - 3)))
        ratio = start
        return [start * ratio**i for i in range(n)]

    if math.log2(n).is_integer():
        return get_slopes_power_of_2(n)
    closest_power_of_2 = 2 ** math.floor(math.log2(n))
    return get_slopes_power_of_2(closest_power_of_2) + get_slopes(2 * closest_power_of_2)[0::2][: n - closest_power_of_2]


def bias(heads, n):
    m = np.array(get_slopes(heads))[:, None, None]
    i = np.arange(n)[:, None]
    j = np.arange(n)[None, :]
    return -m * np.abs(i - j)[None, :, :]


def make(write):
    write("alibi_slopes_h1_to_32.txt", np.concatenate([get_slopes(h) for h in range(1, 33)]),
          "alibi get_slopes(H) for H = 1..32, concatenated in order")
    write("alibi_bias_h6_n7.txt", bias(6, 7), "alibi bidirectional bias -m_h |i - j|, H=6, n=7, (H, n, n)")
