#!/usr/bin/env bash
# Runs the Postman collection (docs/postman/) with newman against a live service on a throwaway stack: a PostgreSQL
# cluster and a pyftpdlib FTP server on 127.0.0.1 and free ports, and the built service on a free port, all stopped
# at the end. newman is installed from npm into .data/newman (not committed) when missing.
# The last line counts newman's assertions: "postman: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash scripts/install-test-prerequisites.sh >/dev/null || { echo "postman: 0 passed, 1 failed (prerequisites)"; exit 1; }

newman="$root/.data/newman/node_modules/.bin/newman"
if [[ ! -x "$newman" ]]; then
  echo "Installing newman into .data/newman"
  npm install --prefix "$root/.data/newman" --no-audit --no-fund --loglevel=error newman@6.2.2 >/dev/null \
    || { echo "postman: 0 passed, 1 failed (newman could not be installed)"; exit 1; }
fi

work=$(mktemp -d /tmp/scheduler-postman-XXXXXX)
chmod 755 "$work" # the postgres user must reach its cluster folder inside
pids=()
pg_data="$work/pg/data"
as_postgres=()
[[ $(id -u) -eq 0 ]] && as_postgres=(runuser -u postgres --)
pg_bin=$(dirname "$(readlink -f "$(command -v initdb 2>/dev/null || ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")")

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  [[ -f "$pg_data/postmaster.pid" ]] && "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
fail() { echo "$1" >&2; for log in "$work"/*.log "$work"/pg/*.log; do [[ -f "$log" ]] && { echo "--- $log" >&2; tail -n 30 "$log" >&2; }; done; echo "postman: 0 passed, 1 failed"; exit 1; }

# PostgreSQL: a throwaway cluster as the 'postgres' user (it refuses to run as root), with the two databases.
mkdir -p "$work/pg"
[[ $(id -u) -eq 0 ]] && chown postgres:postgres "$work/pg"
pg_port=$(free_port)
"${as_postgres[@]}" "$pg_bin/initdb" -D "$pg_data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$work/pg/initdb.log" 2>&1 || fail "initdb failed"
"${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -l "$work/pg/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $work/pg -c fsync=off" start >/dev/null || fail "PostgreSQL did not start"
for db in scheduler warehouse; do
  "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres "$db" || fail "could not create $db"
done

# FTP: pyftpdlib serving a folder with the sample orders file.
ftp_port=$(free_port)
mkdir -p "$work/ftp/in"
cp samples/data/orders.csv "$work/ftp/in/orders.csv"

# A folder for the file-drop schedule: the orders file is dropped into it before the service starts.
mkdir -p "$work/drops/in"
cp samples/data/orders.csv "$work/drops/in/orders.csv"
/usr/bin/python3 -m pyftpdlib -i 127.0.0.1 -p "$ftp_port" -d "$work/ftp" -u etl -P etl-secret >"$work/ftp.log" 2>&1 &
pids+=($!)

# The service, built as the tests build it, configured only through environment variables.
dotnet build Scheduler.Web --nologo -v q -clp:NoSummary >"$work/build.log" 2>&1 || fail "the service did not build"
web_port=$(free_port)
password="postman-$(date +%s)-secret"
(
  cd Scheduler.Web
  export ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:$web_port"
  export ConnectionStrings__Scheduler="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=scheduler"
  export Auth__AdminPassword="$password" Scheduler__DefinitionsPath="$root/samples" Scheduler__WorkingDirectory="$work/jobs"
  export Connections__OrdersFtp__Type=Ftp Connections__OrdersFtp__Host=127.0.0.1 Connections__OrdersFtp__Port="$ftp_port" \
         Connections__OrdersFtp__Username=etl Connections__OrdersFtp__Password=etl-secret
  export Connections__Drops__Type=Local Connections__Drops__Path="$work/drops"
  export Connections__Warehouse__Type=PostgreSql Connections__Warehouse__ConnectionString="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=warehouse"
  exec dotnet run --no-build --no-launch-profile
) >"$work/service.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$web_port/health/ready" >/dev/null && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$web_port/health/ready" >/dev/null || fail "the service did not become ready"

"$newman" run docs/postman/scheduler.postman_collection.json -e docs/postman/scheduler.postman_environment.json \
  --env-var "baseUrl=http://127.0.0.1:$web_port" --env-var "password=$password" --env-var "sourceFilePath=in/orders.csv" \
  --reporters cli,json --reporter-json-export "$work/newman.json" --color off
status=$?

read -r passed failed < <(/usr/bin/python3 - "$work/newman.json" <<'PY'
import json, sys
try:
    a = json.load(open(sys.argv[1]))["run"]["stats"]["assertions"]
    print(a["total"] - a["failed"], a["failed"])
except (OSError, ValueError, KeyError):
    print(0, 1)
PY
)
if [[ $status -ne 0 && $failed -eq 0 ]]; then
  echo "newman exited with $status although no assertion failed (see above)"
  failed=1
fi
[[ $failed -ne 0 ]] && { echo "--- service log"; tail -n 40 "$work/service.log"; }
echo "postman: $passed passed, $failed failed"
[[ $status -eq 0 && $failed -eq 0 ]]
