#!/usr/bin/env bash
# MIMIC scale: generates (once; bench/generate_mimic_tree.py is idempotent) a synthetic tree in MIMIC-CXR-JPG 2.0.0's
# layout and CSV formats at full size (377,110 images, 227,835 studies, 65,379 patients; hard links to the shared
# JPEGs, about 1 GB of report texts and directories), then measures the wall time and peak memory of
# 'cxrvl data build mimic-cxr', of opening the manifest as pretraining does, and of one loader epoch at 224 px next to
# the loader benchmark on the shared images. Writes the "mimic-scale" section of bench/RESULTS.md and the summary.
# Usage: bench/run-mimic-scale.sh [TREE]   (default $MIMIC_TREE or /work/bench-data/mimic; keep it outside the repository)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
tree=${1:-${MIMIC_TREE:-/work/bench-data/mimic}}
dotnet build -c Release src/CxrVL.Cli -v quiet -nologo >/dev/null
/usr/bin/python3 bench/generate_mimic_tree.py "$tree"
/usr/bin/python3 bench/reference/mimic_scale.py "$tree" "$out"
# The summary's row for this section (its run columns stay "see its section" until bench/run-all.sh runs it).
empty=$(mktemp -d -p "$out")
/usr/bin/python3 bench/reference/summary.py "$empty" "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)" >/dev/null
echo "wrote bench/RESULTS.md (sections mimic-scale, summary)"
