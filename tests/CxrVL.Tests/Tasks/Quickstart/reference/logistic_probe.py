"""scikit-learn reference for LogisticRegression and LinearProbe.

Reads a JSON file {"x": [[...]], "y": [...], "test": [[...]], "c": C, "c_values": [...], "folds": k} and prints
  - "fit": LogisticRegression(C=c, class_weight="balanced") on x as given, its class probabilities on "test";
  - "probe": the probe protocol on x: for each C of c_values, StratifiedKFold(k) folds of x, a pipeline of
    StandardScaler and LogisticRegression(C, class_weight="balanced") fitted on each fold's rest and scored on the
    fold by roc_auc_score (one-vs-rest macro for more than two classes); the C with the best mean (ties to the smaller
    C), then the pipeline refitted on all of x, its probabilities on "test".
Solved tightly (newton-cg, tol 1e-8) so the optimum, not the solver's stopping point, is compared.
"""
import json
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

case = json.load(open(sys.argv[1]))
x, y, test = np.array(case["x"]), np.array(case["y"]), np.array(case["test"])


def logistic(c):
    return LogisticRegression(C=c, class_weight="balanced", solver="newton-cg", tol=1e-8, max_iter=1000)


def auroc(truth, probabilities):
    if probabilities.shape[1] == 2:
        return roc_auc_score(truth, probabilities[:, 1])
    return roc_auc_score(truth, probabilities, multi_class="ovr", average="macro", labels=list(range(probabilities.shape[1])))


fit = logistic(case["c"]).fit(x, y)
means = []
for c in sorted(case["c_values"]):
    scores = []
    for rest, held in StratifiedKFold(case["folds"]).split(x, y):
        model = make_pipeline(StandardScaler(), logistic(c)).fit(x[rest], y[rest])
        scores.append(auroc(y[held], model.predict_proba(x[held])))
    means.append((float(np.mean(scores)), c))
best = max(m for m, _ in means)
chosen = min(c for m, c in means if m >= best - 1e-12)
probe = make_pipeline(StandardScaler(), logistic(chosen)).fit(x, y)
print(json.dumps({
    "fit": fit.predict_proba(test).tolist(),
    "chosen_c": chosen,
    "fold_means": [m for m, _ in means],
    "probe": probe.predict_proba(test).tolist(),
}))
