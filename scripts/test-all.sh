#!/bin/sh
# `npm test`: build, lint, typecheck, unit + integration, then the real-n8n end-to-end suite.
#
# The slow installs the end-to-end suite needs (n8n 1.x and 2.x from npm, Debian's Chromium, Redis and
# PostgreSQL) are network and disk bound, so they start first, in the background, and overlap with the
# build and the unit tests instead of adding ~13 minutes after them on a cold machine. Their output goes
# to .test-logs/; it is printed if they fail. Both n8n lines install at once (separate dirs and locks).
set -eu
cd "$(dirname "$0")/.."
mkdir -p .test-logs
start=$(date +%s)
stamp() { echo "[test-all] $1 after $(( $(date +%s) - start )) s"; }

( node scripts/n8n/install.mjs 1 > .test-logs/n8n-install-1.log 2>&1 ) & line1=$!
( node scripts/n8n/install.mjs 2 > .test-logs/n8n-install-2.log 2>&1 ) & line2=$!
# apt holds one lock: Chromium, then the queue services, one after the other
( sh scripts/ensure-chromium.sh && sh scripts/ensure-queue-services.sh ) > .test-logs/apt.log 2>&1 & apt=$!

npm run build
npm run lint
npm run typecheck
stamp "build, lint, typecheck"
# Two workers on two cores: jest's default (cores - 1) runs the files one after the other, and most
# of the suite waits on timers and loopback servers (retry waits, deadlines, stalls), not on the CPU.
npx jest --maxWorkers=2
stamp "unit + integration"

for job in "$line1:n8n-install-1" "$line2:n8n-install-2" "$apt:apt"; do
	pid=${job%%:*}
	name=${job#*:}
	if ! wait "$pid"; then
		echo "[test-all] $name failed; its log:" >&2
		cat ".test-logs/$name.log" >&2
		exit 1
	fi
done
stamp "installs for the end-to-end suite"
npm run test:e2e
stamp "end-to-end"
