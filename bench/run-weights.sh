#!/usr/bin/env bash
# Checkpoint read/write of a ViT-B/16 state dict (86.6 M float32 values, 346 MB), CxrVL against PyTorch 1.13 on this
# machine in one run. Writes the "weights" section of bench/RESULTS.md. ITERATIONS (default 3) timed runs per variant.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
iterations=${ITERATIONS:-3}

/usr/bin/python3 bench/reference/checkpoint_load.py make "$out"
/usr/bin/python3 bench/reference/checkpoint_load.py time "$out" --iterations "$iterations" | tee "$out/pytorch.txt"
dotnet run -c Release --no-build --project bench/CxrVL.Bench -- weights --dir "$out" --iterations "$iterations" | tee "$out/cxrvl.txt"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

/usr/bin/python3 - "$out" "$load_before" "$load_after" "$iterations" <<'PY'
import datetime, os, sys
sys.path.insert(0, "bench/reference")
from results import read, write_section
out, load_before, load_after, iterations = sys.argv[1:5]

py_header, py = read(os.path.join(out, "pytorch.txt"))
cs_header, cs = read(os.path.join(out, "cxrvl.txt"))
size = os.path.getsize(os.path.join(out, "vit_b16.pt")) / 1e6
pairs = [("load_zip", "load_zip", "torch.load / CheckpointReader.Read, torch.save zip"),
         ("load_legacy", "load_legacy", "torch.load / CheckpointReader.Read, legacy format"),
         ("load_safetensors", None, "CheckpointReader.Read, safetensors"),
         ("inspect_zip", None, "CheckpointReader.Inspect (names, dtypes, shapes only)"),
         ("save_safetensors", "save_zip", "torch.save zip / SafeTensors.Write (atomic: temporary file, fsync, rename)")]
rows = []
for ours, theirs, what in pairs:
    p = f"{py[theirs]:.3f}" if theirs else "-"
    ratio = f"{py[theirs] / cs[ours]:.2f}x" if theirs else "-"
    rows.append(f"| {what} | {p} | {cs[ours]:.3f} | {ratio} |")
section = "\n".join([
    "## weights",
    "",
    f"A ViT-B/16 state dict (timm names, 152 tensors, 86.6 M float32 values, {size:.0f} MB). Seconds, median of "
    f"{iterations} runs after one warm-up run (files in the page cache). Run {datetime.datetime.utcnow():%Y-%m-%d %H:%M} "
    f"UTC; load average {load_before} before, {load_after} after (other work on the machine slows both sides).",
    "",
    f"- PyTorch: {py_header}",
    f"- CxrVL: {cs_header}",
    "",
    "| operation | PyTorch 1.13 s | CxrVL s | speed-up (PyTorch / CxrVL) |",
    "|---|---|---|---|",
    *rows,
    "",
])
write_section("weights", section)
print(section)
PY
