#!/bin/sh
# Makes sure Debian's Chromium is installed: the editor browser check (test/e2e/editor.e2e.test.ts) drives
# /usr/bin/chromium through playwright-core and never downloads a browser. A no-op when it is there.
set -eu
if [ -x /usr/bin/chromium ]; then
	exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
	SUDO="sudo"
fi
echo "[ensure-chromium] installing Debian's chromium package (apt-get) ..." >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium
test -x /usr/bin/chromium
