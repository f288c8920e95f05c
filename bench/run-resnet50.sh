#!/usr/bin/env bash
# ResNet-50 throughput, CxrVL (TorchSharp) against PyTorch 1.13 (Debian, OpenBLAS) on this machine in one run.
# Writes the "resnet50" section of bench/RESULTS.md. ITERATIONS (default 5) timed steps per variant after WARMUP
# (default 4) untimed ones: PyTorch's training steps keep getting faster for the first four or five (glibc's heap
# settling), so fewer warm-up steps measured the reference below its steady speed.
# The machine's load average is recorded: other work running at the same time lowers both sides; the variants
# alternate between the two sides to spread that evenly.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
iterations=${ITERATIONS:-5}
warmup=${WARMUP:-4}

# Variant by variant, alternating the two sides, so that changing load from other work hits both alike.
for variant in infer_no_grad infer_inference_mode infer_channels_last infer_fused_bn infer_fused_bn_channels_last \
               train_sgd train_sgd_channels_last; do
  case $variant in
    infer_fused_bn*) ;;  # no PyTorch counterpart in eager mode
    *) /usr/bin/python3 bench/reference/resnet50.py --warmup "$warmup" --iterations "$iterations" --variants "$variant" | tee -a "$out/pytorch.txt" ;;
  esac
  dotnet run -c Release --no-build --project bench/CxrVL.Bench -- resnet50 --warmup "$warmup" --iterations "$iterations" \
    --variants "$variant" | tee -a "$out/cxrvl.txt"
  case $variant in
    infer_no_grad|infer_channels_last|train_sgd)
      CXRVL_GLIBC_MALLOC_DEFAULTS=1 dotnet run -c Release --no-build --project bench/CxrVL.Bench -- resnet50 \
        --warmup "$warmup" --iterations "$iterations" --variants "$variant" | tee -a "$out/cxrvl-glibc.txt" ;;
  esac
  # What the fallback for CPUs without cache topology costs: convolutions in libtorch's own kernels, not oneDNN's
  # (the condition is simulated where the CPU reports its caches).
  case $variant in
    infer_fused_bn*) ;;
    *) CXRVL_SIMULATE_NO_CACHE_TOPOLOGY=1 CXRVL_NO_CACHE_TOPOLOGY=fallback dotnet run -c Release --no-build \
         --project bench/CxrVL.Bench -- resnet50 --warmup "$warmup" --iterations "$iterations" --variants "$variant" \
         | tee -a "$out/cxrvl-fallback.txt" ;;
  esac
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

/usr/bin/python3 - "$out" "$load_before" "$load_after" "$iterations" "$warmup" <<'PY'
import datetime, os, platform, sys
sys.path.insert(0, "bench/reference")
from results import read, write_section
out, load_before, load_after, iterations, warmup = sys.argv[1:6]

py_header, py = read(os.path.join(out, "pytorch.txt"))
cs_header, cs = read(os.path.join(out, "cxrvl.txt"))
_, glibc = read(os.path.join(out, "cxrvl-glibc.txt"))
_, fallback = read(os.path.join(out, "cxrvl-fallback.txt"))
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())

def cell(table, variant):
    return f"{table[variant]:.2f}" if variant in table else "-"

rows = []
for variant in sorted(set(py) | set(cs), key=lambda v: (v.startswith("train"), v)):
    ratio = f"{cs[variant] / py[variant]:.2f}x" if variant in cs and variant in py else "-"
    cost = f"{fallback[variant] / cs[variant]:.2f}x" if variant in fallback and variant in cs else "-"
    rows.append(f"| {variant} | {cell(py, variant)} | {cell(cs, variant)} | {cell(glibc, variant)} | {ratio} | "
                f"{cell(fallback, variant)} | {cost} |")

def best(table, prefix):
    candidates = {v: r for v, r in table.items() if v.startswith(prefix)}
    variant = max(candidates, key=candidates.get)
    return variant, candidates[variant]

lines = [
    "## resnet50",
    "",
    f"ResNet-50, 224 x 224, random weights. Inference: batch 32, eval mode; training: batch 16, cross-entropy, SGD "
    f"(momentum 0.9) step. Images per second, mean of {iterations} timed steps after {warmup} warm-up steps, "
    f"`OMP_NUM_THREADS=2`. Run {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC on {cpu}; load average "
    f"{load_before} before, {load_after} after (other work on the machine lowers both sides). The PyTorch loop keeps "
    f"each step's loss referenced until the next step has run, as a training loop's `loss` variable does; dropping it at "
    f"once let glibc trim the heap and fault it back in every step (8.3 instead of 10-11 img/s in training), which "
    f"this file's results before 2026-11-23 03:40 measured and so overstated CxrVL's training ratio (1.43x).",
    "",
    f"- PyTorch: {py_header}",
    f"- CxrVL: {cs_header}; the `glibc defaults` column reruns with `CXRVL_GLIBC_MALLOC_DEFAULTS=1` (no `mallopt`)",
    f"- `oneDNN off`: the fallback for CPUs without cache topology whose oneDNN record cannot be repaired "
    f"(`CXRVL_SIMULATE_NO_CACHE_TOPOLOGY=1 CXRVL_NO_CACHE_TOPOLOGY=fallback`: convolutions in libtorch's own kernels); "
    f"its last column is its speed relative to CxrVL's default.",
    "",
    "| variant | PyTorch 1.13 img/s | CxrVL img/s | CxrVL, glibc defaults | CxrVL / PyTorch | CxrVL, oneDNN off | oneDNN off / default |",
    "|---|---|---|---|---|---|---|",
    *rows,
    "",
]
for kind in ("infer", "train"):
    (cv, cr), (pv, pr) = best(cs, kind), best(py, kind)
    lines.append(f"- best {'inference' if kind == 'infer' else 'training'}: CxrVL {cr:.2f} img/s ({cv}) vs PyTorch "
                 f"{pr:.2f} img/s ({pv}): **{cr / pr:.2f}x**")
lines.append("")
section = "\n".join(lines)
write_section("resnet50", section)
print(section)
PY
