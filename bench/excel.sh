#!/usr/bin/env bash
# Excel source bench: reads a generated orders workbook (9 columns: numbers, dates, booleans, shared and inline
# strings) with the Excel source into a CSV file, and prints its time and the process's peak resident memory, for
# ROWS rows and a tenth of them, with .NET's default GC settings and with the gen0 budget capped at 16 MiB.
#   bash bench/excel.sh [ROWS]        default: 1000000 rows (Excel's own limit is 1,048,575 below a header)
# Memory flat in the row count shows that the sheet is streamed. Needs no server; never part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
work=$(mktemp -d /tmp/scheduler-excel-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

dotnet build bench/Dataflows.Bench -c Release --nologo -v quiet >/dev/null
bench="dotnet bench/Dataflows.Bench/bin/Release/net10.0/Dataflows.Bench.dll"
$bench generate-xlsx "$work/orders.xlsx" "$rows"
$bench generate-xlsx "$work/orders-small.xlsx" $((rows / 10))
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
$bench excel-memory "$work/orders.xlsx" "$work"
$bench excel-memory "$work/orders-small.xlsx" "$work"
echo "with DOTNET_GCGen0MaxBudget=0x1000000 (16 MiB):"
DOTNET_GCGen0MaxBudget=0x1000000 $bench excel-memory "$work/orders.xlsx" "$work"
DOTNET_GCGen0MaxBudget=0x1000000 $bench excel-memory "$work/orders-small.xlsx" "$work"
