#!/usr/bin/env bash
# Checks docker/ without a Docker engine (none runs on the development and CI machines): the compose file is
# resolved and validated by docker-compose (Debian's package, installed when missing; it parses and checks the file
# against the Compose schema without a daemon), and the Dockerfiles are checked for what this project promises:
# a multi-stage build whose final image holds only the published app and runs as a non-root user.
# Prints "docker: N passed, N failed" and exits non-zero on a failure.
set -uo pipefail
cd "$(dirname "$0")/.."

if ! command -v docker-compose >/dev/null 2>&1; then
  echo "Installing: docker-compose"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq && "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends docker-compose >/dev/null \
    || { echo "docker: 0 passed, 1 failed (docker-compose could not be installed)"; exit 1; }
fi

passed=0 failed=0
check() { # check NAME COMMAND...
  local name=$1; shift
  local output
  if output=$("$@" 2>&1); then
    passed=$((passed + 1)); echo "ok   $name"
  else
    failed=$((failed + 1)); echo "FAIL $name"; echo "$output" | sed 's/^/     /'
  fi
}

export SCHEDULER_ADMIN_PASSWORD=check-only SCHEDULER_SIGNING_KEY=check-only-signing-key-of-32-characters
resolved=$(mktemp)
trap 'rm -f "$resolved"' EXIT
check "compose file is valid" sh -c "docker-compose -f docker/compose.yaml config > '$resolved'"
check "compose refuses to start without an admin password" \
  sh -c '! env -u SCHEDULER_ADMIN_PASSWORD docker-compose -f docker/compose.yaml config -q 2>/dev/null'

# Debian's python3 has PyYAML with docker-compose; the machine's default python3 may be another build.
/usr/bin/python3 - "$resolved" <<'PY'
import os, re, sys
import yaml

problems = []
stack = yaml.safe_load(open(sys.argv[1]))
services = stack.get("services", {})
roles = {name: (s.get("environment") or {}).get("Scheduler__Role") for name, s in services.items()}
if sorted(n for n in services if "postgres" in services[n].get("image", "")) != ["postgres"]:
    problems.append("one PostgreSQL service named 'postgres'")
if "ftp" not in services:
    problems.append("an FTP service named 'ftp'")
if list(roles.values()).count("Web") != 1:
    problems.append(f"exactly one web node (Scheduler__Role=Web), found roles {roles}")
if list(roles.values()).count("Worker") != 2:
    problems.append(f"exactly two worker-only nodes (Scheduler__Role=Worker), found roles {roles}")
for name, role in roles.items():
    if role and not os.path.isfile(os.path.join("docker", services[name]["build"]["dockerfile"].removeprefix("docker/"))):
        problems.append(f"{name}: its Dockerfile does not exist")

def stages(path):
    text = open(path).read()
    return text, re.findall(r"^FROM\s+\S+(?:\s+AS\s+(\S+))?", text, re.M | re.I)

text, names = stages("docker/Dockerfile")
final = text[[m.start() for m in re.finditer(r"^FROM ", text, re.M)][-1]:]
if len(names) < 2:
    problems.append("docker/Dockerfile: a multi-stage build")
if not re.search(r"^USER\s+(?!root\b|0\b)\S+", final, re.M):
    problems.append("docker/Dockerfile: the final stage runs as a non-root USER")
for line in re.findall(r"^(?:COPY|ADD)\s.*$", final, re.M):
    if "--from=build" not in line:
        problems.append(f"docker/Dockerfile: the final stage copies only the published app, not: {line}")
for source in re.findall(r"^COPY\s+(?!--)(.+)\s+\S+$", text, re.M):
    for path in source.split():
        if not os.path.exists(path):
            problems.append(f"docker/Dockerfile: COPY source '{path}' does not exist")
# A named volume takes the owner of the folder it is mounted on, so every volume a non-root node writes must be
# mounted on a folder the final stage creates and hands to that user.
owned = set()
for folders, owner in re.findall(r"^RUN\s+mkdir -p ([^&]+)&&\s*chown\s+(\S+)", final, re.M):
    owned.update(folders.split())
for name, role in roles.items():
    for volume in services[name].get("volumes", []):
        if isinstance(volume, str):  # docker-compose 1.x resolves to "source:target[:mode]"
            source, target, *mode = volume.split(":")
            volume = {"type": "bind" if source.startswith(("/", ".")) else "volume", "target": target, "read_only": mode == ["ro"]}
        target, read_only = volume.get("target"), volume.get("read_only", False)
        if role and volume.get("type") == "volume" and not read_only and target not in owned:
            problems.append(f"{name}: the volume on {target} needs that folder created and chowned in docker/Dockerfile")
ftp_text, _ = stages("docker/ftp/Dockerfile")
if not re.search(r"^USER\s+(?!root\b|0\b)\S+", ftp_text, re.M):
    problems.append("docker/ftp/Dockerfile: runs as a non-root USER")

for p in problems:
    print("     missing: " + p)
sys.exit(1 if problems else 0)
PY
if [[ $? -eq 0 ]]; then passed=$((passed + 1)); echo "ok   stack and Dockerfiles have the promised shape"; else failed=$((failed + 1)); echo "FAIL stack and Dockerfiles have the promised shape"; fi

echo "docker: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
