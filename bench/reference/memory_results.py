"""Writes the "memory" section of bench/RESULTS.md from bench/run-memory.sh's runs.

Usage: memory_results.py OUT LOAD_BEFORE LOAD_AFTER EXTRA METHOD... where OUT/METHOD/metrics.jsonl are the runs'
metrics (rss_mb every 10 steps). Exits 1 when a method's RSS after step 200 is more than 5% off its RSS after step 50.
"""
import datetime, json, os, sys
sys.path.insert(0, "bench/reference")
from results import write_section
out, load_before, load_after, extra, methods = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
rows, traces, verdicts = [], [], []
for method in methods:
    rss, managed = {}, {}
    for line in open(os.path.join(out, method, "metrics.jsonl")):
        entry = json.loads(line)
        if "rss_mb" in entry:
            rss[entry["step"]] = entry["rss_mb"]
            managed[entry["step"]] = entry.get("managed_mb", float("nan"))
    trace = ", ".join(f"{rss[s]:.0f}" for s in sorted(rss))
    change = rss[200] / rss[50] - 1
    verdicts.append(abs(change) <= 0.05)
    rows.append(f"| {method} | {rss[50]:.0f} | {max(v for s, v in rss.items() if s >= 50):.0f} | {rss[200]:.0f} | "
                f"{change * 100:+.1f}% | {'yes' if abs(change) <= 0.05 else '**no**'} |")
    traces.append(f"- {method}, RSS every 10 steps: {trace}; of which .NET managed heap at steps 50 and 200: "
                  f"{managed[50]:.0f} and {managed[200]:.0f}")
lines = [
    "## memory",
    "",
    "`cxrvl pretrain --config pretrain/small --set data.report_sections=[full_text] --set train.max_steps=200` on the "
    "shared COVID-19 collection (272 training pairs; the loader restarts every epoch; "
    f"validation every 50 steps){'; extra overrides `' + extra + '`' if extra else ''}. Resident set (MiB) from "
    f"`metrics.jsonl`. Goal: RSS after step 200 within 5% of RSS after step 50. Run {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC; load average {load_before} before, "
    f"{load_after} after.",
    "",
    "| method | RSS step 50 | max after 50 | RSS step 200 | change | within 5% |",
    "|---|---|---|---|---|---|",
    *rows,
    "",
    *traces,
    "",
]
section = "\n".join(lines)
write_section("memory", section)
print(section)
sys.exit(0 if all(verdicts) else 1)
