#!/usr/bin/env bash
# bench/run.sh: the whole benchmark in one bounded run; writes bench/RESULTS.md. See bench/README.md.
#   bash bench/run.sh
# Needs: the .NET SDK, wrk, curl, taskset, clang + zlib1g-dev (Native AOT). Loopback only.
set -euo pipefail

BENCH="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$BENCH")"
WORK="$BENCH/.work"
RESULTS="${BENCH_RESULTS:-$BENCH/RESULTS.md}"
DURATION="${BENCH_DURATION:-8}"            # seconds of saturation load per variant
HALF_DURATION="${BENCH_HALF_DURATION:-6}"  # seconds of half-saturation load per variant
WARMUP="${BENCH_WARMUP:-20}"               # seconds of load before measuring: the template's JIT still promotes
                                           # per-batch export code to tier 1 for about 20 s (the rounds' JIT ms show it)
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
COLD_RUNS="${BENCH_COLD_RUNS:-5}"
DRAIN="${BENCH_DRAIN:-7}"                  # seconds for the batch exporter to flush (default delay is 5 s)
ROUNDS="${BENCH_ROUNDS:-3}"                # alternating rounds over the variants; the tables show the median
VARIANTS="${BENCH_VARIANTS:-bare template disabled handwritten}"
COLD="${BENCH_COLD:-1}"                    # 0 skips the cold-start part (and the Native AOT publish)
PACED="${BENCH_PACED:-}"                   # paced connections (about 95 req/s each); set, it skips the saturation phase
CLK_TCK="$(getconf CLK_TCK)"

for tool in wrk curl dotnet clang taskset; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install wrk curl clang zlib1g-dev)" >&2; exit 1; }
done

PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

