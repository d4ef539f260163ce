#!/usr/bin/env bash
# The shutdown, timeout, max_inflight and async scenarios of tests/CSharpOtel.Tests against a REAL of-watchdog
# instead of its emulation (tests/CSharpOtel.Tests/Infrastructure/WatchdogEmulator.cs): the same tests, the same
# published host, the same real OTLP receiver (the Aspire Dashboard), with fwatchdog as PID 1 of its own PID
# namespace (unshare --pid --fork, so its exit kills the host, as in a container). Not part of CI: CI has no fwatchdog.
#
#   dev/real-watchdog.sh                 # fwatchdog from $FWATCHDOG, default /tmp/csotel-real/fwatchdog
#   RUNS=3 dev/real-watchdog.sh          # each scenario three times
#   FWATCHDOG=/path/to/fwatchdog dev/real-watchdog.sh
#
# Scenarios (test name: what it prints):
#   RollingStop_SteadyTraffic_...       ~15 requests/s, healthcheck_interval=2s, write_timeout=3s, batching defaults;
#                                       SIGTERM; sent, answered 200, failed while routed, spans received
#   DefaultTimeouts_...                 no timeouts set (the watchdog's 30 s); SIGTERM; 4 requests/s for 30 s;
#                                       failed requests, spans received, when the watchdog exited
#   ExecTimeout_...                     exec_timeout=1s, 3 s handlers honouring / ignoring their token;
#                                       status from the watchdog, span status, error.type, the warning line
#   Sigterm_DuringLoad_...              requests in flight at SIGTERM and at the end of healthcheck_interval
#   MaxInflightTest                     max_inflight=4: 4 requests held, then 10 waves of 12 at once (600 ms each);
#                                       sent, answered 200, 429, spans of the 200s and of the 429s, /_/ready and a
#                                       request at the limit, the host's warning, the watchdog's :8081 counters
#   AsyncInvocationTest                 a queue-worker replay (X-Call-Id, X-Start-Time 2 s back, traceparent); the
#                                       span's parent, faas.invocation_id, openfaas.async, openfaas.queue.delay
#
# Needs: root (unshare --net and --pid), iproute2's ip, the .NET SDK. The tests run in a network namespace of
# their own (fwatchdog always binds :8081 for its metrics), so they need no free port on the machine. Build fwatchdog from
# github.com/openfaas/of-watchdog (`go build -o fwatchdog .` in a checkout of a release tag).
#
# To compare with another version of the host, run this script in a checkout whose template/ is that version
# (the tests themselves must be these).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
fwatchdog=${FWATCHDOG:-/tmp/csotel-real/fwatchdog}
runs=${RUNS:-1}

if [[ ! -x "$fwatchdog" ]]; then
  echo "real-watchdog: no executable fwatchdog at $fwatchdog (set FWATCHDOG=...)" >&2
  exit 2
fi
# fwatchdog always serves its metrics on :8081 and panics when it cannot: each run gets a network namespace of
# its own (loopback only), so nothing else on the machine can hold that port, and runs never collide.
if ! unshare --net --pid --fork --kill-child sh -c 'ip link set lo up' 2>/dev/null; then
  echo "real-watchdog: 'unshare --net --pid --fork' failed; run as root (iproute2's ip is needed too)" >&2
  exit 2
fi

echo "real-watchdog: fwatchdog $fwatchdog ($("$fwatchdog" -version 2>&1 | tr '\n' ' ' | sed 's/  */ /g'))"
echo "real-watchdog: host from $root/template/csharp-otel at $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"

dotnet build "$root/tests/CSharpOtel.Tests" --nologo -v q >/dev/null

filter='FullyQualifiedName~WatchdogShutdownTest.RollingStop|FullyQualifiedName~WatchdogShutdownTest.DefaultTimeouts|FullyQualifiedName~ExecTimeoutTest|FullyQualifiedName~WatchdogShutdownTest.Sigterm_DuringLoad|FullyQualifiedName~MaxInflightTest|FullyQualifiedName~AsyncInvocationTest'
status=0
for run in $(seq 1 "$runs"); do
  echo "real-watchdog: run $run of $runs"
  log=$(mktemp)
  if ! CSHARP_OTEL_TEST_FWATCHDOG="$fwatchdog" unshare --net -- sh -c 'ip link set lo up && exec "$@"' sh \
      dotnet test "$root/tests/CSharpOtel.Tests" --no-build --nologo \
      --filter "$filter" --logger "console;verbosity=detailed" >"$log" 2>&1; then
    status=1
  fi
  # The figures each test writes, and each test's verdict.
  grep -E '^\s+(Passed|Failed) CSharpOtel|^ (sent|requests|routed|spans delivered|/slow:|/ignore:|async span:)' "$log" | sed 's/^ *//'
  # A failure's message: the line after "Error Message:".
  grep -E '^\s+Failed CSharpOtel' -A 2 "$log" | grep -A 1 'Error Message' | grep -vE 'Error Message|^--' | sed 's/^ */  failure: /' || true
  rm -f "$log"
done
exit $status
