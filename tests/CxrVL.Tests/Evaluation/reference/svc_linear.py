"""scikit-learn reference for LinearKernelSvc and StratifiedFolds.

Reads a JSON file {"x": [[...]], "y": [...], "test": [[...]], "folds": k, "c": C} and prints what
SVC(kernel='linear', C=C) (libsvm, scikit-learn's defaults otherwise) gives: its one-vs-one decision values on "test",
its predictions, how many test samples had a tied vote, the StratifiedKFold(k) test fold of every sample, and the
per-fold accuracies of cross_val_score(SVC(kernel='linear', C=C), x, y, cv=k).
"""
import json
import sys

import numpy as np
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.svm import SVC

case = json.load(open(sys.argv[1]))
x, y, test, k, c = np.array(case["x"]), np.array(case["y"]), np.array(case["test"]), case["folds"], case["c"]

svc = SVC(kernel="linear", C=c, decision_function_shape="ovo").fit(x, y)
decision = np.atleast_2d(svc.decision_function(test).T).T
n_classes = len(svc.classes_)
ties = 0
for row in decision:
    votes = np.zeros(n_classes, dtype=int)
    pair = 0
    for i in range(n_classes):
        for j in range(i + 1, n_classes):
            votes[i if row[pair] > 0 else j] += 1
            pair += 1
    ties += int((votes == votes.max()).sum() > 1)

folds = np.empty(len(y), dtype=int)
for fold, (_, held_out) in enumerate(StratifiedKFold(k).split(x, y)):
    folds[held_out] = fold
scores = cross_val_score(SVC(kernel="linear", C=c), x, y, cv=k)
print(json.dumps({
    "decision": decision.tolist(),
    "predict": svc.predict(test).tolist(),
    "tied_votes": ties,
    "support_vectors": int(svc.support_.size),
    "folds": folds.tolist(),
    "cv_scores": scores.tolist(),
}))
