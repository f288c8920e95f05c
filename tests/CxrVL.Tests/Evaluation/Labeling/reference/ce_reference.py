"""Clinical efficacy with scikit-learn's precision_recall_fscore_support on binarised CheXpert labels.

usage: ce_reference.py LABELS.json
  LABELS.json: {"refs": [[14 values]], "preds": [[14 values]], "uncertain": "positive"|"negative"|"exclude",
                "main": [5 column indices]}; null is blank
prints {"PRECISION_MICRO": ..., ..., "F1_WEIGHTED_5": ..., "F1_COLUMN_0": ...}: micro, macro and weighted over all 14
columns and over the 5 main ones, and each column's F1. positive and negative binarise -1 to 1 or 0 and call sklearn's multilabel averages as R2Gen's
compute_ce.py calls them; exclude leaves out a (report, observation) cell where either side is -1, so each column is
sklearn's binary score on its kept rows, micro pools the kept cells, macro and weighted combine the columns as sklearn does.
"""
import json
import sys
import warnings

import numpy as np
from sklearn.metrics import precision_recall_fscore_support

warnings.filterwarnings("ignore")
data = json.load(open(sys.argv[1]))
gt, pred = (np.array([[np.nan if v is None else v for v in row] for row in data[k]], dtype=float) for k in ("refs", "preds"))
policy = data["uncertain"]


def binarise(labels):
    positive = (labels == 1) | ((labels == -1) & (policy == "positive"))
    return positive.astype(int)


def scores(columns):
    t, p = gt[:, columns], pred[:, columns]
    if policy != "exclude":
        result = {average: precision_recall_fscore_support(binarise(t), binarise(p), average=average)[:3]
                  for average in ("micro", "macro", "weighted")}
        result["columns"] = precision_recall_fscore_support(binarise(t), binarise(p), average=None)[2]
        return result
    keep = (t != -1) & (p != -1)
    flat_t, flat_p = binarise(t)[keep], binarise(p)[keep]
    micro = precision_recall_fscore_support(flat_t, flat_p, average="binary", pos_label=1, labels=[0, 1])[:3]
    per_column = [precision_recall_fscore_support(binarise(t[keep[:, j], j]), binarise(p[keep[:, j], j]),
                                                  average="binary", pos_label=1, labels=[0, 1])[:3]
                  for j in range(len(columns))]
    support = np.array([binarise(t[keep[:, j], j]).sum() for j in range(len(columns))], dtype=float)
    macro = tuple(np.mean([s[i] for s in per_column]) for i in range(3))
    weighted = tuple(0.0 if support.sum() == 0 else float(np.dot(support, [s[i] for s in per_column]) / support.sum())
                     for i in range(3))
    return {"micro": micro, "macro": macro, "weighted": weighted, "columns": [s[2] for s in per_column]}


result = {}
for columns, suffix in ((list(range(14)), ""), (data["main"], "_5")):
    computed = scores(columns)
    if suffix == "":
        for j, f1 in enumerate(computed.pop("columns")):
            result[f"F1_COLUMN_{j}"] = float(f1)
    computed.pop("columns", None)
    for average, (precision, recall, f1) in computed.items():
        result[f"PRECISION_{average.upper()}{suffix}"] = float(precision)
        result[f"RECALL_{average.upper()}{suffix}"] = float(recall)
        result[f"F1_{average.upper()}{suffix}"] = float(f1)
print(json.dumps(result))
