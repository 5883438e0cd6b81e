#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: its own data folder in a temporary directory, trust
# authentication on 127.0.0.1 only, at a free port; gone with its data when stopped.
#
#   source scripts/postgres.sh start   # starts it and exports KRUGER_TEST_POSTGRES_URL (and KRUGER_TEST_POSTGRES_DIR)
#   source scripts/postgres.sh stop    # stops the server that start exported, and removes its folder
#
# Run instead of sourced, `start` prints the export lines (eval "$(bash scripts/postgres.sh start)") and
# `stop` takes the folder from KRUGER_TEST_POSTGRES_DIR. PostgreSQL's server programs are taken from
# /usr/lib/postgresql/*/bin (the newest), installed with Debian's postgresql package if missing (as root).
# The server refuses to run as root: as root, it runs as the package's `postgres` user.
# The work runs in a subshell, so that sourcing the script changes nothing in the caller's shell but the exports.

postgres_bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$found" ] || [ ! -x "$found/pg_ctl" ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "postgres.sh: PostgreSQL's server is not installed: install Debian's postgresql package" >&2
      return 1
    fi
    echo "postgres.sh: installing Debian's postgresql package" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2 || return 1
    found=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$found"
}

as_server_user() {
  if [ "$(id -u)" = 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

postgres_start() (
  set -euo pipefail
  local bin folder port
  bin=$(postgres_bin)
  folder=$(mktemp -d -t kruger-postgres-XXXXXX)
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$folder"
  fi
  as_server_user "$bin/initdb" --pgdata="$folder/data" --username=postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  port=$(free_port)
  # -w: pg_ctl returns once the server accepts connections (or fails after --timeout seconds)
  as_server_user "$bin/pg_ctl" start --pgdata="$folder/data" --log="$folder/server.log" --wait --timeout=60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$folder'" >/dev/null || {
    cat "$folder/server.log" >&2
    return 1
  }
  echo "export KRUGER_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
  echo "export KRUGER_TEST_POSTGRES_DIR=$folder"
  echo "postgres.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') at 127.0.0.1:$port, data in $folder" >&2
)

postgres_stop() (
  set -euo pipefail
  local folder=${KRUGER_TEST_POSTGRES_DIR:-}
  if [ -z "$folder" ] || [ ! -d "$folder/data" ]; then
    echo "postgres.sh: no server to stop (KRUGER_TEST_POSTGRES_DIR names none)" >&2
    return 0
  fi
  as_server_user "$(postgres_bin)/pg_ctl" stop --pgdata="$folder/data" --mode=fast --wait >/dev/null
  rm -rf "$folder"
  echo "unset KRUGER_TEST_POSTGRES_URL KRUGER_TEST_POSTGRES_DIR"
)

postgres_main() {
  local exports
  case "${1:-}" in
    start) exports=$(postgres_start) || return 1 ;;
    stop) exports=$(postgres_stop) || return 1 ;;
    *)
      echo "usage: source scripts/postgres.sh start|stop" >&2
      return 2
      ;;
  esac
  if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    [ -z "$exports" ] || echo "$exports"
  else
    eval "$exports"
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  postgres_main "$@"
else
  postgres_main "$@" || return $?
fi
