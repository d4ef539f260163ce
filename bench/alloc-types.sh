#!/usr/bin/env bash
# bench/alloc-types.sh: where the bytes of a request go, by type, in the running hosts (docs/performance.md, "By
# type, under load"). Uses what `bash bench/run.sh` published into bench/.work; run that first.
#   bash bench/alloc-types.sh            # bare, template, hand-written; wrk at saturation, 5 s warm-up, 15 s measured
# Each host loads bench/GcProbe with BENCH_ALLOC_TYPES_PORT: the runtime's randomized allocation sampling, summed
# per type. Prints, per host, bytes per request for its 12 largest types (the estimate divided by the requests wrk
# completed) and the total.
set -euo pipefail
BENCH="$(cd "$(dirname "$0")" && pwd)"
WORK="$BENCH/.work"
[ -x "$WORK/out/template-jit/FunctionHost" ] || { echo "alloc-types: run bash bench/run.sh first (it publishes the hosts)" >&2; exit 1; }
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
  wrk -t1 -c16 -d5s -s "$WORK/post.lua" "http://127.0.0.1:$PORT/" > /dev/null
  types > /dev/null   # the warm-up's samples are dropped
  wrk -t1 -c16 -d15s -s "$WORK/post.lua" "http://127.0.0.1:$PORT/" > "$WORK/alloc-wrk-$label.txt"
  requests=$(awk '/requests in/ {print $1}' "$WORK/alloc-wrk-$label.txt")
  echo "## $label ($requests requests)"
  types | awk -v n="$requests" '{ total += $1; if (NR <= 12) printf "%8.0f B/request  %s\n", $1 / n, $3 }
                                 END { printf "%8.0f B/request  (all types)\n", total / n }'
  kill -KILL "$pid"; wait "$pid" 2>/dev/null || true
}
measure bare "$WORK/out/bare/Bare" "http://127.0.0.1:$HTTP_PORT"
measure template "$WORK/out/template-jit/FunctionHost" "http://127.0.0.1:$HTTP_PORT"
measure handwritten "$WORK/out/handwritten/HandWritten" "http://127.0.0.1:$GRPC_PORT"
