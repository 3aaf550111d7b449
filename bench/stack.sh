#!/usr/bin/env bash
# The service benchmark: one Web node and two Worker nodes of the Release build on a throwaway PostgreSQL cluster
# (fsync on), all on 127.0.0.1 and free ports, stopped at the end. Reports side by side, each against its target:
#   latency  POST -> first step start, sequential jobs, timed from Hangfire's own creation time
#   accept   run requests accepted per second with 8 clients vs raw BackgroundJob enqueues, idle and busy workers,
#            and (no target) with the workers stopped while timed
#   memory   worker resident memory during a 3M-row load and after it
#   warmup   the first load after a worker starts vs later loads vs psql \copy, per runtime setting
#   chaos    jobs through kill -9 of a worker, kill -9 of the Web node and pg_ctl restart -m fast
# Usage: bash bench/stack.sh [PARTS] [--quick] [--r2r] [--app=DIR]
#   PARTS     comma-separated, default all: latency,accept,memory,warmup,chaos
#   --quick   fewer jobs and rows (the chaos part then takes under two minutes; CI runs it through bench/chaos.sh)
#   --r2r     also publish the service with ReadyToRun and try it in the warmup part (a few minutes more)
#   --app=DIR run another build of the service (e.g. an older commit's Scheduler.Web/bin/Release/net10.0), for before/after
# The last line is "PART: N passed, N failed" (targets met and missed). See "Benchmark" in docs/measurements.md.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
parts=latency,accept,memory,warmup,chaos
quick=() r2r=0 app="$root/Scheduler.Web/bin/Release/net10.0"
for arg in "$@"; do
  case $arg in
    --quick) quick=(--quick) ;;
    --r2r) r2r=1 ;;
    --app=*) app=$(readlink -f "${arg#--app=}") ;;
    *) parts=$arg ;;
  esac
done
label=$([[ $parts == *,* ]] && echo bench || echo "$parts")
fail() { echo "$1" >&2; echo "$label: 0 passed, 1 failed"; exit 1; }

bash scripts/install-test-prerequisites.sh >/dev/null || fail "prerequisites could not be installed"

work=$(mktemp -d /tmp/scheduler-stack-XXXXXX)
chmod 755 "$work"
pg_data="$work/pg/data"
as_postgres=()
[[ $(id -u) -eq 0 ]] && as_postgres=(runuser -u postgres --)
pg_bin=$(dirname "$(readlink -f "$(command -v initdb 2>/dev/null || ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")")
cleanup() {
  [[ -f "$work/node.pids" ]] && xargs -r kill -9 <"$work/node.pids" 2>/dev/null
  [[ -f "$pg_data/postmaster.pid" ]] && "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

# PostgreSQL with fsync on (figures of a database that keeps its promises); room for three nodes' pools.
mkdir -p "$work/pg" "$work/files"
[[ $(id -u) -eq 0 ]] && chown postgres:postgres "$work/pg"
pg_port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as_postgres[@]}" "$pg_bin/initdb" -D "$pg_data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$work/pg/initdb.log" 2>&1 || fail "initdb failed"
"${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -l "$work/pg/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $work/pg -c max_connections=400 -c max_wal_size=4GB" start >/dev/null || fail "PostgreSQL did not start"
for db in scheduler warehouse; do
  "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres "$db" || fail "could not create $db"
done

echo "building (Release)"
dotnet build bench/Scheduler.Bench -c Release --nologo -v q -clp:NoSummary >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "the benchmark did not build"; }
extra=()
if [[ $r2r -eq 1 && $parts == *warmup* ]]; then
  echo "publishing with ReadyToRun"
  dotnet publish Scheduler.Web -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$work/app-r2r" --nologo -v q >"$work/publish.log" 2>&1 \
    || { cat "$work/publish.log"; fail "the ReadyToRun publish failed"; }
  extra=(--r2r "$work/app-r2r")
fi

printf 'id,name,amount\n1,one,1.50\n2,two,2.50\n3,three,3.50\n4,four,4.50\n5,five,5.50\n' >"$work/files/small.csv"
if [[ $parts == *memory* || $parts == *warmup* ]]; then
  dotnet build bench/Dataflows.Bench -c Release --nologo -v q >/dev/null 2>&1 || fail "bench/Dataflows.Bench did not build"
  generate() { dotnet bench/Dataflows.Bench/bin/Release/net10.0/Dataflows.Bench.dll generate "$work/files/$1" "$2" >/dev/null; }
  if [[ ${#quick[@]} -gt 0 ]]; then generate orders-300k.csv 300000; else generate orders-3m.csv 3000000; generate orders-1m.csv 1000000; fi
fi

"$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -Atc "SELECT 'PostgreSQL ' || current_setting('server_version') || ', fsync=' || current_setting('fsync')"
dotnet bench/Scheduler.Bench/bin/Release/net10.0/Scheduler.Bench.dll --app "$app" --work "$work" --pg-bin "$pg_bin" --pg-data "$pg_data" \
  --pg-port "$pg_port" --parts "$parts" "${quick[@]}" "${extra[@]}"
status=$?
if [[ $status -ne 0 ]]; then
  for log in "$work"/*.log; do [[ -f "$log" ]] && grep -iE "fail|error|exception" "$log" | tail -n 5 | sed "s|^|$(basename "$log"): |"; done
fi
exit $status
