"""Reference for TemporalImageClassification: MS-CXR-T image classification as MedST's temporal_test.py scores it.

Arguments: the MS-CXR-T image table (CSV), a JSON file {dicom_id: feature vector of the current + previous image},
the fold counts and the seeds (comma-separated). Per seed the whole table is shuffled with
df.sample(frac=1, random_state=seed); each finding keeps its rows with a progression (dropna), maps improving 0,
stable 1, anything else 2, and scores cross_val_score(SVC(kernel='linear', random_state=seed), X, y, cv=k).mean();
the average over findings is taken per seed. Prints, per fold count, every finding's per-seed scores and np.mean /
np.std over seeds, and the same for the average (unrounded: MedST rounds each score to 4 decimals before printing).
"""
import json
import sys

import numpy as np
import pandas as pd
from sklearn.model_selection import cross_val_score
from sklearn.svm import SVC

FINDINGS = ["consolidation", "edema", "pleural_effusion", "pneumonia", "pneumothorax"]

table = pd.read_csv(sys.argv[1])
features = json.load(open(sys.argv[2]))
fold_counts = [int(v) for v in sys.argv[3].split(",")]
seeds = [int(v) for v in sys.argv[4].split(",")]


def label(progression):
    return {"improving": 0, "stable": 1}.get(progression, 2)


result = {}
for k in fold_counts:
    per_seed = {finding: [] for finding in FINDINGS + ["average"]}
    for seed in seeds:
        shuffled = table.sample(frac=1, random_state=seed)
        scores = []
        for finding in FINDINGS:
            rows = shuffled.dropna(subset=[f"{finding}_progression"])
            x = np.array([features[d] for d in rows["dicom_id"]], dtype=np.float32)
            y = rows[f"{finding}_progression"].apply(label).values
            score = cross_val_score(SVC(kernel="linear", random_state=seed), x, y, cv=k).mean()
            per_seed[finding].append(float(score))
            scores.append(score)
        per_seed["average"].append(float(np.mean(scores)))
    result[str(k)] = {name: {"per_seed": values, "mean": float(np.mean(values)), "std": float(np.std(values))}
                      for name, values in per_seed.items()}
print(json.dumps(result))
