#!/usr/bin/env bash
# Data-parallel benchmark: clip pretraining (pretrain/small: ResNet-18 at 128 px, 4-layer 256-wide text encoder, global
# batch 16) on the shared COVID collection, as one process and as 2 ranks under mpirun on loopback, on this machine.
# Reports training throughput (samples/s, median step after the warm-up steps) and the gradient all-reduce time per
# step. Writes the "mpi" section of bench/RESULTS.md. Usage: bench/run-mpi.sh [steps] [rounds]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
steps=${1:-30}
rounds=${2:-2}
export CI=true OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
dotnet build src/CxrVL.Cli -c Release -v quiet -nologo >/dev/null
cli=(dotnet src/CxrVL.Cli/bin/Release/net10.0/CxrVL.Cli.dll)
mpirun_local=(mpirun --oversubscribe --bind-to none --mca btl self,tcp --mca btl_tcp_if_include lo --mca mpi_yield_when_idle 1)
data=$(/usr/bin/python3 -c 'import sys; sys.path.insert(0, "bench/reference"); from data_root import data_root; print(data_root())')
"${cli[@]}" data build covid-chestxray --root "$data/covid-chestxray" --out "$out/covid.jsonl" >/dev/null
args=(pretrain --method clip --data "$out/covid.jsonl" --config pretrain/small --seed 1 --set "data.report_sections=[full_text]"
      --set data.val_split= --set "train.max_steps=$steps" --set train.log_every=1 --set train.checkpoint_every=0
      --set train.checkpoint_minutes=1000)

# Alternating rounds, so a burst of other work on the machine does not fall on one configuration only.
for round in $(seq "$rounds"); do
  echo "== 1 rank, 2 threads, round $round" && "${cli[@]}" --threads 2 "${args[@]}" --out "$out/one-$round" | tail -1
  echo "== 2 ranks, 1 thread each, round $round" &&
    "${mpirun_local[@]}" -np 2 "${cli[@]}" "${args[@]}" --out "$out/two-$round" | tail -1
done
echo "== 1 rank, 1 thread" && "${cli[@]}" --threads 1 "${args[@]}" --out "$out/one-thread" | tail -1

/usr/bin/python3 bench/reference/mpi_results.py "$out" "$steps" "$rounds" "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)" \
  "$(mpirun --version | head -1)"
echo "wrote bench/RESULTS.md (section mpi)"
