# Shared helpers for the project's shell scripts. Source it; do not run it.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$ROOT/.local"
export UV_PYTHON_DOWNLOADS=never
export UV_PROJECT_ENVIRONMENT="${UV_PROJECT_ENVIRONMENT:-$ROOT/.venv}"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# uv: use a working one from PATH, otherwise install it once into .local/tools (from PyPI).
uv_bin() {
  if [ -x "$LOCAL/tools/bin/uv" ]; then echo "$LOCAL/tools/bin/uv"; return; fi
  if command -v uv >/dev/null 2>&1 && (cd "$ROOT" && uv --version >/dev/null 2>&1); then
    command -v uv; return
  fi
  say "Installing uv into .local/tools"
  mkdir -p "$LOCAL"
  (cd "$ROOT" && python3 -m venv "$LOCAL/tools") || die "python3 -m venv failed (is python3-venv installed?)"
  "$LOCAL/tools/bin/pip" install --quiet --disable-pip-version-check 'uv==0.13.9' \
    || die "could not install uv from PyPI"
  echo "$LOCAL/tools/bin/uv"
}

APT_UPDATED=0
# apt_ensure <command> <debian-package>: install the package when the command is missing.
apt_ensure() {
  local cmd="$1" pkg="$2"
  if command -v "$cmd" >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" != "0" ]; then
    die "'$cmd' is missing; install the Debian package '$pkg' (sudo apt-get install $pkg) and retry"
  fi
  say "Installing Debian package $pkg"
  if [ "$APT_UPDATED" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || die "apt-get update failed"
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null \
    || die "apt-get install $pkg failed"
}

# Install the Python environment exactly as locked.
python_env() {
  local uv; uv="$(uv_bin)"
  say "Python environment (uv sync --locked)"
  (cd "$ROOT" && "$uv" sync --locked --quiet) || die "uv sync --locked failed"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
