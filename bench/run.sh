#!/usr/bin/env bash
# bench/run.sh: the whole benchmark in one bounded run; writes bench/RESULTS.md. See bench/README.md.
#   bash bench/run.sh
# Needs: the .NET SDK, wrk, curl, python3, clang + zlib1g-dev (Native AOT). Loopback only.
set -euo pipefail

BENCH="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$BENCH")"
WORK="$BENCH/.work"
RESULTS="${BENCH_RESULTS:-$BENCH/RESULTS.md}"
DURATION="${BENCH_DURATION:-8}"            # seconds of saturation load per variant
HALF_DURATION="${BENCH_HALF_DURATION:-6}"  # seconds of half-saturation load per variant
WARMUP="${BENCH_WARMUP:-3}"                # seconds of load before measuring (JIT tiering)
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
COLD_RUNS="${BENCH_COLD_RUNS:-5}"
DRAIN="${BENCH_DRAIN:-7}"                  # seconds for the batch exporter to flush (default delay is 5 s)
CLK_TCK="$(getconf CLK_TCK)"
DASHBOARD="$(dotnet nuget locals global-packages -l | sed 's/^global-packages: //')/aspire.dashboard.sdk.linux-x64/13.6.5/tools/Aspire.Dashboard"

for tool in wrk curl python3 dotnet clang; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install wrk curl clang zlib1g-dev)" >&2; exit 1; }
done

PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

log() { echo "[bench $(date -u +%H:%M:%S)] $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
now_ns() { date +%s%N; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime + stime of the process, in clock ticks
status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

# ---------------------------------------------------------------- build
# The template is laid out as faas-cli build --shrinkwrap does it, with bench/function as the user's handler.
# bin/ and obj/ of an earlier run are kept, so a rerun without source changes skips the slow Native AOT compile.
shrinkwrap() {
  mkdir -p "$1"
  find "$1" -mindepth 1 \( -name bin -o -name obj \) -prune -o -type f -print0 | xargs -0r rm -f
  (cd "$ROOT/template/csharp-otel" && tar --exclude=bin --exclude=obj -cf - .) | tar -xf - -C "$1"
  cp -p "$BENCH/function/Handler.cs" "$BENCH/function/Function.csproj" "$1/function/"
}

publish() { # name project-dir project-file extra-args...
  local name="$1" dir="$2" project="$3"; shift 3
  log "publish $name"
  (cd "$dir" && dotnet publish "$project" -c Release -o "$WORK/out/$name" --nologo -v q "$@" > "$WORK/publish-$name.log" 2>&1) \
    || { cat "$WORK/publish-$name.log" >&2; exit 1; }
}

mkdir -p "$WORK/out"
BUILD_START=$(date +%s)
shrinkwrap "$WORK/ctx-jit"
shrinkwrap "$WORK/ctx-aot"
shrinkwrap "$WORK/ctx-plain"
# JIT as the Dockerfile publishes it (ReadyToRun); plain JIT without ReadyToRun for comparison; Native AOT.
publish template-jit "$WORK/ctx-jit" FunctionHost.csproj -r linux-x64 --self-contained false -p:PublishReadyToRun=true
publish template-plain "$WORK/ctx-plain" FunctionHost.csproj -r linux-x64 --self-contained false
publish template-aot "$WORK/ctx-aot" FunctionHost.csproj -p:PublishAot=true
publish bare "$BENCH/Bare" Bare.csproj -r linux-x64 --self-contained false -p:PublishReadyToRun=true
publish handwritten "$BENCH/HandWritten" HandWritten.csproj -r linux-x64 --self-contained false -p:PublishReadyToRun=true
BUILD_SECONDS=$(( $(date +%s) - BUILD_START ))
chmod +x "$DASHBOARD"

size_mb() { # published folder without debug symbols
  find "$WORK/out/$1" -type f ! -name '*.pdb' ! -name '*.dbg' -printf '%s\n' | awk '{s+=$1} END {printf "%.1f", s/1048576}'
}

# ---------------------------------------------------------------- receiver
DASH_PID=""
start_dashboard() {
  if [ -n "$DASH_PID" ]; then kill "$DASH_PID" 2>/dev/null || true; wait "$DASH_PID" 2>/dev/null || true; fi
  UI_PORT=$(free_port); GRPC_PORT=$(free_port); HTTP_PORT=$(free_port)
  ASPNETCORE_URLS="http://127.0.0.1:$UI_PORT" \
  ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="http://127.0.0.1:$GRPC_PORT" \
  ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL="http://127.0.0.1:$HTTP_PORT" \
  ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true \
  Dashboard__TelemetryLimits__MaxTraceCount=2000000 \
  DOTNET_ENVIRONMENT=Production \
    "$DASHBOARD" > "$WORK/dashboard.log" 2>&1 &
  DASH_PID=$!; PIDS+=("$DASH_PID")
  for _ in $(seq 300); do
    curl -sf -o /dev/null "http://127.0.0.1:$UI_PORT/api/telemetry/resources" && return 0
    sleep 0.1
  done
  echo "bench: the Aspire Dashboard did not start" >&2; cat "$WORK/dashboard.log" >&2; exit 1
}
# Waits until the receiver holds `expected` spans of the service, or the count has not moved for 6 s (bounded by
# BENCH_SPAN_WAIT seconds): a queue still draining into a slow receiver is not a drop.
spans_settled() { # service expected
  local last=-1 same=0 n i
  for i in $(seq $(( ${BENCH_SPAN_WAIT:-40} / 2 ))); do
    n=$(spans_received "$1")
    [ "$n" -ge "$2" ] && break
    if [ "$n" = "$last" ]; then same=$((same + 1)); [ "$same" -ge 3 ] && break; else same=0; fi
    last=$n; sleep 2
  done
  echo "$n"
}
spans_received() { # service name -> spans the receiver holds for it
  curl -sf "http://127.0.0.1:$UI_PORT/api/telemetry/spans?resource=$1&limit=1" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin).get("totalCount", 0))' 2>/dev/null || echo 0
}

