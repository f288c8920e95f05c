#!/usr/bin/env bash
# 'cxrvl eval nlg' on the shared IU X-ray reports: FINDINGS (as predictions) against IMPRESSION (as references),
# 3,013 pairs, through the real CLI (process start included), side by side with the standard-library Python
# re-derivation of the coco-caption formulas that the tests check against (pycocoevalcap itself needs PyPI and Java).
# Goal: under 2 seconds. Writes the "nlg" section of bench/RESULTS.md. ITERATIONS (default 5) timed runs per side.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build -c Release src/CxrVL.Cli -v quiet -nologo >/dev/null
/usr/bin/python3 bench/reference/nlg_bench.py --iterations "${ITERATIONS:-5}"
