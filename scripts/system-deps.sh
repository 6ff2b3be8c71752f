#!/usr/bin/env bash
# Install the Debian packages the tests use: LibreOffice (PDF export and round-trips;
# Calc reads the summary spreadsheets back), poppler (pdftotext, pdffonts, pdftoppm), free
# fonts standing in for the official ones, and Chromium with its WebDriver for the browser
# tests of `reportfill serve`.
set -euo pipefail
packages=(libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fontconfig fonts-noto-cjk fonts-noto-cjk-extra chromium chromium-driver
          fonts-arphic-gkai00mp fonts-lxgw-wenkai fonts-liberation2)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
  echo "Missing Debian packages: ${missing[*]} (install them as root: apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "Installing: ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
