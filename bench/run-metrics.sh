#!/usr/bin/env bash
# Classification metrics speed, CxrVL against sklearn 1.2 (Debian) on the same data in one run. Writes the
# "metrics" section of bench/RESULTS.md. RESAMPLES (default 200) bootstrap resamples. The load average is recorded.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
resamples=${RESAMPLES:-200}

/usr/bin/python3 bench/reference/metrics.py "$resamples" | tee "$out/sklearn.txt"
dotnet run -c Release --no-build --project bench/CxrVL.Bench -- metrics --resamples "$resamples" | tee "$out/cxrvl.txt"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

/usr/bin/python3 - "$out" "$load_before" "$load_after" "$resamples" <<'PY'
import datetime, os, platform, sys
sys.path.insert(0, "bench/reference")
from results import read, write_section
out, load_before, load_after, resamples = sys.argv[1:5]

py_header, py = read(os.path.join(out, "sklearn.txt"))
cs_header, cs = read(os.path.join(out, "cxrvl.txt"))
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
rows = [f"| {m} | {py[m]:.4f} | {cs[m]:.4f} | **{py[m] / cs[m]:.1f}x** | {abs(py[m + '.value'] - cs[m + '.value']):.1e} |"
        for m in py if not m.endswith(".value")]
section = "\n".join([
    "## metrics",
    "",
    "AUROC and average precision of scores on 10,007 levels (ties) with ~30% positives; a 14-label bootstrap on",
    f"22,432 images (the NIH test list's size) with {resamples} resamples, AUROC and AP per label per resample (sklearn:",
    "resample indices, call `roc_auc_score` and `average_precision_score`; CxrVL: `MultiLabelEvaluator`, which sorts each",
    "label once and scores a resample from its draw counts in O(n)). Seconds: median of 5 runs after a warm-up (the bootstrap: one run), `OMP_NUM_THREADS=2`. Run",
    f"{datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC on {cpu}; load average {load_before} before, {load_after} after",
    "(other work on the machine slows both sides).",
    "",
    f"- sklearn: {py_header}",
    f"- CxrVL: {cs_header}",
    "",
    "| metric | sklearn s | CxrVL s | speed-up | value difference |",
    "|---|---|---|---|---|",
    *rows,
    "",
])
write_section("metrics", section)
print(section)
PY