# ---------------------------------------------------------------- variants
# Every variant runs the same handler (bench/function/Handler.cs) behind the same kind of host.
variant_cmd() {
  case "$1" in
    bare|handwritten) echo "$WORK/out/$1/$( [ "$1" = bare ] && echo Bare || echo HandWritten )" ;;
    template|disabled|servergc) echo "$WORK/out/template-jit/FunctionHost" ;;
    template-aot) echo "$WORK/out/template-aot/FunctionHost" ;;
    template-plain) echo "$WORK/out/template-plain/FunctionHost" ;;
  esac
}

# The template variants run with whatever OTEL_BSP_* the Dockerfile sets (none today: the host's own defaults in
# Telemetry/TelemetryDefaults.cs apply when a variable is unset), as the image does.
IMAGE_BSP_ENV=($(grep -oE 'OTEL_BSP_[A-Z_]+=[0-9]+' "$ROOT/template/csharp-otel/Dockerfile" || true))

HOST_PID=""
start_host() { # variant service-name port
  local variant="$1" service="$2" port="$3" cmd; cmd="$(variant_cmd "$variant")"
  local -a env=(ASPNETCORE_URLS="http://127.0.0.1:$port" OTEL_SERVICE_NAME="$service" OTEL_TRACES_SAMPLER=always_on
                DOTNET_ENVIRONMENT=Production Logging__LogLevel__Default=Warning)
  case "$variant" in
    handwritten) env+=(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$GRPC_PORT") ;;  # its default protocol: gRPC
    servergc) env+=("${IMAGE_BSP_ENV[@]}" DOTNET_gcServer=1 DOTNET_gcConcurrent=1 OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$HTTP_PORT") ;;  # the Web SDK's GC defaults
    disabled) env+=(OTEL_SDK_DISABLED=true OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$HTTP_PORT") ;;
    bare) ;;
    *) env+=("${IMAGE_BSP_ENV[@]}" OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$HTTP_PORT") ;;       # the template's default: http/protobuf
  esac
  (cd "$(dirname "$cmd")" && exec env "${env[@]}" "$cmd" > "$WORK/host-$service.log" 2>&1) &
  HOST_PID=$!; PIDS+=("$HOST_PID")
}
stop_host() { kill "$HOST_PID" 2>/dev/null || true; wait "$HOST_PID" 2>/dev/null || true; }

