#!/bin/sh
# Makes sure the servers of the queue-mode e2e suite (test/e2e/queue.e2e.test.ts) are installed:
# Redis (`redis-server`) and PostgreSQL, both from Debian's packages. Idempotent: does nothing when
# both are there. The suite starts its own throwaway servers on loopback ports with data in temp
# dirs; this script only installs. It never starts or enables the system services.
set -eu

have_redis() { command -v redis-server >/dev/null 2>&1; }
have_postgres() { ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }

if have_redis && have_postgres; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo -n"
else
  echo "ensure-queue-services: redis-server or PostgreSQL missing and no root/sudo to install them;" >&2
  echo "  install the Debian packages redis-server and postgresql, or skip the queue suite (E2E_QUEUE=0)." >&2
  exit 1
fi

packages=""
have_redis || packages="$packages redis-server"
have_postgres || packages="$packages postgresql"
echo "ensure-queue-services: installing$packages" >&2
# policy-rc.d 101: the packages must not start their system services (the suite runs its own).
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod +x "$policy"
  created_policy=1
fi
cleanup() { if [ "$created_policy" -eq 1 ]; then $SUDO rm -f "$policy"; fi; }
trap cleanup EXIT
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages >&2
have_redis && have_postgres
