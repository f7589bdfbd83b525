#!/usr/bin/env bash
# Load figures of the reference server on its two stores (docs/deployment.md): one instance
# on SQLite, one and two instances on one PostgreSQL (a throwaway cluster, scripts/postgres.sh),
# the release build, the `load` command's clients alternating between the instances. Prints
# submissions/s, latency percentiles, lost and duplicated for each. Part of `make bench`.
set -euo pipefail
cd "$(dirname "$0")/.."

server=./target/release/antrag-server
[ -x "$server" ] || { echo "bench-instances: build the server first (make server)" >&2; exit 1; }
CLIENTS=${BENCH_LOAD_CLIENTS:-32}
PER_CLIENT=${BENCH_LOAD_SUBMISSIONS:-100}
TOKEN=bench-inbox-token-0123456789abcdef
today=$(cat tests/today.txt)
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  scripts/postgres.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start NAME [--database-url URL]: an instance with its own data directory; prints its API base.
start() {
  local name=$1; shift
  local port; port=$(free_port)
  "$server" --addr "127.0.0.1:$port" --data-dir "$work/$name" --forms-dir forms --codelists-dir codelists \
    --inbox-token "$TOKEN" --rate-limit 0 --test-only-today "$today" --test-payment-provider "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 200); do
    curl -fs "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1 && { echo "http://127.0.0.1:$port/api/v1"; return; }
    sleep 0.05
  done
  cat "$work/$name.log" >&2
  echo "bench-instances: $name did not start" >&2
  exit 1
}

load() {
  local label=$1; shift
  local args=()
  for base in "$@"; do args+=(--base-url "$base"); done
  printf '%-32s ' "$label:"
  ANTRAG_INBOX_TOKEN=$TOKEN "$server" load "${args[@]}" --clients "$CLIENTS" --submissions "$PER_CLIENT" \
    --retry-every 10 --today "$today"
}

echo "bench-instances: $CLIENTS clients × $PER_CLIENT submissions (every 10th sent twice), release build, $(nproc) cores"
sqlite=$(start sqlite)
load "SQLite, one instance" "$sqlite"

scripts/postgres.sh start "$work/pg" >/dev/null
url=$(cat "$work/pg/url")
for db in one two; do psql -q "$url" -c "CREATE DATABASE bench_$db" >/dev/null; done
one_url=${url%/postgres}/bench_one
two_url=${url%/postgres}/bench_two
pg1=$(start pg-one --database-url "$one_url")
load "PostgreSQL, one instance" "$pg1"
a=$(start pg-a --database-url "$two_url")
b=$(start pg-b --database-url "$two_url")
load "PostgreSQL, two instances" "$a" "$b"
