#!/usr/bin/env bash
# Installs the Debian packages that the PDFs and the browser tests need, where they are missing:
# Chromium (headless browser tests, driven by Playwright; never `playwright install`), a CJK font
# (Chinese in PDFs and screenshots), poppler-utils (PDF to text/PNG in tests) and libharfbuzz-subset0
# (WeasyPrint font subsetting) and gettext (msgfmt compiles the English catalogue). Called by `make demo` and `make test`; does nothing when all are there.
set -euo pipefail

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

missing=()
installed chromium || command -v chromium >/dev/null 2>&1 || missing+=(chromium)
installed fonts-noto-cjk || missing+=(fonts-noto-cjk)
installed poppler-utils || command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
installed libharfbuzz-subset0 || missing+=(libharfbuzz-subset0)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: not a Debian/Ubuntu system; install these yourself: ${missing[*]}" >&2
  exit 0
fi

sudo=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo)
  else
    echo "system-deps: missing ${missing[*]}; run as root, or: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
    exit 0
  fi
fi

# Another apt (a second `make` target started at the same time on a new machine) holds dpkg's lock for
# the minutes its install takes: wait for it rather than fail.
lock=(-o DPkg::Lock::Timeout=900)
echo "system-deps: installing ${missing[*]} (apt-get)"
"${sudo[@]}" apt-get "${lock[@]}" update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get "${lock[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system-deps: done"
