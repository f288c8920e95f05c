"""sklearn side of the "metrics" benchmark: the same data as bench/CxrVL.Bench/MetricsBenchmark.cs, timed with
sklearn.metrics, and a bootstrap done the usual way (resample indices, call roc_auc_score per label).
Prints "name seconds" and "name.value value" lines."""
import sys
import time

import numpy as np
import sklearn
from sklearn.metrics import average_precision_score, roc_auc_score

M64 = (1 << 64) - 1


def data(n, seed):
    i = np.arange(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = (np.uint64(seed) << np.uint64(32)) + i + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        h = z ^ (z >> np.uint64(31))
    truth = h % np.uint64(1000) < np.uint64(300)
    scores = ((h // np.uint64(1000)) % np.uint64(10007) + np.where(truth, 2000, 0).astype(np.uint64)) / 12007.0
    return scores, truth


def report(name, run, repeats=5):
    """The median time of `repeats` runs (after one warm-up run when repeating)."""
    value = run() if repeats > 1 else None
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        value = run()
        seconds.append(time.perf_counter() - start)
    print(f"{name} {sorted(seconds)[repeats // 2]:.4f}")
    print(f"{name}.value {value!r}")


resamples = int(sys.argv[1]) if len(sys.argv) > 1 else 200
print(f"# sklearn {sklearn.__version__} numpy {np.__version__}")
for n in (100_000, 1_000_000):
    s, t = data(n, 1)
    report(f"auroc_{n}", lambda: roc_auc_score(t, s))
    report(f"ap_{n}", lambda: average_precision_score(t, s))

images, labels = 22_432, 14
columns = [data(images, l + 2) for l in range(labels)]


def bootstrap():
    rng = np.random.default_rng(0)
    macro = [np.mean([roc_auc_score(t, s) for s, t in columns])]
    for _ in range(resamples):
        idx = rng.integers(0, images, images)
        per_label = []
        for s, t in columns:
            per_label.append(roc_auc_score(t[idx], s[idx]))
            average_precision_score(t[idx], s[idx])
    return macro[0]


report(f"bootstrap_{labels}x{images}x{resamples}", bootstrap, repeats=1)
