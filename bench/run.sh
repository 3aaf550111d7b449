#!/usr/bin/env bash
# Dataflow benchmarks against psql, alternating, same data:
#   load:   psql \copy of a CSV file against the dataflow, into the same typed and logged table;
#   export: psql \copy (query) to a CSV file against a dataflow from a PostgreSql source to a CsvFile, same query.
#   bash bench/run.sh [ROWS] [ROUNDS] [load|export|all]        defaults: 3000000 rows, 3 rounds, all
# Starts its own PostgreSQL cluster with fsync on (initdb/pg_ctl as the postgres user, 127.0.0.1, a high port) and
# stops it at the end. Never part of the test suite. Peak memory is measured for ROWS and ROWS/10, with the runtime's
# default GC settings and with the GC's gen0 budget capped (see "Speed and memory" in docs/dataflows.md).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-3000000}
rounds=${2:-3}
what=${3:-all}
work=$(mktemp -d /tmp/scheduler-bench.XXXXXX)
port=${BENCH_PG_PORT:-55432}
chown postgres "$work"
trap 'su postgres -c "pg_ctl -D $work/pg -m fast stop" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

su postgres -c "initdb -D $work/pg -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
su postgres -c "pg_ctl -D $work/pg -l $work/pg.log -o '-c listen_addresses=127.0.0.1 -p $port -k $work -c fsync=on -c max_wal_size=4GB' -w start" >/dev/null
psql -h 127.0.0.1 -p "$port" -U postgres -c "CREATE DATABASE bench" >/dev/null
connection="Host=127.0.0.1;Port=$port;Username=postgres;Database=bench"

dotnet build bench/Dataflows.Bench -c Release --nologo -v quiet >/dev/null
bench="dotnet bench/Dataflows.Bench/bin/Release/net10.0/Dataflows.Bench.dll"
$bench generate "$work/orders.csv" "$rows"
$bench generate "$work/orders-small.csv" $((rows / 10))
psql -h 127.0.0.1 -p "$port" -U postgres -d bench -Atc "SELECT 'PostgreSQL ' || version() || ', fsync=' || current_setting('fsync')"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
if [ "$what" != export ]; then
  $bench compare "$work/orders.csv" "$connection" "$rounds"
  $bench memory "$work/orders.csv" "$connection"
  $bench memory "$work/orders-small.csv" "$connection"
  echo "with DOTNET_GCGen0MaxBudget=0x1000000 (16 MiB):"
  DOTNET_GCGen0MaxBudget=0x1000000 $bench memory "$work/orders.csv" "$connection"
  DOTNET_GCGen0MaxBudget=0x1000000 $bench memory "$work/orders-small.csv" "$connection"
fi

if [ "$what" != load ]; then
  # The table the export reads: the generated file, as psql loads it.
  psql -h 127.0.0.1 -p "$port" -U postgres -d bench -q -v ON_ERROR_STOP=1 -c "$($bench create-table-sql)" \
    -c "\\copy orders FROM '$work/orders.csv' WITH (FORMAT csv, HEADER true)" -c "VACUUM ANALYZE orders"
  echo "export: $(psql -h 127.0.0.1 -p "$port" -U postgres -d bench -Atc 'SELECT count(*) FROM orders') rows; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  $bench export "$connection" "$work" "$rounds"
  $bench export-memory "$connection" "$work" "$rows"
  $bench export-memory "$connection" "$work" $((rows / 10))
  echo "with DOTNET_GCGen0MaxBudget=0x1000000 (16 MiB):"
  DOTNET_GCGen0MaxBudget=0x1000000 $bench export-memory "$connection" "$work" "$rows"
  DOTNET_GCGen0MaxBudget=0x1000000 $bench export-memory "$connection" "$work" $((rows / 10))
fi
