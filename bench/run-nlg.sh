#!/usr/bin/env bash
# Times 'cxrvl eval nlg' on the shared IU X-ray reports: FINDINGS (as predictions) against IMPRESSION (as references),
# about 3,000 pairs, through the real CLI (process start included). Goal: under 2 seconds.
# usage: bench/run-nlg.sh [RUNS]   (hyperfine when installed, else /usr/bin/time per run)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${1:-5}
# The data root as CxrVL finds it: CXRVL_DATA_ROOT, else the first shared/data above the checkout.
data=${CXRVL_DATA_ROOT:-}
for dir in "$root" $(dir="$root"; while [ "$dir" != / ]; do dir=$(dirname "$dir"); echo "$dir"; done); do
  [ -n "$data" ] && break
  [ -d "$dir/shared/data" ] && data="$dir/shared/data"
done
[ -n "$data" ] || { echo "no data root: set CXRVL_DATA_ROOT" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 "$root/bench/iu_texts.py" "$data/iu-xray/ecgen-radiology" "$work"
"$root/cxrvl" eval nlg --refs "$work/impressions.json" --preds "$work/findings.json"   # builds if needed, warms the cache
dll="$root/src/CxrVL.Cli/bin/Release/net10.0/CxrVL.Cli.dll"
command="dotnet $dll eval nlg --refs $work/impressions.json --preds $work/findings.json"
# Side by side: the standard-library Python re-derivation of the same formulas that the tests check against
# (pycocoevalcap itself needs PyPI and Java and is not installed here).
/usr/bin/python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
refs, preds = (json.load(open(f"{work}/{n}.json")) for n in ("impressions", "findings"))
json.dump([{"pred": preds[k], "refs": [refs[k]]} for k in refs], open(f"{work}/samples.json", "w"))
PY
reference="/usr/bin/python3 $root/tests/CxrVL.Tests/Evaluation/Nlg/reference/nlg_reference.py $work/samples.json"
echo "python reference: $($reference)"
if command -v hyperfine > /dev/null; then
  hyperfine --warmup 1 --runs "$runs" "$command" "$reference"
else
  for label in cxrvl python; do
    [ "$label" = cxrvl ] && run=$command || run=$reference
    for _ in $(seq "$runs"); do
      /usr/bin/time -f "$label %e s wall, %U s user, %M KB max RSS" $run > /dev/null
    done
  done
fi