log() { echo "[bench $(date -u +%H:%M:%S)] $*" >&2; }
# Shell and awk only: on a loaded machine a python3 start costs seconds.
free_port() { # a random port below the ephemeral range (32768-60999), so no outgoing connection holds it, that nothing answers on
  local p
  while :; do p=$(( 20000 + RANDOM % 12000 )); (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }; done
}
now_ns() { date +%s%N; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime + stime of the process, in clock ticks
status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

# ---------------------------------------------------------------- build
# The template is laid out as faas-cli build --shrinkwrap does it, with bench/function as the user's handler.
# bin/ and obj/ of an earlier run are kept, so a rerun without source changes skips the slow Native AOT compile.
shrinkwrap() { # destination [template directory]
  mkdir -p "$1"
  find "$1" -mindepth 1 \( -name bin -o -name obj \) -prune -o -type f -print0 | xargs -0r rm -f
  (cd "${2:-$ROOT/template/csharp-otel}" && tar --exclude=bin --exclude=obj -cf - .) | tar -xf - -C "$1"
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
# JIT as the Dockerfile publishes it (self-contained, composite ReadyToRun); for the cold-start comparison, plain
# ReadyToRun (not composite) and JIT without ReadyToRun; Native AOT.
publish template-jit "$WORK/ctx-jit" FunctionHost.csproj -r linux-x64 --self-contained true -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true
# BENCH_CANDIDATES="name:dir ...": other template trees (a worktree's template/csharp-otel), published the same way
# and run as variant "cand-<name>" with the template's settings, so a change is measured against main in one run.
for cand in ${BENCH_CANDIDATES:-}; do
  shrinkwrap "$WORK/ctx-cand-${cand%%:*}" "${cand#*:}"
  publish "cand-${cand%%:*}" "$WORK/ctx-cand-${cand%%:*}" FunctionHost.csproj -r linux-x64 --self-contained true -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true
done
[ "$COLD" = 0 ] || { shrinkwrap "$WORK/ctx-r2r"; publish template-r2r "$WORK/ctx-r2r" FunctionHost.csproj -r linux-x64 --self-contained true -p:PublishReadyToRun=true; }
[ "$COLD" = 0 ] || publish template-plain "$WORK/ctx-plain" FunctionHost.csproj -r linux-x64 --self-contained false
[ "$COLD" = 0 ] || publish template-aot "$WORK/ctx-aot" FunctionHost.csproj -p:PublishAot=true
publish bare "$BENCH/Bare" Bare.csproj -r linux-x64 --self-contained false -p:PublishReadyToRun=true
publish handwritten "$BENCH/HandWritten" HandWritten.csproj -r linux-x64 --self-contained false -p:PublishReadyToRun=true
publish otlp-counter "$BENCH/OtlpCounter" OtlpCounter.csproj -r linux-x64 --self-contained false -p:PublishReadyToRun=true
publish gc-probe "$BENCH/GcProbe" GcProbe.csproj
BUILD_SECONDS=$(( $(date +%s) - BUILD_START ))

size_mb() { # published folder without debug symbols
  find "$WORK/out/$1" -type f ! -name '*.pdb' ! -name '*.dbg' -printf '%s\n' | awk '{s+=$1} END {printf "%.1f", s/1048576}'
}

# ---------------------------------------------------------------- receiver
# bench/OtlpCounter: accepts OTLP traces over http/protobuf and gRPC and only counts spans, so the counts show what
# the function's exporter delivered, not what a receiver could ingest. One receiver for the whole run; each phase
# reads the count before and after (a phase starts only after the previous host has exited and flushed).
GRPC_PORT=$(free_port); HTTP_PORT=$(free_port)
"$WORK/out/otlp-counter/OtlpCounter" --http-port "$HTTP_PORT" --grpc-port "$GRPC_PORT" > "$WORK/otlp-counter.log" 2>&1 &
RECEIVER_PID=$!; PIDS+=("$RECEIVER_PID")
spans_received() { curl -sf "http://127.0.0.1:$HTTP_PORT/count" | cut -d' ' -f1 || echo 0; }
for _ in $(seq 300); do curl -sf -o /dev/null "http://127.0.0.1:$HTTP_PORT/count" && break; sleep 0.1; done
# Waits until the receiver holds `expected` more spans than `before`, or the count has not moved for 6 s (bounded by
# BENCH_SPAN_WAIT seconds): a queue still draining is not a drop. Prints the spans received since `before`.
spans_settled() { # before expected
  local last=-1 same=0 n i
  for i in $(seq $(( ${BENCH_SPAN_WAIT:-40} * 2 ))); do
    n=$(( $(spans_received) - $1 ))
    [ "$n" -ge "$2" ] && break
    if [ "$n" = "$last" ]; then same=$((same + 1)); [ "$same" -ge 12 ] && break; else same=0; fi
    last=$n; sleep 0.5
  done
  echo "$n"
}

# bench/GcProbe, loaded into every JIT host as a startup hook: the runtime's own allocation and GC counters,
# read inside the process over a Unix socket ("allocated_bytes gen0 gen1 gen2 pause_ms").
gc_read() { # port -> the probe's line
  local line=""
  { exec 3<>"/dev/tcp/127.0.0.1/$1" && read -r line <&3; exec 3<&-; } 2>/dev/null
  echo "${line:-0 0 0 0 0}"
}
gc_delta() { # before after requests -> "bytes/request gen0/10k gen1/10k gen2/10k pause-ms/10k"
  awk -v b="$1" -v a="$2" -v n="$3" 'BEGIN { split(b, x, " "); split(a, y, " "); if (n < 1) n = 1;
    printf "%.0f %.1f %.1f %.1f %.1f\n", (y[1]-x[1])/n, (y[2]-x[2])*1e4/n, (y[3]-x[3])*1e4/n, (y[4]-x[4])*1e4/n, (y[5]-x[5])*1e4/n }'
}
jit_ms() { awk -v b="$1" -v a="$2" 'BEGIN { split(b, x, " "); split(a, y, " "); printf "%.0f\n", y[7] - x[7] }'; } # JIT time in between

# ---------------------------------------------------------------- variants
# Every variant runs the same handler (bench/function/Handler.cs) behind the same kind of host.
variant_cmd() {
  case "$1" in
    bare|handwritten) echo "$WORK/out/$1/$( [ "$1" = bare ] && echo Bare || echo HandWritten )" ;;
    bare-*) echo "$WORK/out/bare/Bare" ;;
    template|disabled|servergc|gc-*|export-*|tp-*) echo "$WORK/out/template-jit/FunctionHost" ;;
    template-aot) echo "$WORK/out/template-aot/FunctionHost" ;;
    template-plain) echo "$WORK/out/template-plain/FunctionHost" ;;
    template-r2r) echo "$WORK/out/template-r2r/FunctionHost" ;;
    cand-*) echo "$WORK/out/$1/FunctionHost" ;;
  esac
}

# The template variants run with whatever OTEL_BSP_* and DOTNET_GC* the Dockerfile sets, as the image does (no
# OTEL_BSP_* today: the host's own defaults in Telemetry/TelemetryDefaults.cs apply when a variable is unset).
IMAGE_ENV=($(grep -oE '^ENV (OTEL_BSP_[A-Z_]+|DOTNET_GC[A-Za-z0-9]+)=[0-9a-fx]+' "$ROOT/template/csharp-otel/Dockerfile" | sed 's/^ENV //' || true))

