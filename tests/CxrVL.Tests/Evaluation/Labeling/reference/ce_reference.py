"""Clinical efficacy as R2Gen's compute_ce.py computes it: blanks and -1 become 0, then scikit-learn micro and
macro precision, recall and F1 over all label columns.

usage: ce_reference.py LABELS.json  (object with "refs" and "preds": lists of 14 values, null for blank)
"""
import json
import sys
import warnings

import numpy as np
from sklearn.metrics import f1_score, precision_score, recall_score

warnings.filterwarnings("ignore")
data = json.load(open(sys.argv[1]))
gt, pred = (np.array([[0 if v is None else v for v in row] for row in data[k]]) for k in ("refs", "preds"))
gt[gt == -1] = 0
pred[pred == -1] = 0
print(json.dumps({
    "F1_MACRO": f1_score(gt, pred, average="macro"), "F1_MICRO": f1_score(gt, pred, average="micro"),
    "RECALL_MACRO": recall_score(gt, pred, average="macro"), "RECALL_MICRO": recall_score(gt, pred, average="micro"),
    "PRECISION_MACRO": precision_score(gt, pred, average="macro"),
    "PRECISION_MICRO": precision_score(gt, pred, average="micro"),
}))