# Polls until a POST with a traceparent answers 200; prints milliseconds since $1 (ns).
first_response_ms() {
  local start="$1" port="$2" i
  for i in $(seq 3000); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' \
            -d cold "http://127.0.0.1:$port/cold" 2>/dev/null)" = 200 ]; then
      echo $(( ($(now_ns) - start) / 1000000 )); return 0
    fi
    kill -0 "$HOST_PID" 2>/dev/null || { echo "bench: host exited" >&2; return 1; }
    sleep 0.002
  done
  echo "bench: no answer in time" >&2; return 1
}

cat > "$WORK/post.lua" <<'EOF'
wrk.method = "POST"
wrk.body = "hello"
wrk.headers["Content-Type"] = "text/plain"
EOF
cat > "$WORK/paced.lua" <<'EOF'
wrk.method = "POST"
wrk.body = "hello"
wrk.headers["Content-Type"] = "text/plain"
function delay() return 10 end  -- ms between a response and the next request on each connection
EOF

wrk_requests() { awk '/requests in/ {print $1}' "$1"; }
wrk_rps() { awk '/^Requests\/sec/ {printf "%.0f", $2}' "$1"; }
wrk_pct() { awk -v p="$2" '$1 == p {print $2}' "$1"; }     # latency distribution line, e.g. "50%  1.23ms"
wrk_errors() { awk '/Non-2xx|Socket errors/ {print}' "$1" | tr '\n' ' '; }

declare -A R
load_variant() { # variant
  local v="$1" port service out sent0 t0 t1 reqs half_c
  port=$(free_port); service="bench-$v"
  log "load $v"
  start_host "$v" "$service" "$port"
  first_response_ms "$(now_ns)" "$port" > /dev/null
  sleep 1
  R[$v.idle_rss]=$(( $(status_kb "$HOST_PID" VmRSS) / 1024 ))
  out="$WORK/wrk-$v-warmup.txt"
  wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" -s "$WORK/post.lua" "http://127.0.0.1:$port/bench" > "$out"
  sent0=$(( 1 + $(wrk_requests "$out") ))   # the cold-start probe + warm-up
  out="$WORK/wrk-$v-saturation.txt"
  t0=$(cpu_ticks "$HOST_PID")
  wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$WORK/post.lua" "http://127.0.0.1:$port/bench" > "$out"
  t1=$(cpu_ticks "$HOST_PID")
  reqs=$(wrk_requests "$out")
  R[$v.rps]=$(wrk_rps "$out"); R[$v.p50]=$(wrk_pct "$out" 50%); R[$v.p99]=$(wrk_pct "$out" 99%)
  R[$v.cpu_us]=$(python3 -c "print(f'{($t1-$t0)/$CLK_TCK/$reqs*1e6:.1f}')")
  R[$v.errors]=$(wrk_errors "$out")
  sent0=$(( sent0 + reqs ))
  R[$v.peak_rss]=$(( $(status_kb "$HOST_PID" VmHWM) / 1024 ))
  sleep "$DRAIN"
  R[$v.sat_sent]=$sent0
  R[$v.sat_received]=$(spans_settled "$service" "$sent0")
  stop_host
  # Half saturation, in a fresh process under its own service name so that spans still queued from the
  # saturation run cannot be counted here: paced connections (10 ms between requests each), as many as give
  # about half the measured req/s.
  half_c=$(python3 -c "print(max(1, round(${R[$v.rps]} / 2 * 0.0105)))")
  port=$(free_port); service="bench-$v-half"
  start_host "$v" "$service" "$port"
  first_response_ms "$(now_ns)" "$port" > /dev/null
  out="$WORK/wrk-$v-half.txt"
  wrk -t1 -c"$half_c" -d"${HALF_DURATION}s" --latency -s "$WORK/paced.lua" "http://127.0.0.1:$port/bench" > "$out"
  R[$v.half_rps]=$(wrk_rps "$out"); R[$v.half_p99]=$(wrk_pct "$out" 99%)
  R[$v.half_sent]=$(( 1 + $(wrk_requests "$out") ))
  sleep "$DRAIN"
  R[$v.half_received]=$(spans_settled "$service" "${R[$v.half_sent]}")
  R[$v.half_dropped]=$(( ${R[$v.half_sent]} > ${R[$v.half_received]} ? ${R[$v.half_sent]} - ${R[$v.half_received]} : 0 ))
  stop_host
}

