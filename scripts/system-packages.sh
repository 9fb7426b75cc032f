#!/usr/bin/env bash
# Make sure the non-Python things partycard needs are on this machine.
#   scripts/system-packages.sh run   -> what serving and printing need (CJK font, Pango)
#   scripts/system-packages.sh test  -> also what the test suite needs (Chromium, poppler)
# Installs them with apt-get when it can (root or passwordless sudo on Debian/Ubuntu);
# otherwise stops with the command to run by hand.
set -euo pipefail
purpose="${1:-run}"

missing=()
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-noto-cjk)
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
# WeasyPrint subsets fonts with HarfBuzz; without it, it warns (an error under our pytest settings).
ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || missing+=(libharfbuzz-subset0)
if [ "$purpose" = test ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo -n"
if command -v apt-get >/dev/null 2>&1 && { [ -z "$sudo" ] || sudo -n true 2>/dev/null; }; then
  echo "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
  fc-cache -f >/dev/null 2>&1 || true
  exit 0
fi
echo "partycard needs these system packages: ${missing[*]}" >&2
echo "Install them, e.g. on Debian/Ubuntu: sudo apt-get install ${missing[*]}" >&2
echo "(fonts-noto-cjk is the CJK font printing needs; any font with Chinese glyphs will do:" >&2
echo " see docs/print.md)" >&2
exit 1
