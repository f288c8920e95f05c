"""Times `cxrvl eval nlg` and the Python re-derivation on the IU findings/impression pairs; writes the "nlg"
section of bench/RESULTS.md (run from the repository root by bench/run-nlg.sh)."""
import argparse
import datetime
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, "bench/reference")
from data_root import data_root
from iu_texts import main as write_iu_texts
from results import write_section

CLI = "src/CxrVL.Cli/bin/Release/net10.0/CxrVL.Cli.dll"
REFERENCE = "tests/CxrVL.Tests/Evaluation/Nlg/reference/nlg_reference.py"


def timed(command, iterations):
    """Median wall and user+system CPU seconds of the command's runs after one warm-up, and its last output."""
    subprocess.run(command, check=True, capture_output=True)
    walls, cpus = [], []
    for _ in range(iterations):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        result = subprocess.run(command, check=True, capture_output=True, text=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    scores = {k: v for k, v in json.loads(result.stdout).items() if isinstance(v, (int, float))}
    return statistics.median(walls), statistics.median(cpus), scores


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=5)
    iterations = parser.parse_args().iterations
    with tempfile.TemporaryDirectory() as work:
        write_iu_texts(os.path.join(data_root(), "iu-xray", "ecgen-radiology"), work)
        refs, preds = (json.load(open(os.path.join(work, f"{n}.json"))) for n in ("impressions", "findings"))
        samples = os.path.join(work, "samples.json")
        json.dump([{"pred": preds[k], "refs": [refs[k]]} for k in refs], open(samples, "w"))
        load_before = open("/proc/loadavg").read().split()[:3]
        ours = timed(["dotnet", CLI, "eval", "nlg", "--refs", f"{work}/impressions.json", "--preds", f"{work}/findings.json"], iterations)
        theirs = timed(["/usr/bin/python3", REFERENCE, samples], iterations)
        load_after = open("/proc/loadavg").read().split()[:3]
    largest = max(abs(ours[2][k] - theirs[2][k]) for k in theirs[2])
    print(f"cxrvl {ours[0]:.3f} s wall, {ours[1]:.3f} s CPU; python {theirs[0]:.3f} s wall, {theirs[1]:.3f} s CPU; "
          f"largest metric difference {largest:.1e}")
    scores = ", ".join(f"{k} {v:.6f}" for k, v in ours[2].items())
    section = "\n".join([
        "## nlg",
        "",
        f"`cxrvl eval nlg` on the shared IU X-ray reports with both sections: FINDINGS as predictions against IMPRESSION "
        f"as references ({len(refs):,} pairs), through the real CLI (process start, JSON reading, BLEU-1..4, ROUGE-L, "
        "CIDEr-D). Reference: the standard-library Python re-derivation of the coco-caption formulas that the tests "
        "check against (pycocoevalcap itself needs PyPI and Java). Goal: under 2 s. Seconds, median of "
        f"{iterations} runs after one warm-up. Run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; "
        f"load average {' '.join(load_before)} before, {' '.join(load_after)} after (other work on the machine "
        "slows both sides).",
        "",
        "| | wall s | CPU s (user + system) |",
        "|---|---|---|",
        f"| Python re-derivation | {theirs[0]:.3f} | {theirs[1]:.3f} |",
        f"| `cxrvl eval nlg` | {ours[0]:.3f} | {ours[1]:.3f} |",
        f"| ratio (Python / CxrVL) | {theirs[0] / ours[0]:.2f}x | {theirs[1] / ours[1]:.2f}x |",
        "",
        f"Scores: {scores}; largest difference between the two sides {largest:.1e}.",
        "",
    ])
    write_section("nlg", section)


if __name__ == "__main__":
    main()
