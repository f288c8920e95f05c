"""Writes the mpi section of bench/RESULTS.md from the metrics.jsonl of the runs of bench/run-mpi.sh.

usage: mpi_results.py OUTDIR STEPS ROUNDS LOAD_BEFORE LOAD_AFTER MPI_VERSION   (run from the repository root)
"""
import datetime
import glob
import json
import os
import platform
import statistics
import struct
import sys

from results import write_section

WARMUP = 3


def steps(run):
    """Per-step metric lines (log_every 1) after the warm-up steps."""
    lines = [json.loads(l) for l in open(os.path.join(run, "metrics.jsonl"))]
    return [l for l in lines if "loss" in l and l["step"] > WARMUP]


def median(runs, key):
    return statistics.median(l[key] for run in runs for l in steps(run))


def trained_values(run):
    """Values in the final checkpoint's parameters (BatchNorm statistics and counters left out): the gradient size."""
    path = sorted(glob.glob(os.path.join(run, "checkpoints", "step-*", "model.safetensors")))[-1]
    with open(path, "rb") as f:
        header = json.loads(f.read(struct.unpack("<Q", f.read(8))[0]))
    skip = ("running_mean", "running_var", "num_batches_tracked", "position_ids")
    return sum(
        eval("*".join(map(str, v["shape"])) or "1")
        for k, v in header.items() if k != "__metadata__" and not k.endswith(skip))


def main(outdir, total_steps, rounds, load_before, load_after, mpi_version):
    one = [os.path.join(outdir, f"one-{r}") for r in range(1, rounds + 1)]
    two = [os.path.join(outdir, f"two-{r}") for r in range(1, rounds + 1)]
    single_thread = [os.path.join(outdir, "one-thread")]
    rate_one, rate_two, rate_thread = median(one, "samples_per_s"), median(two, "samples_per_s"), median(single_thread, "samples_per_s")
    reduce_ms = median(two, "allreduce_ms")
    step_two_ms = 1000 * 16 / rate_two
    values = trained_values(one[0])
    per_round = lambda runs: " / ".join(f"{statistics.median(l['samples_per_s'] for l in steps(r)):.2f}" for r in runs)
    lines = [
        "## mpi",
        "",
        f"Run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.node()} ({os.cpu_count()} cores), "
        f"load average {load_before} before, {load_after} after (other work was running on the machine: every "
        "configuration slows down, unevenly). `bench/run-mpi.sh`: `cxrvl pretrain --method clip --config pretrain/small` "
        f"(ResNet-18 at 128 px, 4-layer 256-wide text encoder, {values / 1e6:.1f} M trained values = "
        f"{values * 4 / 2**20:.0f} MiB of float32 gradients per step), global batch 16, {total_steps} steps, samples/s "
        f"per step after {WARMUP} warm-up steps (median); {rounds} alternating round(s) of 1 and 2 ranks. {mpi_version}, "
        "loopback TCP (`--mca btl self,tcp --mca btl_tcp_if_include lo`); each of 2 ranks takes 8 samples of every batch "
        "and 1 torch thread (the machine's 2 cores shared).",
        "",
        "| configuration | samples/s (median step; per round) | vs 1 rank x 2 threads |",
        "|---|---|---|",
        f"| 1 rank, 2 torch threads | {rate_one:.2f} ({per_round(one)}) | 1.00x |",
        f"| 2 ranks x 1 thread (mpirun -np 2) | {rate_two:.2f} ({per_round(two)}) | {rate_two / rate_one:.2f}x |",
        f"| 1 rank, 1 torch thread | {rate_thread:.2f} | {rate_thread / rate_one:.2f}x |",
        "",
        f"Gradient all-reduce with 2 ranks: median {reduce_ms:.1f} ms per step ({100 * reduce_ms / step_two_ms:.1f}% of the "
        f"median step of {step_two_ms:.0f} ms): {values * 4 / 2**20:.0f} MiB in 25 MiB buckets, flatten + MPI_Allreduce + "
        "divide + copy back, after backward (TorchSharp 0.107 has no gradient hooks to overlap it with backward). The "
        "time includes waiting for the slower rank, so on a loaded machine it measures the ranks' imbalance as much as "
        "the transfer.",
        "",
    ]
    write_section("mpi", "\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6])