HOST_PID=""
GC_PORT=""
start_host() { # variant service-name port
  local variant="$1" service="$2" port="$3" cmd; cmd="$(variant_cmd "$variant")"
  GC_PORT=$(free_port)
  local -a env=(ASPNETCORE_URLS="http://127.0.0.1:$port" OTEL_SERVICE_NAME="$service" OTEL_TRACES_SAMPLER=always_on
                DOTNET_ENVIRONMENT=Production Logging__LogLevel__Default=Warning
                DOTNET_STARTUP_HOOKS="$WORK/out/gc-probe/GcProbe.dll" BENCH_GC_PORT="$GC_PORT")
  local -a limit=()
  # BENCH_CPUS=0 (for example) pins the function to those CPUs and tells the runtime how many it has, as a
  # container's CPU limit would; BENCH_HEAP_LIMIT (hex bytes) caps the GC heap as a container's memory limit does.
  if [ -n "${BENCH_CPUS:-}" ]; then
    limit=(taskset -c "$BENCH_CPUS")
    env+=(DOTNET_PROCESSOR_COUNT="$(( $(echo "$BENCH_CPUS" | tr ',' '\n' | wc -l) ))")
  fi
  [ -z "${BENCH_HEAP_LIMIT:-}" ] || env+=(DOTNET_GCHeapHardLimit="$BENCH_HEAP_LIMIT")
  case "$variant" in
    handwritten) env+=(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$GRPC_PORT") ;;  # its default protocol: gRPC
    servergc) env+=("${IMAGE_ENV[@]}" DOTNET_gcServer=1 DOTNET_gcConcurrent=1 OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$HTTP_PORT") ;;  # the Web SDK's GC defaults
    disabled) env+=("${IMAGE_ENV[@]}" OTEL_SDK_DISABLED=true OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$HTTP_PORT") ;;
    bare) ;;
    # The thread-pool study (BENCH_VARIANTS="bare bare-spin0 template tp-spin0"): idle workers spin before they sleep.
    bare-spin0) env+=(DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0) ;;
    tp-spin0) env+=("${IMAGE_ENV[@]}" DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$HTTP_PORT") ;;
    # The GC study (BENCH_VARIANTS="gc-wks gc-wks-concurrent gc-server gc-gen0"): the template, GC set per variant.
    gc-wks) env+=("${IMAGE_ENV[@]}" DOTNET_gcServer=0 DOTNET_gcConcurrent=0 OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$HTTP_PORT") ;;
    gc-wks-concurrent) env+=("${IMAGE_ENV[@]}" DOTNET_gcServer=0 DOTNET_gcConcurrent=1 OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$HTTP_PORT") ;;
    gc-server) env+=("${IMAGE_ENV[@]}" DOTNET_gcServer=1 DOTNET_gcConcurrent=1 OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$HTTP_PORT") ;;  # DATAS: on by default for server GC since .NET 9
    gc-gen0) env+=("${IMAGE_ENV[@]}" DOTNET_gcServer=0 DOTNET_gcConcurrent=0 DOTNET_GCgen0size=0x4000000 OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$HTTP_PORT") ;;  # 64 MB gen0 budget
    gc-gen0-default) env+=("${IMAGE_ENV[@]}" DOTNET_GCgen0size=0 OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$HTTP_PORT") ;;  # the runtime's own gen0 budget
    gc-gen0-16m) env+=("${IMAGE_ENV[@]}" DOTNET_GCgen0size=0x1000000 OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$HTTP_PORT") ;;  # the host's GC, 16 MB gen0 budget
    gc-gen0-32m) env+=("${IMAGE_ENV[@]}" DOTNET_GCgen0size=0x2000000 OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$HTTP_PORT") ;;  # the host's GC, 32 MB gen0 budget
    # The export-path study (BENCH_VARIANTS="template export-batch128 export-batch512 export-delay1s export-grpc"):
    # the template with one exporter setting changed each.
    export-batch128) env+=(OTEL_BSP_MAX_EXPORT_BATCH_SIZE=128 OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$HTTP_PORT") ;;
    export-batch512) env+=(OTEL_BSP_MAX_EXPORT_BATCH_SIZE=512 OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$HTTP_PORT") ;;
    export-delay1s) env+=(OTEL_BSP_SCHEDULE_DELAY=1000 OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$HTTP_PORT") ;;
    export-grpc) env+=(OTEL_EXPORTER_OTLP_PROTOCOL=grpc OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$GRPC_PORT") ;;
    *) env+=("${IMAGE_ENV[@]}" OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$HTTP_PORT") ;;       # the template's default: http/protobuf
  esac
  (cd "$(dirname "$cmd")" && exec env "${env[@]}" "${limit[@]}" "$cmd" > "$WORK/host-$service.log" 2>&1) &
  HOST_PID=$!; PIDS+=("$HOST_PID")
}
# SIGKILL: every figure is read before the host stops, and the template's SIGTERM path would keep serving for the
# watchdog's grace period (write_timeout, 10 s) first.
stop_host() { kill -KILL "$HOST_PID" 2>/dev/null || true; wait "$HOST_PID" 2>/dev/null || true; }

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
traced() { case "$1" in bare|bare-*|disabled) return 1 ;; *) return 0 ;; esac; }
# Saturation, in a fresh process: BENCH_CONNECTIONS unpaced connections after the same load as warm-up.
saturate_variant() { # variant round
  local v="$1" r="$2" port service out sent t0 t1 reqs before gc0 gc1 idle0 idle1
  port=$(free_port); service="bench-$v-$r"
  start_host "$v" "$service" "$port"
  before=$(spans_received)
  first_response_ms "$(now_ns)" "$port" > /dev/null
  idle0=$(gc_read "$GC_PORT")
  sleep 1
  idle1=$(gc_read "$GC_PORT")
  R[$v.idle_rss.$r]=$(( $(status_kb "$HOST_PID" VmRSS) / 1024 ))
  out="$WORK/wrk-$v-$r-warmup.txt"
  wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" -s "$WORK/post.lua" "http://127.0.0.1:$port/bench" > "$out"
  sent=$(( 1 + $(wrk_requests "$out") ))   # the first-response probe + warm-up
  out="$WORK/wrk-$v-$r-saturation.txt"
  gc0=$(gc_read "$GC_PORT"); t0=$(cpu_ticks "$HOST_PID")
  wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$WORK/post.lua" "http://127.0.0.1:$port/bench" > "$out"
  t1=$(cpu_ticks "$HOST_PID"); gc1=$(gc_read "$GC_PORT")
  reqs=$(wrk_requests "$out")
  R[$v.rps.$r]=$(wrk_rps "$out"); R[$v.p50.$r]=$(wrk_pct "$out" 50%); R[$v.p99.$r]=$(wrk_pct "$out" 99%)
  R[$v.cpu_us.$r]=$(awk -v t="$(( t1 - t0 ))" -v n="$reqs" -v hz="$CLK_TCK" 'BEGIN { printf "%.1f", t / hz / n * 1e6 }')
  R[$v.gc.$r]=$(gc_delta "$gc0" "$gc1" "$reqs")
  R[$v.jit.$r]=$(jit_ms "$gc0" "$gc1")
  R[$v.idle_bytes_s.$r]=$(( ${idle1%% *} - ${idle0%% *} ))
  R[$v.errors.$r]=$(wrk_errors "$out")
  sent=$(( sent + reqs ))
  R[$v.peak_rss.$r]=$(( $(status_kb "$HOST_PID" VmHWM) / 1024 ))
  R[$v.sat_sent.$r]=$sent
  if traced "$v"; then sleep "$DRAIN"; R[$v.sat_received.$r]=$(spans_settled "$before" "$sent"); fi
  stop_host
}
# One round of one variant: saturation (unless BENCH_PACED), then half saturation in a fresh process. Figures go to R[variant.key.round].
load_variant() { # variant round
  local v="$1" r="$2" port service out sent t0 t1 reqs half_c before gc0 gc1
  log "load $v (round $r)"
  [ -n "$PACED" ] || saturate_variant "$v" "$r"
  # Half saturation, in a fresh process: paced connections (10 ms between requests each), as many as give about
  # half this round's saturation req/s (or BENCH_PACED of them).
  half_c=${PACED:-$(awk -v r="${R[$v.rps.$r]}" 'BEGIN { c = int(r / 2 * 0.0105 + 0.5); print (c < 1 ? 1 : c) }')}
  port=$(free_port); service="bench-$v-$r-half"
  start_host "$v" "$service" "$port"
  before=$(spans_received)
  first_response_ms "$(now_ns)" "$port" > /dev/null
  # The same paced load first, unmeasured: a fresh process would otherwise spend the measured seconds on tiered
  # JIT recompilation, which costs a host with more code (the template) more than the bare one.
  out="$WORK/wrk-$v-$r-half-warmup.txt"
  wrk -t1 -c"$half_c" -d"${WARMUP}s" -s "$WORK/paced.lua" "http://127.0.0.1:$port/bench" > "$out"
  sent=$(( 1 + $(wrk_requests "$out") ))   # the first-response probe + warm-up
  out="$WORK/wrk-$v-$r-half.txt"
  gc0=$(gc_read "$GC_PORT"); t0=$(cpu_ticks "$HOST_PID")
  wrk -t1 -c"$half_c" -d"${HALF_DURATION}s" --latency -s "$WORK/paced.lua" "http://127.0.0.1:$port/bench" > "$out"
  t1=$(cpu_ticks "$HOST_PID"); gc1=$(gc_read "$GC_PORT")
  reqs=$(wrk_requests "$out")
  R[$v.half_rps.$r]=$(wrk_rps "$out"); R[$v.half_p99.$r]=$(wrk_pct "$out" 99%)
  R[$v.half_cpu_us.$r]=$(awk -v t="$(( t1 - t0 ))" -v n="$reqs" -v hz="$CLK_TCK" 'BEGIN { if (n < 1) n = 1; printf "%.1f", t / hz / n * 1e6 }')
  R[$v.half_gc.$r]=$(gc_delta "$gc0" "$gc1" "$reqs")
  R[$v.half_jit.$r]=$(jit_ms "$gc0" "$gc1")
  R[$v.half_sent.$r]=$(( sent + reqs ))
  R[$v.half_peak_rss.$r]=$(( $(status_kb "$HOST_PID" VmHWM) / 1024 ))
  if traced "$v"; then sleep "$DRAIN"; R[$v.half_received.$r]=$(spans_settled "$before" "${R[$v.half_sent.$r]}"); fi
  stop_host
}

