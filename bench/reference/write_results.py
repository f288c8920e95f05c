"""Writes the loader section of bench/RESULTS.md (through results.write_section) from the RESULT lines of its run.

usage: write_results.py OUTDIR LOAD   (run from the repository root)
"""
import datetime
import json
import os
import platform
import statistics
import sys

from results import write_section


def result(path):
    with open(path) as text:
        for line in text:
            if line.startswith("RESULT "):
                return json.loads(line[len("RESULT "):])
    raise SystemExit(f"{path} has no RESULT line")


def loader_section(outdir, load):
    ours = [result(os.path.join(outdir, f"cxrvl-{r}.txt")) for r in (1, 2)]
    theirs = [result(os.path.join(outdir, f"torchvision-{r}.txt")) for r in (1, 2)]
    libs = result(os.path.join(outdir, "libs.txt"))
    overall = lambda runs: statistics.mean(r["images_per_second"] for r in runs)
    # The median epoch after the first (warm-up) over both rounds: robust to bursts of other work on the machine.
    steady = lambda runs: statistics.median(x for r in runs for x in r["epoch_images_per_second"][1:])
    rss = lambda runs: " / ".join(f'{r["rss_mib"][0]:.0f} → {max(r["rss_mib"]):.0f} → {r["rss_mib"][-1]:.0f}' for r in runs)
    epochs = lambda runs: " / ".join(", ".join(f"{x:.0f}" for x in r["epoch_images_per_second"]) for r in runs)
    memory = lambda runs: " / ".join(", ".join(f"{x:.0f}" for x in r["rss_mib"]) for r in runs)
    first = ours[0]
    lines = [
        "## loader",
        "",
        f"Run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.node()} ({os.cpu_count()} cores), "
        f"load average at the end {load} (other work was running: both sides slow down, unevenly). `bench/run-loader.sh`: "
        f"{first['images']} shared COVID JPEGs x {first['epochs']} epochs, batch {first['batch']}, {first['workers']} workers each, "
        "two alternating rounds per side; recipe decode → resize shorter side 256 → centre crop 224 → ImageNet "
        "normalisation, 3 channels, shuffled.",
        "",
        "| loader | images/s (all epochs, mean of rounds) | images/s (median epoch after the first) | RSS MiB per round (epoch 1 → max → last) |",
        "|---|---|---|---|",
        f"| CxrVL `BatchLoader` (OpenCV) | {overall(ours):.0f} | {steady(ours):.0f} | {rss(ours)} |",
        f"| torchvision `DataLoader` (PIL, torch {theirs[0].get('torch', '?')}) | {overall(theirs):.0f} | {steady(theirs):.0f} | {rss(theirs)} (main + workers) |",
        f"| **ratio** | **{overall(ours) / overall(theirs):.2f}x** | **{steady(ours) / steady(theirs):.2f}x** | |",
        "",
        f"Per epoch, images/s (round 1 / round 2): CxrVL {epochs(ours)}; torchvision {epochs(theirs)}.",
        f"RSS MiB: CxrVL {memory(ours)}; torchvision {memory(theirs)}.",
        "",
        f"Image libraries (`CxrVL.Bench imaging-libs`, one thread, decode + resize shorter side 224 + centre crop, "
        f"{libs['images']} JPEGs x {libs['repeats']}; the CxrVL row is the loader's path: Pillow-exact resize, float output):",
        "",
        "| library | images/s |",
        "|---|---|",
    ]
    lines += [f"| {name} | {rate:.0f} |" for name, rate in libs["images_per_second"].items()]
    return lines


def main():
    outdir, load = sys.argv[1:3]
    write_section("loader", "\n".join(loader_section(outdir, load)) + "\n")


if __name__ == "__main__":
    main()
