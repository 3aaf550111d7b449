#!/usr/bin/env bash
# Dashboard page bench: how long the job page of a workflow of TASKS tasks takes to render, fetched as a signed-in
# browser fetches it (Hangfire's job page with the task graph, the timeline, the steps and the log).
#   bash bench/dashboard.sh [TASKS] [ROUNDS]        defaults: 200 tasks, 20 rounds
# Starts the service (Release build, in-memory storage, a free high port) and stops it at the end. Never part of the
# test suite. Exits with 1 when the job page's median is a second or more.
set -euo pipefail
cd "$(dirname "$0")/.."
tasks=${1:-200}
rounds=${2:-20}
port=${BENCH_DASHBOARD_PORT:-55480}
work=$(mktemp -d /tmp/scheduler-dashboard-bench.XXXXXX)
password="Bench-Admin-$RANDOM-$RANDOM"
mkdir -p "$work/definitions"
# With SCHEDULER_CONNECTION (a PostgreSQL connection string) the service keeps jobs there instead of in memory.
storage=()
if [ -n "${SCHEDULER_CONNECTION:-}" ]; then storage=(ConnectionStrings__Scheduler="$SCHEDULER_CONNECTION"); fi

dotnet build Scheduler.Web -c Release --nologo -v quiet >/dev/null
dotnet build bench/Dashboard.Bench -c Release --nologo -v quiet >/dev/null

(cd Scheduler.Web/bin/Release/net10.0 && exec env "${storage[@]}" ASPNETCORE_ENVIRONMENT=Production Auth__AdminPassword="$password" \
  Scheduler__WorkingDirectory="$work/jobs" Scheduler__DefinitionsPath="$work/definitions" \
  dotnet Scheduler.Web.dll --urls "http://127.0.0.1:$port" >"$work/server.log" 2>&1) &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/health/live" >/dev/null 2>&1 && break
  sleep 0.5
done

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet bench/Dashboard.Bench/bin/Release/net10.0/Dashboard.Bench.dll "http://127.0.0.1:$port" "$password" "$tasks" "$rounds"
