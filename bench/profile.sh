#!/usr/bin/env bash
# bench/profile.sh: a CPU profile (dotnet-trace collect-linux, cpu-sampling: perf_events, needs root) of a published host under wrk load, to see what its
# CPU per request is spent on. Uses what `bash bench/run.sh` published into bench/.work; run that first.
#   bash bench/profile.sh [template|bare|handwritten] [connections] [paced|saturation]
# Default: the template, 85 paced connections (10 ms between requests each: about half saturation on 2 cores).
# Prints dotnet-trace's top methods, exclusive (where the samples land) and inclusive (what was on the stack).
# Needs: dotnet-trace (dotnet tool install -g dotnet-trace), wrk.
set -euo pipefail
BENCH="$(cd "$(dirname "$0")" && pwd)"
WORK="$BENCH/.work"
VARIANT="${1:-template}" CONNECTIONS="${2:-85}" SHAPE="${3:-paced}"
TRACE_TOOL="$(command -v dotnet-trace || echo "$HOME/.dotnet/tools/dotnet-trace")"
[ -x "$TRACE_TOOL" ] || { echo "profile: dotnet-trace is missing (dotnet tool install -g dotnet-trace)" >&2; exit 1; }
[ -f "$WORK/paced.lua" ] || { echo "profile: run bash bench/run.sh first (it publishes the hosts)" >&2; exit 1; }
case "$VARIANT" in
  template) CMD="$WORK/out/template-jit/FunctionHost" ;;
  bare) CMD="$WORK/out/bare/Bare" ;;
  handwritten) CMD="$WORK/out/handwritten/HandWritten" ;;
  *) echo "profile: unknown variant $VARIANT" >&2; exit 1 ;;
esac
SCRIPT="$WORK/paced.lua"; [ "$SHAPE" = paced ] || SCRIPT="$WORK/post.lua"

HTTP_PORT=31011 GRPC_PORT=31012 PORT=31013
PIDS=()
trap 'for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done' EXIT
"$WORK/out/otlp-counter/OtlpCounter" --http-port "$HTTP_PORT" --grpc-port "$GRPC_PORT" > "$WORK/profile-counter.log" 2>&1 &
PIDS+=($!)
ENDPOINT="http://127.0.0.1:$HTTP_PORT"; [ "$VARIANT" != handwritten ] || ENDPOINT="http://127.0.0.1:$GRPC_PORT"
# The image's GC environment, as bench/run.sh gives the template.
IMAGE_ENV=($(grep -oE '^ENV (OTEL_BSP_[A-Z_]+|DOTNET_GC[A-Za-z0-9]+)=[0-9a-fx]+' "$BENCH/../template/csharp-otel/Dockerfile" | sed 's/^ENV //' || true))
[ "$VARIANT" = template ] || IMAGE_ENV=()
(cd "$(dirname "$CMD")" && exec env "${IMAGE_ENV[@]}" ASPNETCORE_URLS="http://127.0.0.1:$PORT" OTEL_SERVICE_NAME=profile \
   OTEL_TRACES_SAMPLER=always_on OTEL_EXPORTER_OTLP_ENDPOINT="$ENDPOINT" DOTNET_ENVIRONMENT=Production \
   Logging__LogLevel__Default=Warning "$CMD" > "$WORK/profile-host.log" 2>&1) &
HOST_PID=$!; PIDS+=("$HOST_PID")
for _ in $(seq 300); do curl -sf -o /dev/null -d x "http://127.0.0.1:$PORT/" && break; sleep 0.1; done
wrk -t1 -c"$CONNECTIONS" -d25s -s "$SCRIPT" "http://127.0.0.1:$PORT/" > "$WORK/profile-wrk.txt" &
WRK=$!
sleep 8   # warm-up: tiered JIT settles before the samples start
"$TRACE_TOOL" collect-linux -p "$HOST_PID" --profile cpu-sampling --duration 00:00:00:10 -o "$WORK/profile-$VARIANT.nettrace" > /dev/null
wait "$WRK"
echo "## $VARIANT, $CONNECTIONS connections, $SHAPE: $(awk '/^Requests\/sec/ {print $2}' "$WORK/profile-wrk.txt") req/s"
echo "### exclusive"
"$TRACE_TOOL" report "$WORK/profile-$VARIANT.nettrace" topN -n 25
echo "### inclusive"
"$TRACE_TOOL" report "$WORK/profile-$VARIANT.nettrace" topN -n 40 --inclusive
