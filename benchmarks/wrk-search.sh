#!/usr/bin/env bash
# Searches alone: `searchTools` with facets and highlights, as the load benchmark asks it, with
# wrk (32 connections, 10 s, the load generator on the same cores) against the demo catalogue,
# anonymous and signed in, rotating through queries in the four languages. Needs the release
# binary (cargo build --release) and wrk (apt-get install wrk).
#   bash benchmarks/wrk-search.sh            # the table
#   PROFILE=1 bash benchmarks/wrk-search.sh  # and perf record of the server (perf.data here)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${CARGO_TARGET_DIR:-target}/release/commons"
DATA="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$DATA"' EXIT

LUA="benchmarks/wrk-search.lua"

COMMONS_DATA_DIR="$DATA" RUST_LOG=warn "$BIN" demo >/dev/null 2>&1
TOKEN_STAFF=$(COMMONS_DATA_DIR="$DATA" "$BIN" token --org acerta --role STAFF)
COMMONS_DATA_DIR="$DATA" COMMONS_LISTEN=127.0.0.1:18081 COMMONS_RATE_LIMIT__ENABLED=false \
  RUST_LOG=warn "$BIN" serve >/dev/null 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:18081/readyz >/dev/null && break; sleep 0.1; done
curl -sf -H "Authorization: Bearer $TOKEN_STAFF" -H 'Content-Type: application/json' \
  -d '{"query":"{ __typename }"}' http://127.0.0.1:18081/graphql >/dev/null

run() { # $1: label
  local out rps p50 p99
  out=$(wrk -t2 -c32 -d10s --latency -s "$LUA" http://127.0.0.1:18081/graphql)
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  printf '| %s | %s | %s | %s |\n' "$1" "$rps" "$p50" "$p99"
}

echo "| search | requests/s | p50 | p99 |"
echo "| --- | --- | --- | --- |"
if [ -n "${PROFILE:-}" ]; then
  perf record -F 499 --call-graph dwarf,16384 -p "$SERVER" -o perf.data -- sleep 10 >/dev/null 2>&1 &
fi
SHAPE=full TOKEN= run "anonymous, facets and highlights"
wait_profile() { [ -n "${PROFILE:-}" ] && wait %2 2>/dev/null || true; }
wait_profile
SHAPE=full TOKEN="$TOKEN_STAFF" run "signed in, facets and highlights"
SHAPE=facets TOKEN= run "anonymous, facets, no highlights"
SHAPE=bare TOKEN= run "anonymous, ids only"
