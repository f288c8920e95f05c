"""Writes the "precision-accuracy" section of bench/RESULTS.md from bench/run-precision-accuracy.sh's run folders.

Usage: precision_accuracy_results.py RUNS STEP LOAD_BEFORE LOAD_AFTER METHOD..., where RUNS holds, per method and precision,
the pretraining run folder METHOD-PRECISION (metrics.jsonl, config.yaml), METHOD-PRECISION.time (wall, user and system
seconds) and METHOD-PRECISION.load (1/5/15-minute load averages before and after), and METHOD-evaluation.jsonl
(bench CxrVL.Bench precision-accuracy of both runs' checkpoints at STEP: one JSON object per metric, the fp32 run
first). The final loss is the mean of the losses of the 50 steps up to STEP. NOTE, when set, is added as a last line
(how the runs were made, when that differs from the script's own commands).
"""
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from results import write_section  # noqa: E402

PRECISIONS = ["fp32", "bf16-mixed"]
PLANNED, LAST = 300, 50
LOSS_GOAL = 0.03


def losses(folder, steps):
    """The logged loss of steps 1 to `steps`, in step order; every step must be there (train.log_every=1)."""
    by_step = {}
    for line in open(os.path.join(folder, "metrics.jsonl")):
        record = json.loads(line)
        if record.get("stage") == "train" and "loss" in record:
            by_step[record["step"]] = record["loss"]
    missing = [s for s in range(1, steps + 1) if s not in by_step]
    if missing:
        raise SystemExit(f"{folder}: steps without a logged loss: {missing[:5]}{' ...' if len(missing) > 5 else ''}")
    return [by_step[s] for s in range(1, steps + 1)]


def precision_of(folder):
    for line in open(os.path.join(folder, "config.yaml")):
        if line.strip().startswith("precision:"):
            return line.split(":", 1)[1].strip()
    return "fp32 (the key absent: the default)"


def wall_user_system(path):
    """/usr/bin/time's seconds; it writes 'Command exited with non-zero status N' first for a run stopped by a signal."""
    for line in open(path):
        fields = line.split()
        if len(fields) == 3 and all(f.replace(".", "", 1).isdigit() for f in fields):
            return [float(f) for f in fields]
    raise SystemExit(f"{path}: no wall, user and system seconds")


def interval(values):
    return f"[{values[0]:.3f}, {values[1]:.3f}]" if values else "-"


def main():
    runs, at, load_before, load_after, methods = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5:]
    loss_rows, eval_rows, notes = [], [], []
    for method in methods:
        folders = {p: os.path.join(runs, f"{method}-{p}") for p in PRECISIONS}
        final = {p: sum(losses(f, at)[-LAST:]) / LAST for p, f in folders.items()}
        times = {p: wall_user_system(f + ".time") for p, f in folders.items()}
        loads = {p: [l.strip() for l in open(f + ".load")] for p, f in folders.items()}
        relative = (final["bf16-mixed"] - final["fp32"]) / abs(final["fp32"])
        loss_rows.append(
            f"| {method} | {final['fp32']:.4f} | {final['bf16-mixed']:.4f} | {relative:+.2%} | "
            f"{'yes' if abs(relative) <= LOSS_GOAL else 'no'} | "
            + " / ".join(f"{times[p][0] / 60:.1f}" for p in PRECISIONS) + " | "
            + " / ".join(f"{loads[p][0].split()[0]} -> {loads[p][-1].split()[0]}" for p in PRECISIONS) + " |")
        notes.append(f"{method}: train.precision in the runs' config.yaml: "
                     + ", ".join(f"{precision_of(f)}" for f in folders.values()))
        for line in open(os.path.join(runs, f"{method}-evaluation.jsonl")):
            if not line.startswith("{"):
                continue  # the embedding passes' progress lines
            m = json.loads(line)
            (a, b), (ia, ib) = m["values"], m["intervals"]
            inside = [ia is not None and ia[0] <= b <= ia[1], ib is not None and ib[0] <= a <= ib[1]]
            difference = m["differences"][0]
            paired = f"{difference[0]:+.3f} [{difference[1]:+.3f}, {difference[2]:+.3f}]" if difference else "-"
            eval_rows.append(f"| {method} | {m['task']} | {m['metric']} | {m['items']} | {a:.3f} {interval(ia)} | "
                             f"{b:.3f} {interval(ib)} | {'yes' if all(inside) else 'no'} | {paired} |")
    lines = [
        "## precision-accuracy",
        "",
        "bf16-mixed against fp32 (issue 23), `bench/run-precision-accuracy.sh " + " ".join(methods) + "`: each method's "
        "small recipe (`pretrain/small`, MRM `pretrain/mrm-small`) pretrained on the shared COVID-19 collection with the "
        f"quickstart's overrides (`data.report_sections=[full_text]`, {PLANNED} steps, no validation), every step's "
        f"loss logged, no time limit and 20 epochs (so that every run can reach step {PLANNED}), `--seed 0` for both "
        "precisions, each run at nice 19 with `OMP_NUM_THREADS=2`. "
        + (f"**Compared at step {at}, not {PLANNED}** (`COMPARE_AT={at}`: the runs were stopped there; the schedule "
           f"depends on the epochs, so their first {at} steps are those of the {PLANNED}-step runs). " if at != PLANNED else "")
        + f"Final loss: the mean of the training losses of the {LAST} steps up to step {at} "
        f"(goal: within {LOSS_GOAL:.0%}). Evaluation of the step-{at} checkpoints: the quickstart's (its zero-shot tasks, retrieval over the test "
        "image-note pairs, the linear probe of its probe tasks on the frozen backbone's pooled features) of each "
        "model in float32, each value with its 95% bootstrap percentile interval over the test items; 'within' means "
        "each run's value lies inside the other run's interval; the last column is the paired bootstrap difference "
        f"(the same draws score both). Written {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC; load average "
        f"{load_before} and {load_after} at the start and end of the call that wrote it (each run's own in the first "
        "table; other work on the machine slows the runs, it does not change their results).",
        "",
        "| method | fp32 final loss | bf16-mixed final loss | relative difference | within 3% | wall minutes fp32 / bf16 | "
        "1-min load before -> after, fp32 / bf16 |",
        "|---|---|---|---|---|---|---|",
        *loss_rows,
        "",
        "| method | task | metric | n | fp32 [95% CI] | bf16-mixed [95% CI] | within each other's interval | "
        "bf16 - fp32, paired [95% CI] |",
        "|---|---|---|---|---|---|---|---|",
        *eval_rows,
        "",
        *[f"- {note}" for note in notes],
        *([f"- {os.environ['NOTE']}"] if os.environ.get("NOTE") else []),
        "",
    ]
    section = "\n".join(lines)
    write_section("precision-accuracy", section)
    print(section)


if __name__ == "__main__":
    main()
