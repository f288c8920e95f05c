"""Runs torch.optim on the parameters and gradient sequence a test wrote, and prints the final parameters.

Input JSON: {"optimizer": "adamw"|"adam"|"sgd", "options": {...torch kwargs...},
             "groups": [{"names": [...], "lr": [per-step lr...], "weight_decay": wd}],
             "params": {name: {"shape": [...], "values": [...]}}, "grads": [{name: [...]}, ...]}
Output JSON: {name: [final values...]}
"""
import json
import sys

import torch

spec = json.load(open(sys.argv[1]))
params = {n: torch.tensor(p["values"], dtype=torch.float64).reshape(p["shape"]).requires_grad_()
          for n, p in spec["params"].items()}
groups = [{"params": [params[n] for n in g["names"]], "lr": g["lr"][0], "weight_decay": g["weight_decay"]}
          for g in spec["groups"]]
kind = {"adamw": torch.optim.AdamW, "adam": torch.optim.Adam, "sgd": torch.optim.SGD}[spec["optimizer"]]
optimizer = kind(groups, **spec["options"])
for step, grads in enumerate(spec["grads"]):
    for group, g in zip(optimizer.param_groups, spec["groups"]):
        group["lr"] = g["lr"][step]
    for p in params.values():
        p.grad = None
    for name, values in grads.items():
        params[name].grad = torch.tensor(values, dtype=torch.float64).reshape(params[name].shape)
    optimizer.step()
print(json.dumps({n: p.detach().reshape(-1).tolist() for n, p in params.items()}))
