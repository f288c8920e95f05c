"""Reference for TemporalSentenceSimilarity.EvaluateAsReleased: MedST's text_sim accuracy protocol (temporal_test.py).

Reads a JSON file {"scores": [...], "paraphrase": [true/false, ...]}. The similarities are a float32 torch tensor as
MedST's are; sklearn's KFold(n_splits=10) without shuffling; on each training fold the first threshold of
np.arange(0, 1.005, 0.005) with the best accuracy of sim > threshold; the threshold of the fold with the best test
accuracy (first on ties) is applied to every pair. Prints the AUROC, that threshold and the accuracy.
"""
import json
import sys

import numpy as np
import torch
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import KFold

case = json.load(open(sys.argv[1]))
sim = torch.tensor(case["scores"], dtype=torch.float32)
label = torch.tensor([1 if p else 0 for p in case["paraphrase"]])

chosen, best_test = 0, 0
for train, test in KFold(n_splits=10).split(np.arange(len(label))):
    train, test = torch.tensor(train), torch.tensor(test)
    threshold, best_train = 0, 0
    for candidate in np.arange(0, 1.005, 0.005):
        accuracy = torch.sum((sim[train] > candidate) == label[train]) / len(train)
        if accuracy > best_train:
            threshold, best_train = candidate, accuracy
    accuracy = torch.sum((sim[test] > threshold) == label[test]) / len(test)
    if accuracy > best_test:
        chosen, best_test = threshold, accuracy

print(json.dumps({
    "auroc": float(roc_auc_score(label.numpy(), sim.numpy())),
    "threshold": float(chosen),
    "accuracy": float(torch.sum((sim > chosen) == label) / len(label)),
}))
