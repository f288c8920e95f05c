#!/usr/bin/env bash
# One CLIP training step of a ResNet-50 + BERT-base dual encoder (batch 8, 224 x 224, 128 tokens, AdamW), CxrVL
# (ClipMethod + the trainer's AdamW) against the same model in PyTorch 1.13 (Debian, OpenBLAS) on this machine.
# Writes the "dual-encoder" section of bench/RESULTS.md. WARMUP (default 2) untimed and ITERATIONS (default 3) timed
# steps per variant (VARIANTS to choose); the variants alternate between the two sides so that other work on the machine hits both alike.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
warmup=${WARMUP:-2}
iterations=${ITERATIONS:-3}

for variant in ${VARIANTS:-train_adamw train_adamw_channels_last}; do
  /usr/bin/python3 bench/reference/dual_encoder.py --warmup "$warmup" --iterations "$iterations" --variants "$variant" \
    | tee -a "$out/pytorch.txt"
  dotnet run -c Release --no-build --project bench/CxrVL.Bench -- dual-encoder --warmup "$warmup" --iterations "$iterations" \
    --variants "$variant" | tee -a "$out/cxrvl.txt"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

/usr/bin/python3 - "$out" "$load_before" "$load_after" "$warmup" "$iterations" <<'PY'
import datetime, os, platform, sys
sys.path.insert(0, "bench/reference")
from results import read, write_section
out, load_before, load_after, warmup, iterations = sys.argv[1:6]
py_header, py = read(os.path.join(out, "pytorch.txt"))
cs_header, cs = read(os.path.join(out, "cxrvl.txt"))
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
rows = [f"| {v} | {py[v]:.3f} | {cs[v]:.3f} | {8 / cs[v]:.1f} | {cs[v] / py[v]:.2f}x |" for v in sorted(py)]
best_cs, best_py = max(cs.values()), max(py.values())
lines = [
    "## dual-encoder",
    "",
    "One CLIP training step of a ResNet-50 + BERT-base (12 x 768, vocabulary 28,996) dual encoder: batch 8, 224 x 224 "
    "images, 128 tokens, [CLS] and pooled features projected to 512, learned temperature, mean of both InfoNCE "
    "directions, AdamW (lr 1e-5, weight decay 0.05 on matrices), dropout on. CxrVL: `ClipMethod` and the trainer's "
    "AdamW; PyTorch: torchvision `resnet50`, the Hugging Face-named BERT the parity tests use, `torch.optim.AdamW`. "
    f"Images per second, mean of {iterations} timed steps after {warmup} warm-up steps, `OMP_NUM_THREADS=2`. "
    f"Run {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC on {cpu}; load average {load_before} before, {load_after} "
    "after (other work on the machine lowers both sides).",
    "",
    f"- PyTorch: {py_header}",
    f"- CxrVL: {cs_header}",
    "",
    "| variant | PyTorch 1.13 img/s | CxrVL img/s | CxrVL s/step | CxrVL / PyTorch |",
    "|---|---|---|---|---|",
    *rows,
    "",
    f"- best: CxrVL {best_cs:.3f} img/s vs PyTorch {best_py:.3f} img/s: **{best_cs / best_py:.2f}x** (goal 1.5x)",
    "",
]
section = "\n".join(lines)
write_section("dual-encoder", section)
print(section)
PY
