"""Shared by the bench/run-*.sh scripts: reads a benchmark's output and replaces one section of bench/RESULTS.md."""
import os
import re

RESULTS = "bench/RESULTS.md"


def read(path):
    """The first '# ...' line (the header; later ones hold details such as per-phase times) and the 'variant value'
    lines of one side's output."""
    values, header = {}, None
    for line in open(path):
        if line.startswith("#"):
            header = header if header is not None else line[1:].strip()
        elif line.strip():
            variant, value = line.split()
            values[variant] = float(value)
    return header or "", values


def write_section(name, section):
    """Replaces the section between '<!-- NAME:begin -->' and '<!-- NAME:end -->', or appends it."""
    text = open(RESULTS).read() if os.path.exists(RESULTS) else \
        "# Benchmark results\n\nWritten by `bench/run-*.sh`; each section is replaced by its script's next run.\n"
    pattern = re.compile(rf"<!-- {name}:begin -->.*?<!-- {name}:end -->\n?", re.S)
    block = f"<!-- {name}:begin -->\n{section}<!-- {name}:end -->\n"
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + block
    open(RESULTS, "w").write(text)