# Median over the rounds of R[variant.key.*]; field n (1-based) of a space-separated figure when given.
med() { # variant key [field]
  local v="$1" k="$2" f="${3:-0}" r vals=()
  for r in $(seq "$ROUNDS"); do
    if [ "$f" = 0 ]; then vals+=("${R[$v.$k.$r]:-}"); else vals+=("$(echo "${R[$v.$k.$r]:-}" | cut -d' ' -f"$f")"); fi
  done
  printf '%s\n' "${vals[@]}" | awk '
    function num(x,   v) { v = x + 0; if (x ~ /ms$/) v *= 1000; else if (x ~ /[0-9]s$/) v *= 1e6; return v }
    /^[0-9.]+(us|ms|s)?$/ { n++; key[n] = num($0); text[n] = $0 }
    END {
      if (n == 0) { print "n/a"; exit }
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (key[j] < key[i]) { t = key[i]; key[i] = key[j]; key[j] = t; t = text[i]; text[i] = text[j]; text[j] = t }
      print text[int((n + 1) / 2)]
    }'
}
bytes_rounds() { local r out=(); for r in $(seq "$ROUNDS"); do out+=("$(echo "${R[$1.$2.$r]:-?}" | cut -d' ' -f1)"); done; echo "${out[*]}"; } # variant gc|half_gc
all_rounds() { local v="$1" k="$2" r out=(); for r in $(seq "$ROUNDS"); do out+=("${R[$v.$k.$r]:-?}"); done; echo "${out[*]}"; }

