#!/usr/bin/env bash
# Memory over a long pretraining run: `cxrvl pretrain` (small recipe, clinical notes) on the shared COVID-19 collection
# for 200 optimizer steps per method, with validation every 50 steps and loader restarts every epoch; the resident set
# (metrics.jsonl rss_mb, logged every 10 steps) after step 200 must stay within 5% of that after step 50.
# Writes the "memory" section of bench/RESULTS.md. Usage: bench/run-memory.sh [method ...] (default: clip gloria mgca);
# EXTRA="--set train.batch_size=8 ..." adds overrides (e.g. a cheaper model on a busy machine; they are recorded).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
[ $# -gt 0 ] || set -- clip gloria mgca
methods=("$@")
data_root=$(/usr/bin/python3 -c 'import sys; sys.path.insert(0, "bench/reference"); from data_root import data_root; print(data_root())')
./cxrvl data build covid-chestxray --root "$data_root/covid-chestxray" --out "$out/covid.jsonl" >/dev/null

for method in "${methods[@]}"; do
  echo "== $method"
  ./cxrvl pretrain --method "$method" --data "$out/covid.jsonl" --config pretrain/small --out "$out/$method" \
    --set data.report_sections=[full_text] --set train.max_steps=200 --set train.log_every=10 --set train.val_every=50 \
    ${EXTRA:-} | tail -n 2
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

/usr/bin/python3 - "$out" "$load_before" "$load_after" "${EXTRA:-}" "${methods[@]}" <<'PY'
import datetime, json, os, sys
sys.path.insert(0, "bench/reference")
from results import write_section
out, load_before, load_after, extra, methods = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
rows, traces, verdicts = [], [], []
for method in methods:
    rss = {}
    for line in open(os.path.join(out, method, "metrics.jsonl")):
        entry = json.loads(line)
        if "rss_mb" in entry:
            rss[entry["step"]] = entry["rss_mb"]
    trace = ", ".join(f"{rss[s]:.0f}" for s in sorted(rss))
    change = rss[200] / rss[50] - 1
    verdicts.append(abs(change) <= 0.05)
    rows.append(f"| {method} | {rss[50]:.0f} | {max(v for s, v in rss.items() if s >= 50):.0f} | {rss[200]:.0f} | "
                f"{change * 100:+.1f}% | {'yes' if abs(change) <= 0.05 else '**no**'} |")
    traces.append(f"- {method}, RSS every 10 steps: {trace}")
lines = [
    "## memory",
    "",
    "`cxrvl pretrain --config pretrain/small --set data.report_sections=[full_text] --set train.max_steps=200` on the "
    "shared COVID-19 collection (272 training pairs: 17 batches of 16 per epoch, so the loader restarts about 12 times; "
    f"validation every 50 steps){'; extra overrides `' + extra + '`' if extra else ''}. Resident set (MiB) from "
    "`metrics.jsonl`. Goal: RSS after step 200 within 5% of RSS after step 50. Run {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC; load average {load_before} before, "
    f"{load_after} after.",
    "",
    "| method | RSS step 50 | max after 50 | RSS step 200 | change | within 5% |",
    "|---|---|---|---|---|---|",
    *rows,
    "",
    *traces,
    "",
]
section = "\n".join(lines)
write_section("memory", section)
print(section)
sys.exit(0 if all(verdicts) else 1)
PY
