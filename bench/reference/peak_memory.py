"""Runs one benchmark script and records, per side, the peak resident memory of its processes.

Usage: peak_memory.py OUT.json -- COMMAND ...

The command's process tree is sampled every 0.1 s from /proc. A process belongs to the CxrVL side when its command
line names the CxrVL bench or CLI assembly (the `dotnet run` launcher is left out), to the reference side when it
runs a script under bench/reference/ (PyTorch, scikit-learn, Node tokenizers; forked DataLoader workers included).
A side's memory at a sample is the sum over its processes (shared pages count in each), its peak the maximum over
samples. Writes {"seconds", "exit_code", "peak_cxrvl_mib", "peak_reference_mib"}.
"""
import json
import os
import subprocess
import sys
import time


def children_map():
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            parent = int(stat[stat.rindex(")") + 2:].split()[1])
        except (OSError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    return children


def tree(root):
    children, stack, found = children_map(), [root], []
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def side(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            args = [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
    except OSError:
        return None
    line = " ".join(args)
    if len(args) > 1 and os.path.basename(args[0]) == "dotnet" and args[1] in ("run", "build", "test"):
        return None
    if "CxrVL.Bench" in line or "CxrVL.Cli" in line:
        return "cxrvl"
    if "bench/reference/" in line:
        return "reference"
    return None


def rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def main():
    out = sys.argv[1]
    command = sys.argv[sys.argv.index("--") + 1:]
    start = time.time()
    process = subprocess.Popen(command)
    peaks = {"cxrvl": 0.0, "reference": 0.0}
    while process.poll() is None:
        totals = {"cxrvl": 0.0, "reference": 0.0}
        for pid in tree(process.pid):
            name = side(pid)
            if name:
                totals[name] += rss_mib(pid)
        for name, total in totals.items():
            peaks[name] = max(peaks[name], total)
        time.sleep(0.1)
    result = {
        "seconds": round(time.time() - start, 1),
        "exit_code": process.returncode,
        "peak_cxrvl_mib": round(peaks["cxrvl"]),
        "peak_reference_mib": round(peaks["reference"]),
    }
    with open(out, "w") as f:
        json.dump(result, f)
    sys.exit(process.returncode)


if __name__ == "__main__":
    main()
