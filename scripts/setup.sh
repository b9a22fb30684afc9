#!/usr/bin/env bash
# Install everything Kolejka needs on a Debian machine, idempotently:
# system packages (speech, QR decoding, browser for tests, fonts, Qt's libraries) and a
# virtual environment in .venv with the project and its extras.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  espeak-ng libespeak-ng1 sox alsa-utils            # speech (pyttsx3 → espeak-ng) and audio tools
  zbar-tools libzbar0                               # independent QR decoding in tests
  ghostscript                                       # printed-PDF confirmation test
  slapd ldap-utils                                  # a private OpenLDAP for the directory sign-in tests
  openssl                                           # the test mail server's STARTTLS certificate
  chromium                                          # web board and status page tests
  fonts-dejavu-core                                 # Polish and Cyrillic on tickets and screens
  # Qt 6: every library its xcb platform plugin links (`ldd .venv/lib/python3*/site-packages/
  # PySide6/Qt/plugins/platforms/libqxcb.so`), so the apps open on a real display, not only offscreen
  libegl1 libgl1 libglx0 libglvnd0 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0
  libx11-6 libx11-xcb1 libxau6 libxdmcp6 libxkbcommon0 libxkbcommon-x11-0
  libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1
  libxcb-xfixes0 libxcb-xkb1
  xvfb
)

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "Installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  # slapd: no system directory of its own (the tests start a private one)
  echo "slapd slapd/no_configuration boolean true" | $SUDO debconf-set-selections 2>/dev/null || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
stamp=.venv/.kolejka-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[all,test]"
  touch "$stamp"
fi

# axe-core for the web pages' accessibility tests (tests/web/), from the npm registry into a
# project-local folder that git ignores; Node and npm from Debian when the machine lacks them.
AXE_VERSION=4.10.3
if ! grep -qs "\"version\": \"$AXE_VERSION\"" .tools/node_modules/axe-core/package.json; then
  if ! command -v npm >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "Installing Debian packages: nodejs npm"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  mkdir -p .tools
  npm install --silent --no-audit --no-fund --prefix .tools "axe-core@$AXE_VERSION"
fi
