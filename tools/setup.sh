#!/usr/bin/env bash
# Sets up a machine for Gridline: Debian packages (when root), the virtualenv, the Python
# packages pinned in pyproject.toml, and the compiled translations.
set -euo pipefail
VENV=${1:-.venv}
cd "$(dirname "$0")/.."

# Qt's xcb platform under Xvfb, QtWebEngine's runtime libraries, CJK fonts, Xvfb itself;
# Chromium for the phone web app's browser test (Playwright drives it; it downloads no browser).
DEB_PACKAGES=(xvfb xauth fonts-noto-cjk
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
  libxcb-shape0 libxcb-xinerama0 libxkbcommon-x11-0 libegl1 libgl1 libnss3 libxcomposite1
  libxdamage1 libxrandr2 libxtst6 libxkbfile1 libasound2 libxshmfence1 libgbm1
  libfontconfig1 libdbus-1-3 chromium
  libpulse0)  # QtMultimedia (the urgent-incident sound); without it the console beeps instead

if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for p in "${DEB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    if [ "$(id -u)" = 0 ]; then
      echo "setup: installing Debian packages: ${missing[*]}"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      echo "setup: missing Debian packages; run as root:" >&2
      echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
      exit 1
    fi
  fi
fi

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
"$PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' || {
  echo "setup: Gridline needs Python 3.11 (found $("$PYTHON" --version))" >&2; exit 1; }

[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q -e '.[dev]'
"$VENV/bin/python" -m tools.translations compile
echo "setup: ready ($VENV)"
