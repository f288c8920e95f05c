"""Reference for TemporalCycleLoss: MedST's temporal cross-modal cycle consistency in torch (temporal_alignment.py).

Reads a JSON file {"u": [S][L][D], "v": [S][L][D]} and prints the loss of one direction (U to V) and of both, as
MedST's compute_deterministic_alignment_loss computes it with loss_type regression_mse_var and l2 similarity:
per sequence, logits -max(|a|^2 + |b|^2 - 2ab, 0) / T; forward mapping classification (cross-entropy of U's
logits against V with identity targets, mean over all studies); reverse mapping regression: soft nearest neighbours
of U in V, their logits against U, softmax beta over times t / (L + 1e-7), mean and variance of the predicted time,
and exp(-log var) * error^2 + lambda log var where |error| < delta, else delta (|error| - delta / 2), mean over all
studies of every sequence. Written per sequence in loops, in float64.
"""
import json
import sys

import torch
import torch.nn.functional as F

TEMPERATURE, LAMBDA, DELTA = 0.1, 0.001, 2.0


def logits(a, b):
    distance = (a * a).sum(1, keepdim=True) + (b * b).sum(1).view(1, -1) - 2.0 * a @ b.t()
    return -torch.clamp(distance, min=0.0) / TEMPERATURE


def one_direction(u, v):
    length = u.shape[1]
    classification, regression = [], []
    times = torch.arange(length, dtype=torch.float64) / (length + 1e-7)
    for a, b in zip(u, v):
        forward = logits(a, b)
        classification.append(-torch.diagonal(F.log_softmax(forward, dim=1)))
        beta = F.softmax(logits(F.softmax(forward, dim=1) @ b, a), dim=1)
        predicted = (beta * times).sum(1)
        variance = (beta * (times.view(1, -1) - predicted.view(-1, 1)) ** 2).sum(1)
        log_variance = torch.log(variance + 1e-7)
        error = times - predicted
        quadratic = torch.exp(-log_variance) * error ** 2 + LAMBDA * log_variance
        linear = DELTA * (error.abs() - 0.5 * DELTA)
        regression.append(torch.where(error.abs() < DELTA, quadratic, linear))
    return torch.cat(classification).mean() + torch.cat(regression).mean()


case = json.load(open(sys.argv[1]))
u = torch.tensor(case["u"], dtype=torch.float64)
v = torch.tensor(case["v"], dtype=torch.float64)
print(json.dumps({"one_direction": float(one_direction(u, v)), "both": float(one_direction(u, v) + one_direction(v, u))}))
