#!/usr/bin/env bash
# The short chaos run, a part of .ci/run: 60 jobs through kill -9 of a worker, kill -9 of the Web node and a database
# restart; fails on a lost or duplicated job or row, or a wait over 60 s after the database is back
# (docs/measurements.md, "Benchmark of the service"). About 3 minutes with the build.
# It cannot hang CI: the run ends its own wait at its limit with a verdict, and should it still not have ended after
# CHAOS_TIME_LIMIT seconds (default 600) it is stopped (stack.sh then removes its nodes and cluster) and fails here.
# The last line is "chaos: N passed, N failed".
set -uo pipefail
limit=${CHAOS_TIME_LIMIT:-600}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
timeout --kill-after=30 "$limit" bash "$(dirname "$0")/stack.sh" chaos --quick 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
if ! grep -qE '^chaos: [0-9]+ passed, [0-9]+ failed$' "$out"; then
  [[ $status -eq 124 || $status -eq 137 ]] && echo "the chaos run had not ended after $limit s and was stopped"
  echo "chaos: 0 passed, 1 failed"
  exit 1
fi
exit "$status"