COLD_VARIANTS="bare template-plain template-r2r template template-aot"
# One cold start: a fresh process timed from the fork to the first traced 200. Appends to R[variant.cold_all] and,
# from GcProbe (JIT hosts only: Native AOT runs no startup hook), the methods the JIT compiled up to that answer.
cold_once() { # variant last?
  local v="$1" port start ms probe
  port=$(free_port)
  start=$(now_ns)
  start_host "$v" "bench-cold-$v" "$port"
  ms=$(first_response_ms "$start" "$port")
  probe=$(gc_read "$GC_PORT")
  R[$v.cold_all]="${R[$v.cold_all]:-}${R[$v.cold_all]:+ }$ms"
  R[$v.jit_all]="${R[$v.jit_all]:-}${R[$v.jit_all]:+ }$(echo "$probe" | awk '{print ($6 == "" ? "-" : $6)}')"
  if [ "$2" = last ]; then sleep 1; R[$v.idle_rss]=$(( $(status_kb "$HOST_PID" VmRSS) / 1024 )); fi
  stop_host
}
median_of() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# ---------------------------------------------------------------- run
RUN_START=$(date +%s)
LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
  for v in $VARIANTS; do   # alternating: every variant once per round, so a neighbour's burst hits all of them
    load_variant "$v" "$r"
  done
