#!/usr/bin/env bash
# Accuracy of mixed precision (issue 23): each method's small recipe pretrained for 300 steps on the shared COVID-19
# collection in fp32 and in bf16-mixed from the same seed, as the quickstart pretrains it (its train.* overrides, every
# step's loss logged); then the final loss (mean of the last 50 steps' losses) of each and their relative difference
# (goal: within 3%), and the quickstart's evaluations of both models (zero-shot AUROC, retrieval Recall@K, linear-probe
# AUROC, with bootstrap intervals over the test items): does each value fall within the other run's interval?
# Writes the "precision-accuracy" section of bench/RESULTS.md.
# Usage: bench/run-precision-accuracy.sh [method ...] (default: clip mgca mrm; the run's order). RUNS=DIR keeps the run
# folders there (else a temporary folder): a run whose folder holds its wall time is finished and is not repeated, so an
# interrupted call resumes. COMPARE_AT=N (default 300) compares the runs at step N (its checkpoint and the 50 losses up
# to it), for runs stopped early on a busy machine: the schedule depends on the epochs, not on where a run stops, so the
# first N steps are those of the 300-step run. NOTE="..." adds a line to the section (e.g. runs made another way). Each pretraining runs at nice 19. About 4 minutes per run on a quiet
# 2-core machine.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
[ $# -gt 0 ] || set -- clip mgca mrm
runs=${RUNS:-$out}
at=${COMPARE_AT:-300}
checkpoint=checkpoints/step-$(printf %06d "$at")
mkdir -p "$runs"
data_root=$(/usr/bin/python3 -c 'import sys; sys.path.insert(0, "bench/reference"); from data_root import data_root; print(data_root())')
[ -f "$runs/covid.jsonl" ] || ./cxrvl data build covid-chestxray --root "$data_root/covid-chestxray" --out "$runs/covid.jsonl" >/dev/null

# The quickstart's pretraining overrides (configs/quickstart.yaml) with every step logged and no time limit; 20 epochs
# (mrm-small has 15, fewer than 300 steps) so that every run reaches step 300.
overrides=(--set "data.report_sections=[full_text]" --set train.max_steps=300 --set train.val_every=0 --set train.log_every=1
           --set train.checkpoint_minutes=30 --set train.minutes=null --set train.epochs=20)
for method in "$@"; do
  recipe=pretrain/small
  case $method in mrm|prior|medst) recipe=pretrain/$method-small ;; esac
  for precision in fp32 bf16-mixed; do
    folder="$runs/$method-$precision"
    [ -f "$folder.time" ] && continue
    rm -rf "$folder"
    echo "== $method $precision ($(cut -d' ' -f1-3 /proc/loadavg))"
    cut -d' ' -f1-3 /proc/loadavg >"$folder.load"
    /usr/bin/time -f "%e %U %S" -o "$folder.time.partial" nice -n 19 ./cxrvl pretrain --method "$method" \
      --data "$runs/covid.jsonl" --config "$recipe" --out "$folder" --seed 0 "${overrides[@]}" --set "train.precision=$precision" \
      | tail -n 2
    cut -d' ' -f1-3 /proc/loadavg >>"$folder.load"
    mv "$folder.time.partial" "$folder.time"
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

for method in "$@"; do
  [ -f "$runs/$method-evaluation.jsonl" ] || nice -n 19 dotnet run -c Release --no-build --project bench/CxrVL.Bench -- \
    precision-accuracy --data "$runs/covid.jsonl" --runs "$runs/$method-fp32/$checkpoint,$runs/$method-bf16-mixed/$checkpoint" \
    >"$runs/$method-evaluation.jsonl"
done
/usr/bin/python3 bench/reference/precision_accuracy_results.py "$runs" "$at" "$load_before" "$load_after" "$@"
