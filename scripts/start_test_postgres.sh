#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster for the `postgres` tests and print its SQLAlchemy URL.
#
#   export SOURCELIGHT_TEST_PG_URL="$(scripts/start_test_postgres.sh)"
#   .venv/bin/python -m pytest -m postgres
#   scripts/start_test_postgres.sh stop            # stops the cluster this script started last
#
# Uses Debian's packages (PostgreSQL 15: binaries in /usr/lib/postgresql/15/bin), installing them
# with apt-get when missing. The cluster lives in a fresh folder under /tmp (or $SOURCELIGHT_PG_DIR),
# listens on 127.0.0.1 only, on a free port, with "trust" authentication: it is for tests, never
# for data anyone wants to keep. Every message goes to standard error; standard output carries the
# URL alone, so that the line above works. As root, initdb and postgres run as the `postgres` user
# (PostgreSQL refuses to run as root).
set -euo pipefail

PG_VERSION="${SOURCELIGHT_PG_VERSION:-15}"
BIN="/usr/lib/postgresql/${PG_VERSION}/bin"
STATE_FILE="/tmp/sourcelight-test-pg.current"   # remembers the last cluster, for `stop`

log() { echo "start_test_postgres: $*" >&2; }

as_pg() {
  # Run a command as the cluster's owner: the postgres user when we are root, else ourselves.
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if [ "${1:-}" = "stop" ]; then
  dir="${2:-$(cat "$STATE_FILE" 2>/dev/null || true)}"
  if [ -z "$dir" ] || [ ! -d "$dir/data" ]; then
    log "no cluster to stop (give its folder: $0 stop DIR)"
    exit 1
  fi
  as_pg "$BIN/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  rm -rf "$dir"
  rm -f "$STATE_FILE"
  log "stopped and removed $dir"
  exit 0
fi

if [ ! -x "$BIN/initdb" ]; then
  log "PostgreSQL ${PG_VERSION} binaries not found in $BIN: installing Debian's postgresql package"
  if [ "$(id -u)" -ne 0 ]; then
    log "not root: cannot apt-get install; install the postgresql package first"
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi
if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  log "the postgres user is missing (the Debian package creates it): reinstall postgresql"
  exit 1
fi

free_port() {
  # Ask the kernel for a free port on 127.0.0.1; fall back to probing from 54329 upwards.
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local p=54329
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}

dir="${SOURCELIGHT_PG_DIR:-$(mktemp -d /tmp/sourcelight-pg.XXXXXX)}"
mkdir -p "$dir"
chmod 755 "$dir"
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi

as_pg "$BIN/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; log "initdb failed"; exit 1; }

port="$(free_port)"
# Socket in the cluster's folder (not /var/run/postgresql, which may not exist); fsync off because
# the data is thrown away and the tests should not wait on the disk.
as_pg "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c fsync=off -c max_connections=200" start >&2 \
  || { cat "$dir/server.log" >&2; log "the server did not start"; exit 1; }

echo "$dir" >"$STATE_FILE"
log "PostgreSQL ${PG_VERSION} running in $dir on 127.0.0.1:$port (stop: $0 stop $dir)"
echo "postgresql+psycopg://postgres@127.0.0.1:${port}/postgres"
