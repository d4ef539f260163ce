#!/usr/bin/env bash
# bench/alloc-types.sh: where the bytes of a request go, by type, in the running hosts (docs/performance.md, "By
# type, under load"). Uses what `bash bench/run.sh` published into bench/.work; run that first.
#   bash bench/alloc-types.sh [connections] [saturation|paced] [seconds]
# Default: bare, template, hand-written; 16 connections at saturation, 5 s warm-up, 15 s measured. "21 paced 60"
# is bench/run.sh's BENCH_PACED=21 load (about 2,000 req/s), measured for 60 s: the sampler takes one sample per
# 100 KB on average, so a slow load needs a long run for per-type figures of a few bytes.
# Each host loads bench/GcProbe with BENCH_ALLOC_TYPES_PORT: the runtime's randomized allocation sampling, summed
# per type. Prints, per host, bytes per request for its 12 largest types (the estimate divided by the requests wrk
# completed) and the total; then the types whose bytes per request differ between the hosts by 8 B or more.
set -euo pipefail
BENCH="$(cd "$(dirname "$0")" && pwd)"
WORK="$BENCH/.work"
[ -x "$WORK/out/template-jit/FunctionHost" ] || { echo "alloc-types: run bash bench/run.sh first (it publishes the hosts)" >&2; exit 1; }
CONNECTIONS="${1:-16}" SHAPE="${2:-saturation}" SECONDS_MEASURED="${3:-15}"
SCRIPT="$WORK/post.lua"; [ "$SHAPE" != paced ] || SCRIPT="$WORK/paced.lua"
command -v wrk >/dev/null || { echo "alloc-types: wrk is missing (apt-get install wrk)" >&2; exit 1; }

# The probe as it is now (bench/run.sh may have published an older one).
(cd "$BENCH/GcProbe" && dotnet publish GcProbe.csproj -c Release -o "$WORK/out/gc-probe" --nologo -v q > "$WORK/publish-gc-probe.log" 2>&1) \
  || { cat "$WORK/publish-gc-probe.log" >&2; exit 1; }

# Ports below the ephemeral range, as bench/run.sh picks them.
HTTP_PORT=31001 GRPC_PORT=31002 PORT=31003 TYPES_PORT=31004
PIDS=()
trap 'for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done' EXIT
"$WORK/out/otlp-counter/OtlpCounter" --http-port "$HTTP_PORT" --grpc-port "$GRPC_PORT" > "$WORK/alloc-counter.log" 2>&1 &
PIDS+=($!)
types() { local text; exec 3<>"/dev/tcp/127.0.0.1/$TYPES_PORT"; text=$(cat <&3); exec 3<&-; echo "$text"; }

measure() { # label command endpoint
  local label="$1" cmd="$2" endpoint="$3" pid requests
  (cd "$(dirname "$cmd")" && exec env ASPNETCORE_URLS="http://127.0.0.1:$PORT" OTEL_SERVICE_NAME=alloc-types \
     OTEL_TRACES_SAMPLER=always_on OTEL_EXPORTER_OTLP_ENDPOINT="$endpoint" DOTNET_ENVIRONMENT=Production \
     Logging__LogLevel__Default=Warning DOTNET_STARTUP_HOOKS="$WORK/out/gc-probe/GcProbe.dll" \
     BENCH_ALLOC_TYPES_PORT="$TYPES_PORT" "$cmd" > "$WORK/alloc-host-$label.log" 2>&1) &
  pid=$!; PIDS+=("$pid")
  for _ in $(seq 300); do curl -sf -o /dev/null -d x "http://127.0.0.1:$PORT/" && break; sleep 0.1; done
  wrk -t1 -c"$CONNECTIONS" -d5s -s "$SCRIPT" "http://127.0.0.1:$PORT/" > /dev/null
  types > /dev/null   # the warm-up's samples are dropped
  wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_MEASURED}s" -s "$SCRIPT" "http://127.0.0.1:$PORT/" > "$WORK/alloc-wrk-$label.txt"
  requests=$(awk '/requests in/ {print $1}' "$WORK/alloc-wrk-$label.txt")
  echo "## $label ($requests requests)"
  types | awk -v n="$requests" '{ printf "%.1f %s\n", $1 / n, $3 }' > "$WORK/alloc-types-$label.txt"
  awk '{ total += $1; if (NR <= 12) printf "%8.0f B/request  %s\n", $1, $2 } END { printf "%8.0f B/request  (all types)\n", total }' "$WORK/alloc-types-$label.txt"
  kill -KILL "$pid"; wait "$pid" 2>/dev/null || true
}
measure bare "$WORK/out/bare/Bare" "http://127.0.0.1:$HTTP_PORT"
measure template "$WORK/out/template-jit/FunctionHost" "http://127.0.0.1:$HTTP_PORT"
measure handwritten "$WORK/out/handwritten/HandWritten" "http://127.0.0.1:$GRPC_PORT"
echo "## bytes/request by type where the hosts differ by 8 B or more (bare, template, hand-written; template - hand-written)"
for h in bare template handwritten; do sed "s/^/$h /" "$WORK/alloc-types-$h.txt"; done | awk '{ b[$1, $3] = $2; types[$3] } END {
  for (t in types) { x = b["bare", t] + 0; y = b["template", t] + 0; z = b["handwritten", t] + 0
    hi = x > y ? x : y; hi = hi > z ? hi : z; lo = x < y ? x : y; lo = lo < z ? lo : z
    if (hi - lo >= 8) printf "%8.0f %8.0f %8.0f %8.0f  %s\n", x, y, z, y - z, t } }' | sort -k4,4gr
