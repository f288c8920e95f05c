#!/usr/bin/env bash
# Linear probe of an MRM run's image features against the same architecture untrained (--untrained, seeds 0-2):
# `cxrvl embed` on train/valid/test, logistic regression on train with C chosen on valid (sklearn,
# bench/reference/linear_probe.py), test AUROC with bootstrap intervals from `cxrvl eval cls`.
# Labels: COVID-19 (vs the other findings) and view=PA (PA vs AP / AP supine radiographs: a property of the image
# itself, learnable from pixels alone).
# usage: bench/run-mrm-probe.sh RUN MANIFEST.jsonl [LABEL ... (default: COVID-19 view=PA)]
set -euo pipefail
run=$(realpath "$1"); manifest=$(realpath "$2"); shift 2
labels=("$@")
[ $# -gt 0 ] || labels=(COVID-19 view=PA)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
embed() {  # name, extra embed options...
  local name=$1; shift
  for split in train valid test; do
    ./cxrvl embed --checkpoint "$run" --data "$manifest" --split $split --out "$out/$name/$split" "$@" >/dev/null
  done
}
probe() {  # name, label
  local name=$1 label=$2 dir="$out/$1/${2//[^A-Za-z0-9-]/_}"
  /usr/bin/python3 bench/reference/linear_probe.py "$manifest" "$label" "$out/$name"/{train,valid,test}/embeddings.safetensors "$dir" >/dev/null
  local auroc
  auroc=$(./cxrvl eval cls --labels "$dir/labels.csv" --scores "$dir/scores.csv" --bootstrap 1000 \
    | /usr/bin/python3 -c "import json,sys; m=json.load(sys.stdin); print(json.dumps({k: v for k, v in m.items() if 'auroc' in k.lower()}))")
  echo "$label  $name  $auroc"
}
echo "linear probe, test split of $(basename "$manifest") (load before: $load_before)"
embed trained
for seed in 0 1 2; do embed "untrained-seed$seed" --untrained --seed $seed; done
for label in "${labels[@]}"; do
  for name in trained untrained-seed0 untrained-seed1 untrained-seed2; do probe "$name" "$label"; done
done
