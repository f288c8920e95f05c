#!/usr/bin/env bash
# Loader benchmark: CxrVL's batch loader vs torchvision's DataLoader (2 workers) on the shared COVID JPEGs, same
# recipe (decode, resize shorter side 256, centre crop 224, ImageNet normalisation, 3 channels), 10 epochs, one run
# on this machine; plus the image-library comparison behind the choice of OpenCV. Writes the "loader" section of
# bench/RESULTS.md. Usage: bench/run-loader.sh [epochs]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
epochs=${1:-10}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
images=$(/usr/bin/python3 -c 'import sys; sys.path.insert(0, "bench/reference"); from data_root import covid_images; print(covid_images())')
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

dotnet build bench/CxrVL.Bench -c Release -nologo -v quiet >/dev/null
bench() { dotnet run -c Release --no-build --project bench/CxrVL.Bench -- "$@"; }

# Two alternating rounds, so a burst of other work on the machine does not fall on one side only.
for round in 1 2; do
  echo "== CxrVL loader, round $round" && bench loader --epochs "$epochs" --workers 2 --batch 32 | tee "$out/cxrvl-$round.txt"
  echo "== torchvision DataLoader, round $round" &&
    OMP_NUM_THREADS=2 /usr/bin/python3 bench/reference/loader_torchvision.py "$images" --epochs "$epochs" --workers 2 --batch 32 |
    tee "$out/torchvision-$round.txt"
done
echo "== image libraries" && bench imaging-libs | tee "$out/libs.txt"

/usr/bin/python3 bench/reference/write_results.py "$out" "$(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrote bench/RESULTS.md (section loader)"
