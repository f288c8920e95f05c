#!/usr/bin/env bash
# Loopback load test of `cxrvl serve`, both engines, without and with batching, on the same model: CLIENTS (default 8) clients post real COVID-19
# radiographs for SECONDS (default 60) after a 10 s warm-up, at most 100,000 requests; p50/p99 latency, throughput,
# errors and the server's resident memory (after the warm-up, at the end, largest). The model: CHECKPOINT (a pretrain
# run), else a clip run of pretrain/small (ResNet-18 + MiniLM-L6 from their packages) trained for 4 steps here (the
# weights' values do not change the speed). No Python baseline was built: CxrVL's figures stand alone.
# Writes the "serve" section of bench/RESULTS.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
clients=${CLIENTS:-8}
seconds=${SECONDS_MEASURED:-60}
dotnet build -c Release src/CxrVL.Cli -v quiet -nologo >/dev/null
cli=(dotnet src/CxrVL.Cli/bin/Release/net10.0/CxrVL.Cli.dll)
checkpoint=${CHECKPOINT:-}
if [[ -z "$checkpoint" ]]; then
  # The data root as CxrVL finds it: shared/data in the repository's folder or one above it.
  data=""; dir="$root"
  while [[ "$dir" != "/" ]]; do [[ -d "$dir/shared/data" ]] && { data="$dir/shared/data"; break; }; dir=$(dirname "$dir"); done
  "${cli[@]}" data build covid-chestxray --root "${CXRVL_DATA_ROOT:-$data}/covid-chestxray" --out "$out/covid.jsonl" >/dev/null
  "${cli[@]}" pretrain --method clip --data "$out/covid.jsonl" --config pretrain/small --out "$out/clip" \
    --set data.report_sections=[full_text] --set train.max_steps=4 --set train.batch_size=8 --set train.val_every=0 >/dev/null
  checkpoint="$out/clip"
fi
for part in image text; do
  "${cli[@]}" export onnx --checkpoint "$checkpoint" --part "$part" --out "$out/onnx/$part.onnx" >/dev/null
done

# Unbatched: 2 studies at once, each its own forward pass. Batched: 8 at once, their images encoded together (up to 8,
# after waiting up to 2 ms for batch-mates).
declare -A settings=([unbatched]="--max-concurrent 2 --max-batch 1" [batched]="--max-concurrent 8 --max-batch 8 --batch-wait-ms 2")
for mode in unbatched batched; do
  for engine in torch onnx; do
    port=$((18000 + RANDOM % 1000))
    # shellcheck disable=SC2086
    MALLOC_ARENA_MAX=1 "${cli[@]}" serve --checkpoint "$checkpoint" --engine "$engine" --onnx-dir "$out/onnx" --port "$port" \
      ${settings[$mode]} --queue 64 > "$out/server-$engine-$mode.log" 2>&1 &
    server=$!
    for _ in $(seq 120); do
      curl -sf "http://127.0.0.1:$port/v1/health" >/dev/null && break
      sleep 1
    done
    dotnet run -c Release --no-build --project bench/CxrVL.Bench -- serve-load --url "http://127.0.0.1:$port" --pid "$server" \
      --clients "$clients" --seconds "$seconds" | tee "$out/$engine-$mode.txt"
    kill "$server"
    wait "$server" || true
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

/usr/bin/python3 - "$out" "$load_before" "$load_after" "$clients" "$seconds" <<'PY'
import datetime, os, platform, sys
sys.path.insert(0, "bench/reference")
from results import read, write_section
out, load_before, load_after, clients, seconds = sys.argv[1:6]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
columns = [(engine, mode) for mode in ("unbatched", "batched") for engine in ("torch", "onnx")]
sides = {column: read(os.path.join(out, f"{column[0]}-{column[1]}.txt"))[1] for column in columns}
names = [("requests", "requests measured", "{:.0f}"), ("errors", "errors (not 200)", "{:.0f}"), ("throughput_per_s", "throughput, studies/s", "{:.2f}"),
         ("p50_ms", "p50 latency, ms", "{:.0f}"), ("p99_ms", "p99 latency, ms", "{:.0f}"), ("rss_after_warmup_mib", "server RSS after warm-up, MiB", "{:.0f}"),
         ("rss_end_mib", "server RSS at the end, MiB", "{:.0f}"), ("rss_max_mib", "server RSS largest, MiB", "{:.0f}")]
rows = [f"| {label} | " + " | ".join(fmt.format(sides[column].get(key, float('nan'))) for column in columns) + " |" for key, label, fmt in names]
section = "\n".join([
    "## serve",
    "",
    f"`cxrvl serve` on loopback, {clients} concurrent clients posting real COVID-19 radiographs (32 distinct JPEGs, multipart) to",
    f"`/v1/studies` for {seconds} s after a 10 s warm-up (`bench/run-serve.sh`): zero-shot scores of the 14 CheXpert labels, no",
    "report model, no saliency; queue 64. Unbatched: the server analyses 2 studies at once (`--max-concurrent 2 --max-batch 1`),",
    "each image its own forward pass; batched: 8 at once, their images encoded together (`--max-concurrent 8 --max-batch 8",
    "--batch-wait-ms 2`). The same clip model (pretrain/small: ResNet-18 at 128 px, MiniLM-L6) under both engines; the client",
    "runs on the same 2 cores. No Python baseline was built, so these are CxrVL's figures only.",
    f"Run {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC on {cpu}; load average {load_before} before, {load_after} after",
    "(other work on the machine slows both engines).",
    "",
    "| measure | torch, unbatched | onnx, unbatched | torch, batched | onnx, batched |",
    "|---|---|---|---|---|",
    *rows,
    "",
])
write_section("serve", section)
print(section)
PY
