#!/usr/bin/env bash
# Runs every test project against real servers. The test fixtures start their own throwaway PostgreSQL cluster
# and FTP server on 127.0.0.1 (free high ports) and stop them when the run ends; this script installs what they
# need, runs the tests and ends with one summary line over all projects: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-prerequisites.sh || exit 1

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
dotnet test Scheduler.sln --nologo --results-directory "$results" --logger "trx" "$@"
status=$?

read -r passed failed skipped total < <(python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
p = f = s = t = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    c = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    p += int(c.get("passed")); f += int(c.get("failed")) + int(c.get("error")) + int(c.get("timeout")) + int(c.get("aborted"))
    t += int(c.get("total")); s += int(c.get("notExecuted"))
print(p, f, s, t)
PY
)

if [[ "${total:-0}" -eq 0 ]]; then
  echo "no test ran"
  failed=$((${failed:-0} + 1))
elif [[ $status -ne 0 && "${failed:-0}" -eq 0 ]]; then
  echo "dotnet test exited with $status although no test failed: a build failed or a test run was aborted (see above)"
  failed=1
fi
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
[[ $status -eq 0 && "${failed:-1}" -eq 0 ]]
