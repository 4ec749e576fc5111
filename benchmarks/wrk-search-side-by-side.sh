#!/usr/bin/env bash
# Searches per second of two builds side by side on this machine: each binary loads its own demo
# catalogue into a fresh data folder and serves it, rate limits off, and wrk sends the searches of
# wrk-search.lua (anonymous, facets and highlights, 32 connections, 10 s) to one, then the other,
# for ROUNDS rounds, so that both see the same machine in the same minutes.
#   git worktree add ../base <commit> && (cd ../base && cargo build --release)
#   cargo build --release
#   bash benchmarks/wrk-search-side-by-side.sh ../base/target/release/commons target/release/commons 5
set -euo pipefail
cd "$(dirname "$0")/.."
OLD="$1"
NEW="$2"
ROUNDS="${3:-5}"
LUA="benchmarks/wrk-search.lua"
WORK="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$WORK"' EXIT

# One measurement: the searches per second of a binary on its own demo catalogue.
searches_per_second() { # $1: binary, $2: port
  local data="$WORK/data-$2" server rps
  rm -rf "$data" && mkdir -p "$data"
  COMMONS_DATA_DIR="$data" RUST_LOG=warn "$1" demo >/dev/null 2>&1
  COMMONS_DATA_DIR="$data" COMMONS_LISTEN="127.0.0.1:$2" COMMONS_RATE_LIMIT__ENABLED=false \
    RUST_LOG=warn "$1" serve >/dev/null 2>&1 &
  server=$!
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$2/readyz" >/dev/null && break; sleep 0.1; done
  # A short warm-up: the index's first searches read its files.
  SHAPE=full wrk -t2 -c8 -d2s -s "$LUA" "http://127.0.0.1:$2/graphql" >/dev/null
  rps=$(SHAPE=full wrk -t2 -c32 -d10s -s "$LUA" "http://127.0.0.1:$2/graphql" |
    awk '/Requests\/sec/ {print $2}')
  kill "$server" && wait "$server" 2>/dev/null || true
  echo "$rps"
}

echo "| round | old build searches/s | new build searches/s | new / old |"
echo "| ---: | ---: | ---: | ---: |"
for round in $(seq 1 "$ROUNDS"); do
  old=$(searches_per_second "$OLD" 18091)
  new=$(searches_per_second "$NEW" 18092)
  printf '| %s | %s | %s | %s |\n' "$round" "$old" "$new" "$(awk -v a="$old" -v b="$new" 'BEGIN {printf "%.2f", b / a}')"
done
