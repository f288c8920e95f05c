"""Straightforward per-sample implementations of the GLoRIA and MGCA alignment losses, to check CxrVL's batched
versions. The MGCA token loss here is CxrVL's default reading (local_loss_padding: exclude: padded words are neither
queries nor negatives); the released formula, padding included, is checked by released_local_loss.py. Inputs are small
tensors in a JSON file; results go to stdout as JSON."""
import json
import sys

import torch
import torch.nn.functional as F

spec = json.load(open(sys.argv[1]))
t = {k: torch.tensor(v["values"], dtype=torch.float64).reshape(v["shape"]) for k, v in spec["tensors"].items()}
out = {}

# GLoRIA local loss: loop over reports, attention over each image's regions (GLoRIA's attention_fn).
words, regions, lengths = t["words"], t["regions"], [int(n) for n in spec["lengths"]]
B = words.shape[0]
columns = []
for j in range(B):
    w = words[j, :lengths[j]]                      # [T, D]
    sims = []
    for i in range(B):
        a = regions[i] @ w.t()                      # [R, T]
        a = F.softmax(a, dim=1)                     # over words
        a = F.softmax(a.t() * 4.0, dim=1)           # [T, R] over regions
        ctx = a @ regions[i]                        # [T, D]
        cos = (w * ctx).sum(1) / (w.norm(dim=1) * ctx.norm(dim=1)).clamp(min=1e-8)
        sims.append(torch.log(torch.exp(cos * 5.0).sum()))
    columns.append(torch.stack(sims))
logits = torch.stack(columns, 1) * 10.0             # [image, report]
labels = torch.arange(B)
out["gloria_sum"] = (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels)).item()

# MGCA token-wise alignment, words attending over patches, per study, padding excluded from attention and negatives.
q, c, wts, qmask = t["queries"], t["context"], t["weights"], t["query_mask"].bool()
total_f = total_b = 0.0
for b in range(q.shape[0]):
    n = int(qmask[b].sum())
    qb = q[b, :n]
    att = F.softmax(qb @ c[b].t() / 0.1, dim=1) @ c[b]
    att = F.normalize(att, dim=1)
    sim = qb @ att.t() / 0.1                        # [n, n]
    target = torch.arange(n)
    total_f += (F.cross_entropy(sim, target, reduction="none") * wts[b, :n]).sum()
    total_b += (F.cross_entropy(sim.t(), target, reduction="none") * wts[b, :n]).sum()
out["token"] = ((total_f + total_b) / q.shape[0] / 2).item()

# MGCA prototype alignment with its Sinkhorn (3 iterations, epsilon 0.05), as mgca_module.sinkhorn.
def sinkhorn(scores):
    Q = torch.exp(scores / 0.05).t()
    Q /= Q.sum()
    K, n = Q.shape
    r, col = torch.ones(K) / K, torch.ones(n) / n
    for _ in range(3):
        Q *= (r / Q.sum(1)).unsqueeze(1)
        Q *= (col / Q.sum(0)).unsqueeze(0)
    return (Q / Q.sum(0, keepdim=True)).t()

img, txt = t["image_scores"], t["text_scores"]
ic, tc = sinkhorn(img), sinkhorn(txt)
i2t = -(ic * torch.log(F.softmax(txt / 0.2, dim=1))).sum(1).mean()
t2i = -(tc * torch.log(F.softmax(img / 0.2, dim=1))).sum(1).mean()
out["proto"] = ((i2t + t2i) / 2).item()
out["codes"] = ic.reshape(-1).tolist()
print(json.dumps(out))
