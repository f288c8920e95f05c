"""Linear probe on image embeddings written by `cxrvl embed`: logistic regression (sklearn) on the train split, its
inverse regularisation C chosen by validation AUROC, refitted on train and scored on test. Writes labels.csv and
scores.csv for `cxrvl eval cls` (the AUROC is computed there, with CxrVL's metrics).

LABEL is a manifest label (positive where labels[LABEL] == 1) or view=VIEW (positive where the first image's view is
VIEW, e.g. view=PA against AP and AP SUPINE; rows without a view are left out).

usage: linear_probe.py MANIFEST.jsonl LABEL TRAIN.safetensors VALID.safetensors TEST.safetensors OUT_DIR
"""
import json
import os
import struct
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler


def read_embeddings(path):
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    entry = header["image_embeddings"]
    start, end = entry["data_offsets"]
    features = np.frombuffer(data[start:end], dtype=np.float32).reshape(entry["shape"])
    return features, json.loads(header["__metadata__"]["study_ids"])


def keep_labelled(features, ids, labels):
    rows = [i for i, study in enumerate(ids) if study in labels]
    return features[rows], [ids[i] for i in rows]


def main(manifest, label, train, valid, test, out):
    labels = {}
    with open(manifest) as f:
        for line in f:
            row = json.loads(line)
            if label.startswith("view="):
                view = (row.get("images") or [{}])[0].get("view")
                if view is not None:
                    labels[row["study_id"]] = 1 if view == label[len("view="):] else 0
            else:
                labels[row["study_id"]] = 1 if (row.get("labels") or {}).get(label) == 1 else 0
    (x_train, id_train), (x_valid, id_valid), (x_test, id_test) = (keep_labelled(*read_embeddings(p), labels) for p in (train, valid, test))
    y_train, y_valid = (np.array([labels[i] for i in ids]) for ids in (id_train, id_valid))
    scaler = StandardScaler().fit(x_train)
    x_train, x_valid, x_test = (scaler.transform(x) for x in (x_train, x_valid, x_test))

    def fit(c):
        return LogisticRegression(C=c, max_iter=5000).fit(x_train, y_train)

    grid = [0.001, 0.01, 0.1, 1.0, 10.0]
    best = max(grid, key=lambda c: roc_auc_score(y_valid, fit(c).decision_function(x_valid)))
    scores = fit(best).decision_function(x_test)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "labels.csv"), "w") as f:
        f.write(f"id,{label}\n" + "".join(f"{i},{labels[i]}\n" for i in id_test))
    with open(os.path.join(out, "scores.csv"), "w") as f:
        f.write(f"id,{label}\n" + "".join(f"{i},{s:.8f}\n" for i, s in zip(id_test, scores)))
    print(json.dumps({"C": best, "train": len(id_train), "valid": len(id_valid), "test": len(id_test)}))


if __name__ == "__main__":
    main(*sys.argv[1:])
