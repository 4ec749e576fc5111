#!/usr/bin/env bash
# The cost of a signed-in request: `{ __typename }` with wrk (32 connections, 10 s, the load
# generator on the same cores), anonymous, signed in, and signed in with the identity cache off.
# Needs the release binary (cargo build --release) and wrk (apt-get install wrk).
#   bash benchmarks/wrk-typename.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${CARGO_TARGET_DIR:-target}/release/commons"
DATA="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$DATA"' EXIT

LUA="$DATA/typename.lua"
cat > "$LUA" <<'LUA'
wrk.method = "POST"
wrk.body = '{"query":"{ __typename }"}'
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
LUA

serve() { # $1: identity cache seconds
  COMMONS_DATA_DIR="$DATA" COMMONS_LISTEN=127.0.0.1:18080 COMMONS_RATE_LIMIT__ENABLED=false \
  COMMONS_AUTH__IDENTITY_CACHE_SECONDS="$1" RUST_LOG=warn "$BIN" serve >/dev/null 2>&1 &
  for _ in $(seq 1 100); do curl -sf http://127.0.0.1:18080/readyz >/dev/null && return; sleep 0.1; done
  echo "the server did not start" >&2; exit 1
}

run() { # $1: label
  local rps
  rps=$(wrk -t2 -c32 -d10s -s "$LUA" http://127.0.0.1:18080/graphql | awk '/Requests\/sec/ {print $2}')
  printf '| %s | %s |\n' "$1" "$rps"
}

COMMONS_DATA_DIR="$DATA" RUST_LOG=warn "$BIN" demo >/dev/null 2>&1
TOKEN_STAFF=$(COMMONS_DATA_DIR="$DATA" "$BIN" token --org acerta --role STAFF)
# The person must exist before the measurement: a first request records them.
echo "| request | requests/s |"
echo "| --- | --- |"
serve 30
curl -sf -H "Authorization: Bearer $TOKEN_STAFF" -H 'Content-Type: application/json' \
  -d '{"query":"{ __typename }"}' http://127.0.0.1:18080/graphql >/dev/null
TOKEN= run "anonymous"
TOKEN="$TOKEN_STAFF" run "signed in (identity cache on, 30 s)"
kill %1; wait %1 2>/dev/null || true
serve 0
TOKEN="$TOKEN_STAFF" run "signed in (identity cache off)"
