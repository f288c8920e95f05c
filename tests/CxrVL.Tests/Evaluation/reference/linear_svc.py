"""scikit-learn reference for LinearSvm and StratifiedFolds.

Reads a JSON file {"x": [[...]], "y": [...], "test": [[...]], "folds": k} and prints the decision values and
predictions of LinearSVC (default objective, solved tightly) on "test", the StratifiedKFold(k) test folds of the
samples, and cross_val_score(LinearSVC(), x, y, cv=k).

The objective is solved in the primal (dual=False, liblinear's trust-region Newton): the default dual coordinate
descent visits coordinates in a random order and at this tolerance can stop at its iteration limit, so its answer
moved by up to 2e-2 from run to run; the primal solver is deterministic and converges.
"""
import json
import sys

import numpy as np
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.svm import LinearSVC

case = json.load(open(sys.argv[1]))
x, y, test, k = np.array(case["x"]), np.array(case["y"]), np.array(case["test"]), case["folds"]
def tight_svc():
    return LinearSVC(dual=False, tol=1e-12, max_iter=1000000)


svc = tight_svc().fit(x, y)
folds = np.empty(len(y), dtype=int)
for fold, (_, held_out) in enumerate(StratifiedKFold(k).split(x, y)):
    folds[held_out] = fold
scores = cross_val_score(tight_svc(), x, y, cv=k)
print(json.dumps({
    "decision": np.atleast_2d(svc.decision_function(test).T).T.tolist(),
    "predict": svc.predict(test).tolist(),
    "folds": folds.tolist(),
    "cv_mean": float(scores.mean()),
}))