done
if [ "$COLD" != 0 ]; then
  log "cold starts: $COLD_RUNS alternating rounds over $COLD_VARIANTS"
  for i in $(seq "$COLD_RUNS"); do   # alternating, as the load rounds: a neighbour's burst hits every variant
    for v in $COLD_VARIANTS; do cold_once "$v" "$( [ "$i" = "$COLD_RUNS" ] && echo last || echo no )"; done
  done
  for v in $COLD_VARIANTS; do R[$v.cold]=$(median_of "${R[$v.cold_all]}"); R[$v.jit]=$(median_of "${R[$v.jit_all]}"); done
fi
RUN_SECONDS=$(( $(date +%s) - RUN_START ))

# ---------------------------------------------------------------- report
ratio() {
  awk -v a="$1" -v b="$2" '
    function num(x,   v) { if (x !~ /^[0-9.]+(us|ms|s)?$/) return 0; v = x + 0; if (x ~ /ms$/) v *= 1000; else if (x ~ /[0-9]s$/) v *= 1e6; return v }
    BEGIN { x = num(a); y = num(b); if (y > 0) printf "%.2f\n", x / y; else print "n/a" }'
}
label() {
  case "$1" in
    bare) echo "(a) bare minimal API, no telemetry" ;;
    template) echo "(b) template, tracing on, every request sampled" ;;
    disabled) echo "(c) template, OTEL_SDK_DISABLED=true" ;;
    handwritten) echo "(d) hand-written OpenTelemetry set-up (gRPC)" ;;
    servergc) echo "(b) with the Web SDK's GC defaults (server, concurrent)" ;;
    gc-wks) echo "template, workstation non-concurrent GC" ;;
    gc-wks-concurrent) echo "template, workstation concurrent GC" ;;
    gc-server) echo "template, server GC (DATAS)" ;;
    gc-gen0) echo "template, workstation non-concurrent, GCgen0size 64 MB" ;;
    gc-gen0-default) echo "template, the runtime's default gen0 budget (DOTNET_GCgen0size=0)" ;;
    gc-gen0-16m) echo "template, its GC (workstation concurrent), GCgen0size 16 MB" ;;
    gc-gen0-32m) echo "template, its GC (workstation concurrent), GCgen0size 32 MB" ;;
    bare-spin0) echo "bare, DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0" ;;
    tp-spin0) echo "template, DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0" ;;
    export-batch128) echo "template, OTEL_BSP_MAX_EXPORT_BATCH_SIZE=128" ;;
    export-batch512) echo "template, OTEL_BSP_MAX_EXPORT_BATCH_SIZE=512" ;;
    export-delay1s) echo "template, OTEL_BSP_SCHEDULE_DELAY=1000" ;;
    export-grpc) echo "template, OTEL_EXPORTER_OTLP_PROTOCOL=grpc" ;;
    *) echo "$1" ;;
  esac
}
BASE="$(for v in $VARIANTS; do echo "$v"; done | head -1)"
LIMITS="no CPU limit"; [ -z "${BENCH_CPUS:-}" ] || LIMITS="CPUs $BENCH_CPUS (taskset, DOTNET_PROCESSOR_COUNT)"
if [ -n "${BENCH_HEAP_LIMIT:-}" ]; then LIMITS="$LIMITS, DOTNET_GCHeapHardLimit=$BENCH_HEAP_LIMIT"; else LIMITS="$LIMITS, no heap limit"; fi
BSP="the image's environment from the Dockerfile (${IMAGE_ENV[*]:-nothing}) and, for OTEL_BSP_* it does not set, the host defaults (Telemetry/TelemetryDefaults.cs)"
{
  echo "## Run of $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Written by \`bash bench/run.sh\` (see bench/README.md). Every figure in this section comes from this one run."
  echo
  echo "- Machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM, $(uname -r)"
  echo "- Load average: $LOAD_AT_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
  echo "- Commit: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- template bench || echo ' (with uncommitted changes)')"
  echo "- .NET SDK $(dotnet --version); wrk -t1 -c$CONNECTIONS, POST of 5 bytes, ${WARMUP} s warm-up, ${DURATION} s measured, $ROUNDS alternating rounds (median shown); receiver: bench/OtlpCounter on the same machine"
  echo "- Function process limits: $LIMITS"
  echo "- Build ${BUILD_SECONDS} s, measurements ${RUN_SECONDS} s"
  echo "- Template variants run with $BSP; the hand-written one with the SDK's defaults"
  echo "${BENCH_NOTE:+- Note: $BENCH_NOTE}"
  echo
  if [ -z "$PACED" ]; then
    echo "### At saturation (median of $ROUNDS rounds)"
    echo
    echo "| | req/s | p50 | p99 | CPU µs/request | × $BASE | bytes/request | gen0 / gen1 / gen2 per 10k requests | GC pause ms per 10k | idle RSS MB | peak RSS MB | spans sent / received |"
    echo "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|"
    for v in $VARIANTS; do
      spans="–"; traced "$v" && spans="$(med "$v" sat_sent) / $(med "$v" sat_received)"
      echo "| $(label "$v") | $(med "$v" rps) | $(med "$v" p50) | $(med "$v" p99) | $(med "$v" cpu_us) | $(ratio "$(med "$v" cpu_us)" "$(med "$BASE" cpu_us)") | $(med "$v" gc 1) | $(med "$v" gc 2) / $(med "$v" gc 3) / $(med "$v" gc 4) | $(med "$v" gc 5) | $(med "$v" idle_rss) | $(med "$v" peak_rss) | $spans |"
    done
    echo
  fi
  echo "### Paced at $( [ -n "$PACED" ] && echo "$PACED connections (BENCH_PACED; saturation not run)" || echo "about half saturation") (median of $ROUNDS rounds)"
  echo
  echo "| | paced req/s | p99 | CPU µs/request | × $BASE | bytes/request | gen0 / gen1 / gen2 per 10k requests | peak RSS MB | spans sent / received / dropped |"
  echo "|---|---:|---:|---:|---:|---:|---|---:|---:|"
  for v in $VARIANTS; do
    spans="–"
    if traced "$v"; then
      sent=$(med "$v" half_sent); got=$(med "$v" half_received)
      spans="$sent / $got / $(( sent > got ? sent - got : 0 ))"
    fi
    echo "| $(label "$v") | $(med "$v" half_rps) | $(med "$v" half_p99) | $(med "$v" half_cpu_us) | $(ratio "$(med "$v" half_cpu_us)" "$(med "$BASE" half_cpu_us)") | $(med "$v" half_gc 1) | $(med "$v" half_gc 2) / $(med "$v" half_gc 3) / $(med "$v" half_gc 4) | $(med "$v" half_peak_rss) | $spans |"
  done
  echo
  echo "CPU µs/request: utime+stime of the function process over the measured wrk run (/proc/PID/stat) divided by the"
  echo "requests wrk completed. Bytes/request and collections: the runtime's own counters read inside the process"
  echo "(bench/GcProbe) before and after the same run; they do not depend on how busy the machine is, CPU times do."
  echo
  echo "Every round, to show the spread ($( [ -n "$PACED" ] || echo "CPU µs/request at saturation; paced; bytes/request at saturation; paced; ")JIT compilation time inside the measured seconds, which a long enough warm-up makes about equal across hosts):"
  echo
  for v in $VARIANTS; do
    if [ -n "$PACED" ]; then   # no saturation phase: only the paced figures
      echo "- $v: paced $(all_rounds "$v" half_cpu_us); bytes $(bytes_rounds "$v" half_gc); ms the JIT spent inside the measured seconds $(all_rounds "$v" half_jit)"
    else
      echo "- $v: $(all_rounds "$v" cpu_us); paced $(all_rounds "$v" half_cpu_us); bytes $(bytes_rounds "$v" gc); paced $(bytes_rounds "$v" half_gc); ms the JIT spent inside the measured seconds $(all_rounds "$v" jit); paced $(all_rounds "$v" half_jit)"
    fi
  done
  for v in $VARIANTS; do
    for r in $(seq "$ROUNDS"); do
      if [ -n "${R[$v.errors.$r]:-}" ]; then echo; echo "wrk reported for $v round $r: ${R[$v.errors.$r]}"; fi
    done
  done
  if [ "$COLD" != 0 ]; then
    echo
    echo "### Cold start: process start to the first traced 200 (median of $COLD_RUNS alternating runs)"
    echo
    echo "| | median ms | all runs ms | × bare | methods the JIT compiled before the answer | published MB (no debug symbols) |"
    echo "|---|---:|---|---:|---:|---:|"
    echo "| bare minimal API, JIT + ReadyToRun, no telemetry | ${R[bare.cold]} | ${R[bare.cold_all]} | 1.00 | ${R[bare.jit]} | $(size_mb bare) (framework-dependent) |"
    echo "| template, JIT without ReadyToRun | ${R[template-plain.cold]} | ${R[template-plain.cold_all]} | $(ratio "${R[template-plain.cold]}" "${R[bare.cold]}") | ${R[template-plain.jit]} | $(size_mb template-plain) (framework-dependent) |"
    echo "| template, JIT + ReadyToRun, not composite | ${R[template-r2r.cold]} | ${R[template-r2r.cold_all]} | $(ratio "${R[template-r2r.cold]}" "${R[bare.cold]}") | ${R[template-r2r.jit]} | $(size_mb template-r2r) (self-contained) |"
    echo "| **template, JIT + composite ReadyToRun (the default image)** | ${R[template.cold]} | ${R[template.cold_all]} | $(ratio "${R[template.cold]}" "${R[bare.cold]}") | ${R[template.jit]} | $(size_mb template-jit) (self-contained) |"
    echo "| template, Native AOT (--build-arg AOT=true) | ${R[template-aot.cold]} | ${R[template-aot.cold_all]} | $(ratio "${R[template-aot.cold]}" "${R[bare.cold]}") | - | $(size_mb template-aot) (self-contained) |"
    echo
    echo "Idle RSS one second after the first answer, MB: bare ${R[bare.idle_rss]}, template JIT ${R[template.idle_rss]}, not composite ${R[template-r2r.idle_rss]}, without ReadyToRun ${R[template-plain.idle_rss]}, Native AOT ${R[template-aot.idle_rss]}."
    echo "The first 200 is polled with curl every ~5 ms, so each time carries up to ~5 ms of polling granularity. The JIT count"
    echo "(System.Runtime.JitInfo, read by bench/GcProbe right after the answer) does not depend on the machine's load."
  fi
  if [[ " $VARIANTS " == *" template "* && " $VARIANTS " == *" bare "* ]]; then
    echo
    echo "### Goals"
    echo
    echo "| goal | target | measured |"
    echo "|---|---|---|"
    echo "| CPU/request paced$( [ -n "$PACED" ] || echo " at half saturation"), tracing on vs bare | ≤ 1.10 | $(ratio "$(med template half_cpu_us)" "$(med bare half_cpu_us)") |"
    if [ -z "$PACED" ]; then
      echo "| CPU/request at saturation, tracing on vs bare | ≤ 1.25 | $(ratio "$(med template cpu_us)" "$(med bare cpu_us)") |"
      [[ " $VARIANTS " == *" handwritten "* ]] && echo "| CPU/request at saturation, tracing on vs hand-written | ≤ 0.85 | $(ratio "$(med template cpu_us)" "$(med handwritten cpu_us)") |"
      [[ " $VARIANTS " == *" handwritten "* ]] && echo "| bytes/request at saturation, tracing on vs hand-written | < 1.00 | $(ratio "$(med template gc 1)" "$(med handwritten gc 1)") ($(med template gc 1) against $(med handwritten gc 1)) |"
    fi
    [[ " $VARIANTS " == *" handwritten "* ]] && echo "| bytes/request paced, tracing on vs hand-written | < 1.00 | $(ratio "$(med template half_gc 1)" "$(med handwritten half_gc 1)") ($(med template half_gc 1) against $(med handwritten half_gc 1)) |"
    # Received can exceed sent by the warm-up's spans still queued when the phase began: that is not a negative drop.
    d=$(( $(med template half_sent) - $(med template half_received) ))
    echo "| spans dropped when paced$( [ -n "$PACED" ] || echo " (about half saturation)") | 0 | $(( d > 0 ? d : 0 )) of $(med template half_sent)$( [ "$d" -lt 0 ] && echo " ($(( -d )) more received: warm-up spans)" ) |"
    if [ "$COLD" != 0 ]; then
      echo "| JIT first traced response vs bare | ≤ 1.15 | $(ratio "${R[template.cold]}" "${R[bare.cold]}") |"
      echo "| Native AOT first traced response | ≤ 62 ms | ${R[template-aot.cold]} ms |"
      echo "| Native AOT idle RSS | ≤ 26 MB | ${R[template-aot.idle_rss]} MB |"
    fi
  fi
  echo
} > "$RESULTS.run"
# The newest run goes first; earlier runs stay below it.
{
  echo "# Benchmark results"
  echo
  echo "Newest run first. Compare ratios within one run, never absolute figures across runs."
  echo
  cat "$RESULTS.run"
  [ -f "$RESULTS" ] && sed '1{/^# Benchmark results$/d}' "$RESULTS" | sed '/^Newest run first\./d'
} > "$RESULTS.tmp"
rm -f "$RESULTS.run"
mv "$RESULTS.tmp" "$RESULTS"
log "wrote $RESULTS"
