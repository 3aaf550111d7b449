#!/usr/bin/env bash
# Installs what the tests need and a fresh Debian machine may lack: the PostgreSQL server binaries (the tests
# start throwaway clusters as the 'postgres' user), pyftpdlib (the tests start a real FTP server with it), aiosmtpd
# (a real SMTP server) and Chromium.
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
# The transfer tests also start vsftpd (FTP, FTPS) and OpenSSH's sshd (SFTP). vsftpd, pure-ftpd and proftpd conflict
# as packages: vsftpd only. python3-openssl gives pyftpdlib its TLS handler.
[[ -x /usr/sbin/vsftpd ]] || need+=(vsftpd)
[[ -x /usr/sbin/sshd ]] || need+=(openssh-server)
/usr/bin/python3 -c 'import OpenSSL' >/dev/null 2>&1 || need+=(python3-openssl)
# The SendMail tests start a real SMTP server (STARTTLS, SMTPS, login) with aiosmtpd.
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || need+=(python3-aiosmtpd)
# The dashboard test drives Debian's headless Chromium through chromedriver (no browser download is possible).
if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/chromedriver ]]; then
  need+=(chromium chromium-driver)
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
  # The same for the FTP and SSH services the packages may start on ports 21 and 22: the tests start their own.
  for service in vsftpd ssh; do "${sudo_cmd[@]}" service "$service" stop >/dev/null 2>&1 || true; done
fi

command -v dotnet >/dev/null 2>&1 || { echo "The .NET 10 SDK is required: https://dotnet.microsoft.com/download" >&2; exit 1; }