cold_variant() { # variant -> median ms to the first traced 200; idle RSS 1 s after the last run's first answer
  local v="$1" i port start ms list=()
  log "cold start $v x$COLD_RUNS"
  for i in $(seq "$COLD_RUNS"); do
    port=$(free_port)
    start=$(now_ns)
    start_host "$v" "bench-cold-$v" "$port"
    ms=$(first_response_ms "$start" "$port")
    list+=("$ms")
    if [ "$i" = "$COLD_RUNS" ]; then sleep 1; R[$v.idle_rss]=$(( $(status_kb "$HOST_PID" VmRSS) / 1024 )); fi
    stop_host
  done
  R[$v.cold_all]="${list[*]}"
  R[$v.cold]=$(printf '%s\n' "${list[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
}

# ---------------------------------------------------------------- run
RUN_START=$(date +%s)
for v in bare template disabled handwritten servergc; do
  start_dashboard   # a fresh receiver per variant keeps the span counts and the receiver's own load separate
  load_variant "$v"
done
for v in bare template-plain template template-aot; do
  cold_variant "$v"
done
RUN_SECONDS=$(( $(date +%s) - RUN_START ))

# ---------------------------------------------------------------- report
ratio() { python3 -c "a,b=float('$1' or 0),float('$2' or 0); print(f'{a/b:.2f}' if b else 'n/a')"; }
{
  echo "# Benchmark results"
  echo
  echo "Written by \`bash bench/run.sh\` (see bench/README.md). Every figure below comes from this one run."
  echo
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- Machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM, $(uname -r)"
  echo "- Load average at the end of the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- Commit: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- template bench || echo ' (with uncommitted changes)')"
  echo "- .NET SDK $(dotnet --version); wrk -t1 -c$CONNECTIONS, POST of 5 bytes, ${WARMUP} s warm-up, ${DURATION} s measured; receiver: Aspire Dashboard 13.6.5 on the same machine"
  echo "- Build ${BUILD_SECONDS} s, measurements ${RUN_SECONDS} s"
  echo "- Template variants run with ${IMAGE_BSP_ENV[*]:-the host's built-in OTEL_BSP_* defaults (queue 16384, batch 2048: Telemetry/TelemetryDefaults.cs)}; the hand-written one with the SDK's defaults"
  echo "${BENCH_NOTE:+- Note: $BENCH_NOTE}"
  echo
  echo "## Throughput and cost per request (JIT, ReadyToRun)"
  echo
  echo "| | req/s | p50 | p99 | CPU µs/request | × bare | idle RSS MB | peak RSS MB | spans sent / received (saturation) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for v in bare template disabled handwritten servergc; do
    case "$v" in
      bare) name="(a) bare minimal API, no telemetry" ;;
      template) name="(b) template, tracing on, every request sampled" ;;
      disabled) name="(c) template, OTEL_SDK_DISABLED=true" ;;
      handwritten) name="(d) hand-written OpenTelemetry set-up" ;;
      servergc) name="(b) with the Web SDK's GC defaults (server, concurrent), for comparison" ;;
    esac
    spans="–"; case "$v" in template|handwritten|servergc) spans="${R[$v.sat_sent]} / ${R[$v.sat_received]}" ;; esac
    echo "| $name | ${R[$v.rps]} | ${R[$v.p50]} | ${R[$v.p99]} | ${R[$v.cpu_us]} | $(ratio "${R[$v.cpu_us]}" "${R[bare.cpu_us]}") | ${R[$v.idle_rss]} | ${R[$v.peak_rss]} | $spans |"
  done
  echo
  echo "CPU µs/request: utime+stime of the function process over the measured wrk run (from /proc/PID/stat), divided by the requests wrk completed."
  for v in bare template disabled handwritten servergc; do
    if [ -n "${R[$v.errors]}" ]; then echo; echo "wrk reported for $v: ${R[$v.errors]}"; fi
  done
  echo
  echo "## Spans at half saturation"
  echo
  echo "| | paced req/s | share of saturation | p99 | spans sent | received | dropped |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for v in template handwritten servergc; do
    echo "| $v | ${R[$v.half_rps]} | $(ratio "${R[$v.half_rps]}" "${R[$v.rps]}") | ${R[$v.half_p99]} | ${R[$v.half_sent]} | ${R[$v.half_received]} | ${R[$v.half_dropped]} |"
  done
  echo
  echo "## Cold start: process start to the first traced 200 (median of $COLD_RUNS)"
  echo
  echo "| | median ms | all runs ms | × JIT template | published MB (no debug symbols) |"
  echo "|---|---:|---|---:|---:|"
  echo "| bare minimal API, JIT + ReadyToRun, no telemetry | ${R[bare.cold]} | ${R[bare.cold_all]} | $(ratio "${R[bare.cold]}" "${R[template.cold]}") | $(size_mb bare) (framework-dependent) |"
  echo "| template, JIT without ReadyToRun | ${R[template-plain.cold]} | ${R[template-plain.cold_all]} | $(ratio "${R[template-plain.cold]}" "${R[template.cold]}") | $(size_mb template-plain) (framework-dependent) |"
  echo "| template, JIT + ReadyToRun (the default image) | ${R[template.cold]} | ${R[template.cold_all]} | 1.00 | $(size_mb template-jit) (framework-dependent) |"
  echo "| template, Native AOT (--build-arg AOT=true) | ${R[template-aot.cold]} | ${R[template-aot.cold_all]} | $(ratio "${R[template-aot.cold]}" "${R[template.cold]}") | $(size_mb template-aot) (self-contained) |"
  echo
  echo "Idle RSS one second after the first answer, MB: bare ${R[bare.idle_rss]}, template JIT ${R[template.idle_rss]}, template without ReadyToRun ${R[template-plain.idle_rss]}, template Native AOT ${R[template-aot.idle_rss]}."
  echo "The first 200 is polled with curl every ~5 ms, so each figure carries up to ~5 ms of polling granularity."
  echo
  echo "## Goals"
  echo
  echo "| goal | target | measured |"
  echo "|---|---|---|"
  echo "| CPU/request, tracing on vs bare | ≤ 1.10 | $(ratio "${R[template.cpu_us]}" "${R[bare.cpu_us]}") |"
  echo "| CPU/request, tracing on vs hand-written | ≤ 1.00 | $(ratio "${R[template.cpu_us]}" "${R[handwritten.cpu_us]}") |"
  echo "| spans dropped at half saturation | 0 | ${R[template.half_dropped]} of ${R[template.half_sent]} |"
  echo "| AOT first traced response | ≤ 120 ms | ${R[template-aot.cold]} ms |"
  echo "| AOT vs JIT first traced response | ≤ 0.30 | $(ratio "${R[template-aot.cold]}" "${R[template.cold]}") |"
  echo "| AOT idle RSS | ≤ 40 MB | ${R[template-aot.idle_rss]} MB |"
  echo "| JIT first traced response vs bare | ≤ 1.15 | $(ratio "${R[template.cold]}" "${R[bare.cold]}") |"
} > "$RESULTS.tmp"
mv "$RESULTS.tmp" "$RESULTS"
log "wrote $RESULTS"
