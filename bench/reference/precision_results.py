"""Writes the "precision" section of bench/RESULTS.md from bench/run-precision.sh's outputs.

Usage: precision_results.py OUT LOAD_BEFORE LOAD_AFTER ROUNDS LAYOUT, where OUT holds STEP-COLUMN-ROUND.txt (a
benchmark's '# ...' header and one 'variant images_per_second' line) and load.txt (the 1-minute load average before
each measurement).
"""
import datetime
import os
import platform
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from results import read, write_section  # noqa: E402

STEPS = [
    ("resnet50", "ResNet-50 training step, batch 16, SGD"),
    ("dual-encoder", "CLIP step, ResNet-50 + BERT-base, batch 8, AdamW"),
    ("mae", "MAE ViT-B/16 step, batch 8, AdamW"),
]
COLUMNS = [
    ("pytorch-fp32", "PyTorch 1.13 float32"),
    ("pytorch-bf16", "PyTorch 1.13 autocast bf16"),
    ("cxrvl-fp32", "CxrVL fp32"),
    ("cxrvl-bf16-mixed", "CxrVL bf16-mixed"),
]
GOALS = [("pytorch-fp32", 1.5), ("pytorch-bf16", 1.1)]


def cpu_line():
    info = open("/proc/cpuinfo").read()
    model = next((l.split(":", 1)[1].strip() for l in info.splitlines() if l.startswith("model name")), platform.processor())
    flags = set(next((l.split(":", 1)[1].split() for l in info.splitlines() if l.startswith("flags")), []))
    native = ", ".join(f"{flag} {'yes' if flag in flags else 'no'}" for flag in ("avx512_bf16", "amx_bf16"))
    return f"{model}, {os.cpu_count()} logical cores ({native})"


def main():
    out, load_before, load_after, rounds, layout = sys.argv[1:6]
    rounds = int(rounds)
    rates, headers = {}, {}
    for step, _ in STEPS:
        for column, _ in COLUMNS:
            values = []
            for r in range(1, rounds + 1):
                header, table = read(os.path.join(out, f"{step}-{column}-{r}.txt"))
                if column.endswith("fp32"):
                    headers[column.split("-")[0]] = header
                values.append(next(iter(table.values())))
            rates[step, column] = values
    loads = [float(line) for line in open(os.path.join(out, "load.txt"))]

    def median(step, column):
        return statistics.median(rates[step, column])

    rows = []
    for step, label in STEPS:
        cells = [f"{median(step, c):.2f} ({' / '.join(f'{v:.2f}' for v in rates[step, c])})" for c, _ in COLUMNS]
        own = median(step, "cxrvl-bf16-mixed") / median(step, "cxrvl-fp32")
        ratios = []
        for column, goal in GOALS:
            ratio = median(step, "cxrvl-bf16-mixed") / median(step, column)
            ratios.append(f"**{ratio:.2f}x** ({'met' if ratio >= goal else 'not met'})")
        # The ratio to PyTorch's autocast last: bench/reference/summary.py quotes a table's last ratio.
        rows.append(f"| {label} | {' | '.join(cells)} | {own:.2f}x | {' | '.join(ratios)} |")

    lines = [
        "## precision",
        "",
        "Mixed precision against float32 in one run (`bench/run-precision.sh`): the training steps of "
        "[resnet50](#resnet50) (batch 16, cross-entropy, SGD), [dual-encoder](#dual-encoder) (ResNet-50 + BERT-base "
        "CLIP, batch 8, AdamW) and [mae](#mae) (ViT-B/16, batch 8, AdamW), random weights and inputs, "
        f"{'channels-last images and weights' if layout else 'contiguous (NCHW) layout'} (CxrVL bf16-mixed puts ResNets "
        "channels-last itself, as its trainer does: oneDNN's bfloat16 convolutions need it). PyTorch 1.13 "
        "autocast bf16: the forward pass and loss in `torch.autocast('cpu', dtype=torch.bfloat16)`, backward and the "
        "optimizer outside, float32 weights, no gradient scaler; CxrVL bf16-mixed: the same in an `Autocast` scope "
        "(`train.precision: bf16-mixed`). Images per second, median of "
        f"{rounds} rounds (each round's value in brackets: mean of the timed steps after the warm-up steps of each "
        "single bench: ResNet-50 4 + 5, CLIP 2 + 3, MAE 3 + 5, as the MAE step's second step spends about a second on "
        "either side first touching memory); within a round the four columns of a step alternate PyTorch and CxrVL, in reverse order every "
        f"other round. `OMP_NUM_THREADS=2`. Run {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC on {cpu_line()}; "
        f"load average {load_before} before, {load_after} after, 1-minute load {min(loads):.1f} to {max(loads):.1f} "
        f"(mean {statistics.mean(loads):.1f}) at the {len(loads)} measurements' starts (other work on the machine "
        "lowers every column). Goals (issue 23): CxrVL bf16-mixed at least 1.5x PyTorch float32 and at least 1.1x "
        "PyTorch autocast bf16.",
        "",
        f"- PyTorch: {headers['pytorch']}",
        f"- CxrVL: {headers['cxrvl']}",
        "",
        "| step | " + " | ".join(f"{name} img/s" for _, name in COLUMNS) +
        " | CxrVL bf16-mixed / fp32 | CxrVL bf16-mixed / PyTorch float32 (goal 1.5x) "
        "| CxrVL bf16-mixed / PyTorch autocast bf16 (goal 1.1x) |",
        "|---|" + "---|" * (len(COLUMNS) + 3),
        *rows,
        "",
    ]
    section = "\n".join(lines)
    write_section("precision", section)
    print(section)


if __name__ == "__main__":
    main()
