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

/usr/bin/python3 bench/reference/memory_results.py "$out" "$load_before" "$load_after" "${EXTRA:-}" "${methods[@]}"
