#!/usr/bin/python3
"""Regenerates every golden file in this folder from the published formulas.

Each recipe_*.py beside this file defines make(write); write(name, array, note) stores
one array, flattened row-major, one number per line, under a header saying how it was
made. Run: /usr/bin/python3 tests/golden/make_golden.py (needs Debian's python3-numpy).
The goldens are committed; the tests only read them.
"""
import glob
import importlib.util
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # the recipes import their shared helpers (pe_rng.py) from this folder


def write(name, array, note):
    array = np.asarray(array, dtype=np.float64)
    with open(os.path.join(HERE, name), "w") as f:
        f.write(f"# {note}\n# shape {list(array.shape)}, made by {RECIPE}\n")
        for v in array.ravel():
            f.write(f"{v:.17g}\n")


for path in sorted(glob.glob(os.path.join(HERE, "recipe_*.py"))):
    RECIPE = os.path.basename(path)
    spec = importlib.util.spec_from_file_location(RECIPE[:-3], path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.make(write)
    print("made", RECIPE)
