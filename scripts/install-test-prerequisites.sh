#!/usr/bin/env bash
# Installs what the tests need and a fresh Debian machine may lack: the PostgreSQL server binaries (the tests
# start throwaway clusters as the 'postgres' user) and pyftpdlib (the tests start a real FTP server with it).
set -euo pipefail

need=()
have_initdb() {
  command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}
if ! have_initdb || ! id postgres >/dev/null 2>&1; then
  need+=(postgresql)
fi
if ! /usr/bin/python3 -c 'import pyftpdlib' >/dev/null 2>&1; then
  need+=(python3-pyftpdlib)
fi

if ((${#need[@]} > 0)); then
  echo "Installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # Debian's package starts a cluster of its own on port 5432; the tests do not use it.
  "${sudo_cmd[@]}" sh -c 'command -v pg_ctlcluster >/dev/null && pg_lsclusters -h 2>/dev/null | while read -r v c _; do pg_ctlcluster "$v" "$c" stop || true; done' || true
fi

command -v dotnet >/dev/null 2>&1 || { echo "The .NET 10 SDK is required: https://dotnet.microsoft.com/download" >&2; exit 1; }
