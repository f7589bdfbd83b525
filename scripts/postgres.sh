#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (docs/testing.md): nothing is installed as a
# service and nothing outside DIR and a temporary directory is touched.
#
#   scripts/postgres.sh start DIR   start a cluster, write its connection string to DIR/url
#   scripts/postgres.sh stop DIR    stop it and delete its files
#
# It listens on 127.0.0.1 on a free port and trusts local connections (a test cluster only).
# As root (CI) the server runs as Debian's `postgres` user, as PostgreSQL refuses root.
set -euo pipefail

die() { echo "postgres.sh: $*" >&2; exit 1; }
[ $# -eq 2 ] || die "usage: scripts/postgres.sh start|stop DIR"
action=$1 dir=$2
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1)" 2>/dev/null || true)
if [ ! -x "$bin/initdb" ]; then
  bin=$(dirname "$(command -v initdb 2>/dev/null)" 2>/dev/null || true)
fi
[ -x "$bin/initdb" ] || die "PostgreSQL's initdb was not found; install Debian's postgresql package (make bootstrap does)"

as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

stop() {
  [ -f "$dir/cluster" ] || return 0
  local data; data=$(cat "$dir/cluster")
  as_owner "$bin/pg_ctl" -D "$data/db" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$data" "$dir/cluster" "$dir/url"
}

case $action in
  start)
    stop
    # The cluster's files live where its owner may go (a root-owned checkout may not let
    # the postgres user in).
    data=$(mktemp -d /tmp/antrag-pg.XXXXXX)
    echo "$data" > "$dir/cluster"
    [ "$(id -u)" = 0 ] && chown postgres "$data"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    user=$(if [ "$(id -u)" = 0 ]; then echo postgres; else id -un; fi)
    as_owner "$bin/initdb" -D "$data/db" -U "$user" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$data/initdb.log" 2>&1 \
      || { cat "$data/initdb.log" >&2; die "initdb failed"; }
    as_owner "$bin/pg_ctl" -D "$data/db" -l "$data/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c max_connections=300" start >/dev/null \
      || { cat "$data/server.log" >&2; die "the test cluster did not start"; }
    echo "postgres://$user@127.0.0.1:$port/postgres" > "$dir/url"
    echo "postgres.sh: test cluster on 127.0.0.1:$port (files in $data)"
    ;;
  stop) stop ;;
  *) die "unknown action \"$action\"; use start or stop" ;;
esac
