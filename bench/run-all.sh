#!/usr/bin/env bash
# Runs every benchmark (bench/run-*.sh) one after the other, each side by side with its reference (PyTorch 1.13,
# torchvision, scikit-learn from Debian; Hugging Face tokenizers from npm), records each script's time and the peak
# resident memory of each side, and writes the "summary" section at the top of bench/RESULTS.md: the ratios each
# benchmark's section reports, the goals (loader >= 2x, every model step >= 1.5x), peak memory and the commands.
# Each benchmark's record (time, load, peak memory, exit code) is kept in bench/run-all.json, so running some
# benchmarks again updates only their rows.
#   bench/run-all.sh                 every benchmark
#   bench/run-all.sh loader nlg      only these (run-loader.sh, run-nlg.sh)
#   SKIP="memory" bench/run-all.sh   all but these
# Needs 'scripts/setup --tests' (the references). A benchmark that fails is listed as failed; the others still run.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup --tests
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build -c Release bench/CxrVL.Bench -v quiet -nologo >/dev/null || { echo "run-all: the bench project does not build" >&2; exit 1; }
dotnet build -c Release src/CxrVL.Cli -v quiet -nologo >/dev/null || { echo "run-all: the CLI does not build" >&2; exit 1; }

if [ $# -gt 0 ]; then
  names=("$@")
else
  names=()
  for script in bench/run-*.sh; do
    name=$(basename "$script" .sh); name=${name#run-}
    # run-mrm-probe.sh evaluates a given MRM run and run-precision-accuracy.sh trains six (quality checks, not speed
    # benchmarks; run them by name).
    [ "$name" = all ] || [ "$name" = mrm-probe ] || [ "$name" = precision-accuracy ] && continue
    [[ " ${SKIP:-} " == *" $name "* ]] && continue
    names+=("$name")
  done
fi

runs=$(mktemp -d)
trap 'rm -rf "$runs"' EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
failed=0
for name in "${names[@]}"; do
  script="bench/run-$name.sh"
  [ -f "$script" ] || { echo "run-all: no $script" >&2; failed=1; continue; }
  echo "== $script ($(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg))"
  /usr/bin/python3 bench/reference/peak_memory.py "$runs/$name.json" -- bash "$script" || { echo "run-all: $script failed" >&2; failed=1; }
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
/usr/bin/python3 bench/reference/summary.py "$runs" "$load_before" "$load_after"
exit $failed
