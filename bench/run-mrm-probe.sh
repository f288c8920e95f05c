#!/usr/bin/env bash
# Linear probe of an MRM run's image features against the same architecture untrained (--untrained, seeds 0-2):
# `cxrvl embed` on train/valid/test, logistic regression on train with C chosen on valid (sklearn,
# bench/reference/linear_probe.py), test AUROC with bootstrap intervals from `cxrvl eval cls`.
# usage: bench/run-mrm-probe.sh RUN MANIFEST.jsonl [LABEL (default COVID-19)]
set -euo pipefail
run=$(realpath "$1"); manifest=$(realpath "$2"); label=${3:-COVID-19}
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
probe() {  # name, extra embed options...
  local name=$1; shift
  for split in train valid test; do
    ./cxrvl embed --checkpoint "$run" --data "$manifest" --split $split --out "$out/$name/$split" "$@" >/dev/null
  done
  /usr/bin/python3 bench/reference/linear_probe.py "$manifest" "$label" "$out/$name"/{train,valid,test}/embeddings.safetensors "$out/$name" >/dev/null
  local auroc
  auroc=$(./cxrvl eval cls --labels "$out/$name/labels.csv" --scores "$out/$name/scores.csv" --bootstrap 1000 \
    | /usr/bin/python3 -c "import json,sys; m=json.load(sys.stdin); print(json.dumps({k: v for k, v in m.items() if 'auroc' in k.lower()}))")
  echo "$name  $auroc"
}
echo "linear probe, $label vs rest, test split of $(basename "$manifest") (load before: $load_before)"
probe trained
for seed in 0 1 2; do probe "untrained-seed$seed" --untrained --seed $seed; done
