"""sklearn reference values for the classification metrics tests.

Reads a JSON file of cases and prints one JSON object of results, computed only with sklearn.metrics:
  binary:     {"scores": [...], "truth": [0/1...], "predicted": [0/1...]}
  multiclass: {"truth": [...], "predicted": [...], "scores": [[...] per sample]}
"""
import json
import sys

import numpy as np
from sklearn import metrics

cases = json.load(open(sys.argv[1]))
out = {"binary": [], "multiclass": []}
for case in cases["binary"]:
    y, s, p = np.array(case["truth"]), np.array(case["scores"]), np.array(case["predicted"])
    precision, recall, _ = metrics.precision_recall_curve(y, s)
    fpr, tpr, _ = metrics.roc_curve(y, s, drop_intermediate=False)
    out["binary"].append({
        "roc_auc": metrics.roc_auc_score(y, s),
        "average_precision": metrics.average_precision_score(y, s),
        "f1": metrics.f1_score(y, p, zero_division=0),
        "precision": metrics.precision_score(y, p, zero_division=0),
        "recall": metrics.recall_score(y, p, zero_division=0),
        "accuracy": metrics.accuracy_score(y, p),
        "kappa": metrics.cohen_kappa_score(y, p),
        "pr_precision": precision[::-1].tolist(),
        "pr_recall": recall[::-1].tolist(),
        "roc_fpr": fpr.tolist(),
        "roc_tpr": tpr.tolist(),
    })
for case in cases["multiclass"]:
    y, p, s = np.array(case["truth"]), np.array(case["predicted"]), np.array(case["scores"])
    out["multiclass"].append({
        "f1_macro": metrics.f1_score(y, p, average="macro", zero_division=0),
        "f1_micro": metrics.f1_score(y, p, average="micro", zero_division=0),
        "precision_macro": metrics.precision_score(y, p, average="macro", zero_division=0),
        "recall_macro": metrics.recall_score(y, p, average="macro", zero_division=0),
        "accuracy": metrics.accuracy_score(y, p),
        "kappa": metrics.cohen_kappa_score(y, p),
        "confusion": metrics.confusion_matrix(y, p, labels=list(range(s.shape[1]))).tolist(),
        # roc_auc_score refuses a class that never occurs: null there.
        "ovr_auroc": [metrics.roc_auc_score(y == c, s[:, c]) if 0 < np.sum(y == c) < len(y) else None
                      for c in range(s.shape[1])],
    })
print(json.dumps(out))
