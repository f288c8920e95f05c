"""Writes files in the form XProNet releases them, with Debian's torch and numpy.

usage: xpronet_files.py FOLDER
  init_prototypes.pt          torch.save of a bare float64 tensor [280, 2816] (zip format, as torch >= 1.6 writes)
  init_prototypes_legacy.pt   the same tensor in the legacy format
  labels_14.pickle            pickle (protocol 3) of {study id: numpy float64 array of 14 labels}, as labels_14.pickle
  labels_mixed.pickle         protocol 2 and 4 style variety: float32, int64 and bool arrays, and a plain list
Prints JSON: the prototype tensor's sum and first values, and the labels written.
"""
import json
import os
import pickle
import sys

import numpy as np
import torch

folder = sys.argv[1]
generator = torch.Generator().manual_seed(3)
prototypes = torch.randn(280, 2816, generator=generator, dtype=torch.float64)
torch.save(prototypes, os.path.join(folder, "init_prototypes.pt"))
torch.save(prototypes, os.path.join(folder, "init_prototypes_legacy.pt"), _use_new_zipfile_serialization=False)

rng = np.random.default_rng(5)
labels = {f"CXR{n}_IM-{1000 + n}": (rng.random(14) < 0.3).astype(np.float64) for n in range(1, 40)}
with open(os.path.join(folder, "labels_14.pickle"), "wb") as f:
    pickle.dump(labels, f, protocol=3)
mixed = {
    "a": np.array([1, 0, 1], dtype=np.float32),
    "b": np.array([0, 2, 1], dtype=np.int64),
    "c": np.array([True, False, True]),
    "d": [0.0, 1.0, 0.5],
    "e": np.array([1.0, 0.0, -1.0], dtype=">f8"),
}
for protocol in (2, 4):
    with open(os.path.join(folder, f"labels_mixed_{protocol}.pickle"), "wb") as f:
        pickle.dump(mixed, f, protocol=protocol)

print(json.dumps({
    "sum": prototypes.sum().item(),
    "first": prototypes[0, :4].tolist(),
    "last": prototypes[-1, -1].item(),
    "labels": {k: v.tolist() for k, v in labels.items()},
    "mixed": {k: [float(x) for x in v] for k, v in mixed.items()},
}))
