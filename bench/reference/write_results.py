"""Writes one benchmark's section of bench/RESULTS.md from the RESULT lines its run printed.

usage: write_results.py loader OUTDIR LOAD RESULTS.md
Each section sits between <!-- NAME:begin --> and <!-- NAME:end --> and is replaced on every run; other sections stay.
"""
import datetime
import json
import os
import platform
import sys


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
    name, outdir, load, path = sys.argv[1:5]
    section = {"loader": loader_section}[name](outdir, load)
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    text = open(path).read() if os.path.exists(path) else "# Benchmark results\n\nOne section per benchmark, written by its `bench/run-*.sh`.\n"
    block = "\n".join([begin, *section, end])
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    with open(path, "w") as out:
        out.write(text)


if __name__ == "__main__":
    main()
