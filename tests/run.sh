#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine with Python 3.11: installs what it needs
# (Dovecot, PostgreSQL and Chromium from Debian when missing, the Python packages from
# pyproject.toml into .venv), checks the code with ruff, then runs pytest. Extra arguments go
# to pytest.
#
# PYTHON_VERSION=3.13 runs it on another Python, in its own .venv-3.13: found on PATH, under
# pyenv, from Debian, or else installed with uv (see find_python).
set -euo pipefail
cd "$(dirname "$0")/.."

# The browser tests drive Debian's Chromium through Playwright; Playwright's own browser
# builds are never downloaded.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

missing=()
command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)  # the TLS tests' certificate
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)  # tests/browser
# WeasyPrint (the report as PDF) lays text out with pango; DejaVu has every Dutch letter.
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)  # the ocr extra reads scans
compgen -G "/usr/share/tesseract-ocr/*/tessdata/nld.traineddata" >/dev/null || missing+=(tesseract-ocr-nld)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)  # checks deploy/systemd/*.service
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing from Debian: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The interpreter for a version: on PATH, under pyenv, from Debian (trixie and later have
# 3.13), or else a standalone build installed by uv (bookworm has only 3.11).
find_python() {
  local version="$1" candidate
  # pyenv's shim for a version it does not have selected fails when run: try before trusting
  if "python$version" -c "" >/dev/null 2>&1; then command -v "python$version"; return; fi
  for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$version".*/bin/"python$version"; do
    if [ -x "$candidate" ]; then echo "$candidate"; return; fi
  done
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if apt-cache show "python$version-venv" >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
      "python$version" "python$version-venv" >/dev/null
    command -v "python$version"; return
  fi
  [ -x .venv-uv/bin/uv ] || { python3 -m venv .venv-uv && .venv-uv/bin/pip install -q uv; } >&2
  .venv-uv/bin/uv python install -q "$version" >&2
  .venv-uv/bin/uv python find "$version"
}

version="${PYTHON_VERSION:-3.11}"
venv=".venv"
[ "$version" = "3.11" ] || venv=".venv-$version"
python="${PYTHON:-$(find_python "$version")}"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check -e '.[test,ocr]'

"$venv/bin/ruff" check .
"$venv/bin/ruff" format --check .
exec "$venv/bin/python" -m pytest "$@"
