#!/usr/bin/env bash
# One MAE pretraining step of a ViT-B/16 (MRM's image branch: mask 0.75, 8-block 512-wide decoder, norm-pixel loss,
# AdamW; batch 8, 224 x 224), CxrVL against the same model in PyTorch 1.13 (Debian, OpenBLAS) on this machine.
# Writes the "mae" section of bench/RESULTS.md. WARMUP (default 3) untimed and ITERATIONS (default 5) timed steps
# (the second step of either side first touches the memory that the first step's activations had: ~1 s of page faults);
# ROUNDS (default 2) alternate the two sides so that other work on the machine hits both alike.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
warmup=${WARMUP:-3}
iterations=${ITERATIONS:-5}
rounds=${ROUNDS:-2}

for round in $(seq "$rounds"); do
  /usr/bin/python3 bench/reference/mae.py --warmup "$warmup" --iterations "$iterations" | tee -a "$out/pytorch-$round.txt"
  dotnet run -c Release --no-build --project bench/CxrVL.Bench -- mae --warmup "$warmup" --iterations "$iterations" \
    | tee -a "$out/cxrvl-$round.txt"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

/usr/bin/python3 - "$out" "$load_before" "$load_after" "$warmup" "$iterations" "$rounds" <<'PY'
import datetime, os, platform, sys
sys.path.insert(0, "bench/reference")
from results import read, write_section
out, load_before, load_after, warmup, iterations, rounds = sys.argv[1:7]
py = [read(os.path.join(out, f"pytorch-{r}.txt")) for r in range(1, int(rounds) + 1)]
cs = [read(os.path.join(out, f"cxrvl-{r}.txt")) for r in range(1, int(rounds) + 1)]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
rows = [f"| {r + 1} | {p[1]['train_adamw']:.3f} | {c[1]['train_adamw']:.3f} | {c[1]['train_adamw'] / p[1]['train_adamw']:.2f}x |"
        for r, (p, c) in enumerate(zip(py, cs))]
best_py = max(p[1]["train_adamw"] for p in py)
best_cs = max(c[1]["train_adamw"] for c in cs)
lines = [
    "## mae",
    "",
    "One MAE pretraining step of a ViT-B/16, MRM's image branch: the encoder on the 25% of patches a per-sample "
    "random shuffle keeps (fixed 2-D sin-cos positions), a decoder of 8 blocks (512 wide, 16 heads) over the full "
    "sequence with mask tokens, a linear head to 16 x 16 x 3 pixels, the norm-pixel MSE on the removed patches; "
    "AdamW (lr 1.5e-4, betas 0.9/0.95, weight decay 0.05 on matrices); batch 8, 224 x 224. CxrVL: "
    "`VisionTransformer.ForwardMasked` and its blocks (fused scaled-dot-product attention of libtorch 2.10) with the "
    "trainer's AdamW; PyTorch 1.13: the same model in `torch.nn` (timm's block layout; 1.13 has no fused attention, "
    f"so softmax(q k^T / sqrt(d)) v), `torch.optim.AdamW`. Images per second, mean of {iterations} timed steps after "
    f"{warmup} warm-up step(s), {rounds} alternating rounds, `OMP_NUM_THREADS=2`. Run "
    f"{datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC on {cpu}; load average {load_before} before, {load_after} "
    "after (other work on the machine lowers both sides).",
    "",
    f"- PyTorch: {py[0][0]}",
    f"- CxrVL: {cs[0][0]}",
    "",
    "| round | PyTorch 1.13 img/s | CxrVL img/s | CxrVL / PyTorch |",
    "|---|---|---|---|",
    *rows,
    "",
    f"- best: CxrVL {best_cs:.3f} img/s vs PyTorch {best_py:.3f} img/s: **{best_cs / best_py:.2f}x** (goal 1.5x)",
    "",
]
section = "\n".join(lines)
write_section("mae", section)
print(section)
PY
