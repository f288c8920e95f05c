"""Writes the "summary" section of bench/RESULTS.md from the sections the bench/run-*.sh scripts wrote and the
per-script timings and peak memory that bench/run-all.sh recorded.

Usage: summary.py RUNS_DIR LOAD_BEFORE LOAD_AFTER
RUNS_DIR holds NAME.json (peak_memory.py's output) for each benchmark NAME that ran (run-NAME.sh). The records are
merged into bench/run-all.json (kept with the results), so running some benchmarks again updates their rows only.
"""
import datetime
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from results import RESULTS, write_section  # noqa: E402

# precision: CxrVL bf16-mixed against PyTorch's autocast bf16 (its section also holds the 1.5x goal against float32).
GOALS = {"loader": 2.0, "resnet50": 1.5, "dual-encoder": 1.5, "mae": 1.5, "vit-mae": 1.5, "precision": 1.1}
BOLD = re.compile(r"\*\*(\d+(?:\.\d+)?)x\*\*")
PLAIN = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)x(?!\w)")


def sections():
    text = open(RESULTS).read() if os.path.exists(RESULTS) else ""
    return {m.group(1): m.group(2) for m in re.finditer(r"<!-- ([\w-]+):begin -->\n(.*?)<!-- \1:end -->", text, re.S)}


def headlines(name, body):
    """(what, ratio or None, note) rows for one section: the lines a reader would quote."""
    rows = []
    if name == "nlg":
        wall = re.search(r"\| `cxrvl eval nlg` \| ([\d.]+) \|", body)
        ratio = re.search(r"\| ratio \(Python / CxrVL\) \| ([\d.]+)x \|", body)
        note = f"CxrVL {wall.group(1)} s, goal under 2 s: {'met' if wall and float(wall.group(1)) < 2 else 'not met'}" if wall else ""
        return [("eval nlg, 3,013 IU pairs (wall time)", float(ratio.group(1)) if ratio else None, note)]
    if name == "mimic-scale":
        steps = re.findall(r"^\| (manifest build|manifest read|loader epoch) \|[^|]*\| ([^|]*) \|[^|]*\| ([^|]*) \| [^|]* \| ([^|]*) \|", body, re.M)
        return [(f"{step}: {rate.strip() if step != 'manifest read' else wall.split('(')[0].strip() + ' s'}", None, goal.strip())
                for step, wall, rate, goal in steps]
    if name == "memory":
        verdicts = re.findall(r"^\| (\w+) \|.*\| (yes|\*\*no\*\*) \|$", body, re.M)
        return [(f"pretrain RSS, step 50 -> 200, {method}", None, "within 5%" if ok == "yes" else "grew more than 5%")
                for method, ok in verdicts]
    for line in body.splitlines():
        if line.startswith("- best") and BOLD.search(line):
            what = line[2:line.index(":")] if ":" in line else line[2:]
            rows.append((what, float(BOLD.search(line).group(1)), ""))
        elif line.startswith("| **ratio**") and BOLD.search(line):
            rows.append(("images/s over all epochs", float(BOLD.search(line).group(1)), ""))
    if rows:
        return rows
    for line in body.splitlines():
        if not line.startswith("|") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        ratios = [float(m.group(1)) for c in cells for m in [BOLD.search(c) or PLAIN.fullmatch(c)] if m]
        if ratios:
            rows.append((cells[0].strip("`* "), ratios[-1], ""))
    return rows or [("see its section", None, "")]


RECORDS = "bench/run-all.json"


def records(runs, load_before, load_after):
    """The stored records updated with this invocation's runs (each with its UTC time and load averages)."""
    stored = json.load(open(RECORDS)) if os.path.exists(RECORDS) else {}
    now = f"{datetime.datetime.utcnow():%Y-%m-%d %H:%M}"
    for file in sorted(os.listdir(runs)):
        if file.endswith(".json"):
            record = json.load(open(os.path.join(runs, file)))
            record.update({"utc": now, "load_before": load_before, "load_after": load_after})
            stored[file[:-5]] = record
    with open(RECORDS, "w") as f:
        json.dump(stored, f, indent=1, sort_keys=True)
        f.write("\n")
    return stored


def main():
    runs, load_before, load_after = sys.argv[1:4]
    stored = records(runs, load_before, load_after)
    found = sections()
    table = ["| benchmark | measure | CxrVL / reference | goal | peak RSS CxrVL MiB | peak RSS reference MiB | script s | run (UTC, load before) | command |",
             "|---|---|---|---|---|---|---|---|---|"]
    misses = []
    for name in sorted(set(stored) | set(found) - {"summary"}):
        # A section whose script has not run under run-all keeps its own date and load (in its text).
        run = stored.get(name, {"exit_code": 0, "peak_cxrvl_mib": None, "peak_reference_mib": None, "seconds": None})
        command = f"`bench/run-{name}.sh`"
        when = f"{run['utc']}, {run['load_before'].split()[0]}" if "utc" in run else "see its section"
        if run["exit_code"] != 0:
            table.append(f"| {name} | failed (exit {run['exit_code']}) | - | - | - | - | {run['seconds']:.0f} | {when} | {command} |")
            continue
        goal = GOALS.get(name)
        for i, (what, ratio, note) in enumerate(headlines(name, found.get(name, ""))):
            verdict = ""
            if goal is not None and ratio is not None:
                verdict = f"{goal:g}x: {'met' if ratio >= goal else '**not met**'}"
                if ratio < goal:
                    misses.append(f"{name} ({what}): {ratio:.2f}x")
            elif note:
                verdict = note
                if "not met" in note:
                    misses.append(f"{name} ({what})")
            memory = (f"{run['peak_cxrvl_mib'] or '-'} | {run['peak_reference_mib'] or '-'}" if i == 0 else " | ")
            seconds = f"{run['seconds']:.0f}" if run["seconds"] is not None else "-"
            cells = [name if i == 0 else "", what, f"{ratio:.2f}x" if ratio is not None else "-", verdict, memory,
                     seconds if i == 0 else "", when if i == 0 else "", command if i == 0 else ""]
            table.append("| " + " | ".join(cells) + " |")
    lines = [
        "## summary",
        "",
        "Every benchmark section of this file, measured on this machine. A row with a run time was run by "
        "`bench/run-all.sh` at the time and 1-minute load average given; the others come from their own script's last "
        "run (date and load in their section). Other work on the machine slows both sides, not always evenly. Ratios are CxrVL's speed over the reference's "
        "(above 1: CxrVL faster), as each benchmark's own section below reports them. Peak RSS: the largest resident "
        "memory of each side's processes during the script (sum over a side's concurrent processes, e.g. DataLoader "
        "workers; sampled every 0.1 s). Goals: loader at least 2x, every model step at least 1.5x; MIMIC scale as its rows say.",
        "",
        *table,
        "",
        ("Goals not met: " + "; ".join(misses) + ".") if misses else "Every goal with a measurement was met.",
        "",
    ]
    section = "\n".join(lines)
    write_section("summary", section)
    # The summary goes first, under the title.
    text = open(RESULTS).read()
    block = re.search(r"<!-- summary:begin -->.*?<!-- summary:end -->\n", text, re.S).group(0)
    rest = text.replace(block, "").rstrip("\n") + "\n"
    head, _, tail = rest.partition("\n<!--")
    open(RESULTS, "w").write(head.rstrip("\n") + "\n\n" + block + ("\n<!--" + tail if tail else ""))
    print(section)


if __name__ == "__main__":
    main()
