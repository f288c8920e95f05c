#!/usr/bin/env bash
# Mixed precision against float32, CxrVL against PyTorch 1.13 (Debian, OpenBLAS), in one run on this machine: the
# ResNet-50 training step (batch 16, SGD), the CLIP dual-encoder step (ResNet-50 + BERT-base, batch 8, AdamW) and the
# MAE ViT-B/16 step (batch 8, AdamW) of bench/run-resnet50.sh, run-dual-encoder.sh and run-mae.sh, each in four
# columns: PyTorch float32, PyTorch `torch.autocast('cpu', torch.bfloat16)`, CxrVL fp32 and CxrVL bf16-mixed (forward
# pass and loss in the autocast scope, backward and optimizer outside; float32 weights; no gradient scaler).
# Writes the "precision" section of bench/RESULTS.md. Goal (issue 23): CxrVL bf16-mixed at least 1.5x PyTorch float32
# and at least 1.1x PyTorch autocast bfloat16 on each step.
# ROUNDS (default 3) rounds; within a round every step runs its four columns one after the other, PyTorch and CxrVL
# alternating, in reverse order every other round, so that other work on the machine hits all columns alike (the
# load average is sampled before every measurement and reported). CHANNELS_LAST=1 measures the ResNet-50 and dual-encoder
# steps with channels-last images and weights on both sides. About 10 minutes on a quiet 2-core machine.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
rounds=${ROUNDS:-3}
layout=$([ "${CHANNELS_LAST:-0}" = 1 ] && echo _channels_last || true)

# step: the bench name, the Python reference, its variant, warm-up and timed steps (the protocols of the single benches).
steps=("resnet50 resnet50.py train_sgd$layout 4 5" "dual-encoder dual_encoder.py train_adamw$layout 2 3" "mae mae.py train_adamw 3 5")
columns=(pytorch-fp32 cxrvl-fp32 pytorch-bf16 cxrvl-bf16-mixed)

measure() {  # step, column, round
  local name script variant warmup iterations
  read -r name script variant warmup iterations <<<"$1"
  echo "$(cut -d' ' -f1 /proc/loadavg)" >>"$out/load.txt"
  local file="$out/$name-$2-$3.txt"
  case $2 in
    pytorch-*)
      local options=(--warmup "$warmup" --iterations "$iterations" --precision "${2#pytorch-}")
      [ "$name" = mae ] || options+=(--variants "$variant")
      /usr/bin/python3 "bench/reference/$script" "${options[@]}" >"$file" ;;
    cxrvl-*)
      local options=(--warmup "$warmup" --iterations "$iterations" --precision "${2#cxrvl-}")
      [ "$name" = mae ] || options+=(--variants "$variant")
      dotnet run -c Release --no-build --project bench/CxrVL.Bench -- "$name" "${options[@]}" >"$file" ;;
  esac
  echo "round $3 $name $2: $(grep -v '^#' "$file")"
}

for round in $(seq "$rounds"); do
  order=("${columns[@]}")
  if [ $((round % 2)) = 0 ]; then order=(cxrvl-bf16-mixed pytorch-bf16 cxrvl-fp32 pytorch-fp32); fi
  for step in "${steps[@]}"; do
    for column in "${order[@]}"; do
      measure "$step" "$column" "$round"
    done
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

/usr/bin/python3 bench/reference/precision_results.py "$out" "$load_before" "$load_after" "$rounds" "${layout:-}"
