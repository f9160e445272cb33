"""T5 relative position buckets, as huggingface/transformers modeling_t5.py
_relative_position_bucket computes them with torch tensors: the large-distance branch in
float32 (relative_position.float()), the python-double log(max_distance / max_exact)
used as a float32 scalar, truncation toward zero by .to(torch.long).
"""
import math

import numpy as np

R = np.arange(-300, 301)  # relative positions j - i


def relative_position_bucket(relative_position, bidirectional, num_buckets, max_distance):
    relative_position = np.asarray(relative_position, dtype=np.int64)
    relative_buckets = np.zeros_like(relative_position)
    if bidirectional:
        num_buckets //= 2
        relative_buckets += (relative_position > 0).astype(np.int64) * num_buckets
        relative_position = np.abs(relative_position)
    else:
        relative_position = -np.minimum(relative_position, np.zeros_like(relative_position))
    max_exact = num_buckets // 2
    is_small = relative_position < max_exact
    with np.errstate(divide="ignore"):
        ratio = np.log(relative_position.astype(np.float32) / np.float32(max_exact))
    large = ratio / np.float32(math.log(max_distance / max_exact)) * np.float32(num_buckets - max_exact)
    large = max_exact + np.where(is_small, 0, large).astype(np.int64)  # is_small rows are unused
    large = np.minimum(large, num_buckets - 1)
    return relative_buckets + np.where(is_small, relative_position, large)


CONFIGS = [(32, 128, True), (32, 128, False), (16, 20, True), (10, 37, False), (7, 50, True), (2, 3, False)]


def make(write):
    for nb, md, bidir in CONFIGS:
        tag = "bidir" if bidir else "causal"
        write(f"t5_buckets_nb{nb}_md{md}_{tag}.txt", relative_position_bucket(R, bidir, nb, md),
              f"t5 bucket of r = -300..300, num_buckets={nb}, max_distance={md}, bidirectional={bidir}")
