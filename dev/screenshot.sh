#!/usr/bin/env bash
# Retakes docs/images/connected-trace.png: runs dev/run, sends one request through shout and echo, and photographs
# the trace's detail page in the Aspire Dashboard with headless Chromium.
#
#   bash dev/screenshot.sh [OUT.png]
#
# Needs chromium (apt-get install chromium) and Node 20 or newer (for the DevTools client, dev/screenshot.mjs).
# Ports: as dev/run (DASHBOARD_PORT, OTLP_GRPC_PORT, OTLP_HTTP_PORT, SHOUT_PORT, ECHO_PORT), plus DEBUG_PORT (29229).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/images/connected-trace.png}
dashboard_port=${DASHBOARD_PORT:-18888}
shout_port=${SHOUT_PORT:-3000}
debug_port=${DEBUG_PORT:-29229}
logs=dev/.build/logs
mkdir -p "$logs" "$(dirname "$out")"

log() { printf 'dev/screenshot.sh: %s\n' "$*" >&2; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
command -v chromium >/dev/null || { log "chromium not found: apt-get install chromium"; exit 1; }
command -v node >/dev/null || { log "node not found: Node 20 or newer drives the browser"; exit 1; }

pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  [ -z "${profile:-}" ] || rm -rf "$profile"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

set -m  # each of the two background jobs below is a process group of its own
bash dev/run >"$logs/screenshot-run.log" 2>&1 </dev/null &
pids+=("$!")
set +m
log "started dev/run (output in $logs/screenshot-run.log)"
until grep -q 'Ctrl+C stops everything' "$logs/screenshot-run.log"; do
  kill -0 "${pids[0]}" 2>/dev/null || { log "dev/run stopped:"; cat "$logs/screenshot-run.log" >&2; exit 1; }
  sleep 0.5
done

random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
trace_id=$(random_hex 16)
span_id=$(random_hex 8)

trace_arrived() { # trace_arrived TRACE_ID: the dashboard holds spans of that trace from echo (the second hop)
  curl -sS --max-time 5 "http://127.0.0.1:$dashboard_port/api/telemetry/traces" \
    | grep -oE '"key":"service\.name","value":\{"stringValue":"[^"]*"|"traceId":"[0-9a-f]{32}"' \
    | awk -v id="\"traceId\":\"$1\"" -F'"' '$0 == id { pending++ } /service\.name/ { if ($(NF-1) == "echo" && pending) found = 1; pending = 0 }
        END { exit !found }'
}
wait_for_trace() { for _ in $(seq 50); do trace_arrived "$1" && return 0; sleep 0.2; done; return 1; }

# As NGINX would send it. Until the host reads OTEL_PROPAGATORS=...,jaeger the header is ignored and the trace gets
# an id of its own; then the same request goes again with W3C traceparent, so the picture can still be taken.
log "POST to shout with uber-trace-id: $trace_id:$span_id:0:1"
curl -sS --max-time 20 -d 'hello' -H "uber-trace-id: $trace_id:$span_id:0:1" "http://127.0.0.1:$shout_port/" >/dev/null
if wait_for_trace "$trace_id"; then
  log "the trace continued the Jaeger context"
else
  log "the trace did not continue uber-trace-id (is the jaeger propagator in this build?); sending traceparent instead"
  curl -sS --max-time 20 -d 'hello' -H "traceparent: 00-$trace_id-$span_id-01" "http://127.0.0.1:$shout_port/" >/dev/null
  wait_for_trace "$trace_id" || { log "no trace $trace_id across shout and echo in the dashboard"; exit 1; }
fi
sleep 1  # the last spans of shout's batch

profile=$(mktemp -d)
set -m
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$profile" --hide-scrollbars \
  --remote-debugging-port="$debug_port" --window-size=1400,460 about:blank >"$logs/chromium.log" 2>&1 </dev/null &
pids+=("$!")
set +m

url="http://127.0.0.1:$dashboard_port/traces/detail/$trace_id"
node_flags=()  # WebSocket is built into Node 22 and later; Node 20 has it behind a flag
node -e 'if (typeof WebSocket === "undefined") process.exit(1)' 2>/dev/null || node_flags=(--experimental-websocket --no-warnings)
node "${node_flags[@]}" dev/screenshot.mjs "$debug_port" "$url" "$out" "Total spans" echo
log "$out: $(wc -c <"$out") bytes, trace $trace_id"
