#!/usr/bin/env bash
# WordPiece over all IU report sentences, CxrVL against Hugging Face tokenizers (Rust, npm) in one run.
# Writes the "tokenizers" section of bench/RESULTS.md. Needs `scripts/setup --tests` (the npm reference).
# The machine's load average is recorded: other work running at the same time lowers both sides.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

dotnet run -c Release --no-build --project bench/CxrVL.Bench -- tokenizers --reference-input "$out/input.json" | tee "$out/cxrvl.txt"
node bench/reference/tokenizers.js "$out/input.json" | tee "$out/hf.txt"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

/usr/bin/python3 - "$out" "$load_before" "$load_after" <<'PY'
import datetime, os, platform, re, sys
sys.path.insert(0, "bench/reference")
from results import read, write_section
out, load_before, load_after = sys.argv[1:4]

hf_header, hf = read(os.path.join(out, "hf.txt"))
cs_header, cs = read(os.path.join(out, "cxrvl.txt"))
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
names = {"bio": "Bio_ClinicalBERT vocab.txt", "mrm": "MRM mimic_wordpiece.json"}
rows = []
for key, name in names.items():
    ours, batch = cs[f"{key}_encode"], cs[f"{key}_batch64"]
    theirs, single = hf[f"{key}_batch"], hf[f"{key}_encode"]
    rows.append(f"| {name} | {ours:,.0f} | {batch:,.0f} | {theirs:,.0f} | {single:,.0f} | {ours / theirs:.2f}x |")
n = re.search(r"(\d+) IU sentences", cs_header).group(1)
section = "\n".join([
    "## tokenizers",
    "",
    f"WordPiece over all {int(n):,} IU report sentences (FINDINGS and IMPRESSION, CxrVL's sentence splitter), ids "
    f"identical on both sides (tests/CxrVL.Tests/Text/TokenizerParityTests). Sentences per second, median of 5 rounds "
    f"after a warm-up round. Run {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC on {cpu}; load average "
    f"{load_before} before, {load_after} after (other work on the machine lowers both sides).",
    "",
    f"- CxrVL: {cs_header}; `batch 64` = `EncodeBatch` of 64 sentences padded to 64 tokens",
    f"- Hugging Face: {hf_header}; `encodeBatch` runs Rust threads on every core, `encode` is one awaited call per sentence",
    "",
    "| tokenizer | CxrVL encode | CxrVL batch 64 | HF encodeBatch | HF encode | CxrVL encode / HF encodeBatch |",
    "|---|---|---|---|---|---|",
    *rows,
    "",
])
write_section("tokenizers", section)
print(section)
PY
