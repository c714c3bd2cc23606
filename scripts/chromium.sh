#!/usr/bin/env bash
# Make sure Debian's chromium is installed for the browser tests (never a downloaded browser).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
echo "==> Installing Debian's chromium for the browser tests"
if [ "$(id -u)" -ne 0 ]; then
  echo "ERROR: /usr/bin/chromium is missing; install it with: sudo apt-get install -y chromium" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
[ -x /usr/bin/chromium ] || { echo "ERROR: chromium could not be installed" >&2; exit 1; }
