"""Writes the loader section of bench/RESULTS.md (through results.write_section) from the RESULT lines of its run.

usage: write_results.py OUTDIR LOAD   (run from the repository root)
"""
import datetime
import json
import os
import platform
import sys

from results import write_section


def result(path):
    with open(path) as text:
        for line in text:
            if line.startswith("RESULT "):
                return json.loads(line[len("RESULT "):])
    raise SystemExit(f"{path} has no RESULT line")


def loader_section(outdir, load):
    ours = result(os.path.join(outdir, "cxrvl.txt"))
    theirs = result(os.path.join(outdir, "torchvision.txt"))
    libs = result(os.path.join(outdir, "libs.txt"))
    ratio = ours["images_per_second"] / theirs["images_per_second"]
    steady = lambda r: sum(r["epoch_images_per_second"][1:]) / max(1, len(r["epoch_images_per_second"]) - 1)
    rss = lambda r: f'{r["rss_mib"][0]:.0f} → {max(r["rss_mib"]):.0f} → {r["rss_mib"][-1]:.0f}'
    lines = [
        "## loader",
        "",
        f"Run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.node()} ({os.cpu_count()} cores), "
        f"load average at the end {load}. `bench/run-loader.sh`: {ours['images']} shared COVID JPEGs x {ours['epochs']} epochs, "
        f"batch {ours['batch']}, {ours['workers']} workers each; recipe decode → resize shorter side 256 → centre crop 224 → "
        "ImageNet normalisation, 3 channels, shuffled.",
        "",
        "| loader | images/s (all epochs) | images/s (epochs 2+) | RSS MiB (epoch 1 → max → last) |",
        "|---|---|---|---|",
        f"| CxrVL `BatchLoader` (OpenCV) | {ours['images_per_second']:.0f} | {steady(ours):.0f} | {rss(ours)} |",
        f"| torchvision `DataLoader` (PIL, torch {theirs.get('torch', '?')}) | {theirs['images_per_second']:.0f} | {steady(theirs):.0f} | {rss(theirs)} (main + workers) |",
        f"| **ratio** | **{ratio:.2f}x** | {steady(ours) / steady(theirs):.2f}x | |",
        "",
        "Per epoch, images/s: CxrVL " + ", ".join(f"{r:.0f}" for r in ours["epoch_images_per_second"])
        + "; torchvision " + ", ".join(f"{r:.0f}" for r in theirs["epoch_images_per_second"]) + ".",
        "RSS MiB: CxrVL " + ", ".join(f"{r:.0f}" for r in ours["rss_mib"])
        + "; torchvision " + ", ".join(f"{r:.0f}" for r in theirs["rss_mib"]) + ".",
        "",
        f"Image libraries (`CxrVL.Bench imaging-libs`, one thread, decode + resize shorter side 224 + centre crop, "
        f"{libs['images']} JPEGs x {libs['repeats']}):",
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
