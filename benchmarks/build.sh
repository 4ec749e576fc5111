#!/usr/bin/env bash
# Build figures for benchmarks/build.md: how long an edit takes to become a binary and a test run.
#
#   benchmarks/build.sh CHECKOUT [OUT]
#
# Run it on two checkouts (this one and a `git worktree` of the commit before) one after the
# other, on the same machine and with the same CARGO_TARGET_DIR, so that the dependencies are
# built once and only the workspace's own crates differ. Each figure is one edit: a comment line
# appended to a file of the layer named, then the build it forces; the checkout's files are put
# back at the end. Writes `name seconds` lines to OUT (default: stdout).
set -euo pipefail
checkout="$(cd "$1" && pwd)"
out="${2:-/dev/stdout}"
cd "$checkout"
export CARGO_TERM_COLOR=never

# Where each layer lives, before and after the crates by layer.
first() { for f in "$@"; do [ -e "$f" ] && { echo "$f"; return; }; done; echo "none of $*" >&2; exit 1; }
template="$(first web/templates/tool.html api/templates/tool.html)"
page_handler="$(first web/src/tool_page.rs api/src/web/tool_page.rs)"
domain_rule="$(first domain/src/workflow.rs api/src/domain/workflow.rs)"
resolver="$(first graphql/src/tool.rs api/src/graphql/tool.rs)"

edited=()
edit() {
  case "$1" in
    *.html) printf '\n{# build.sh %s #}\n' "$RANDOM" >>"$1" ;;
    *) printf '\n// build.sh %s\n' "$RANDOM" >>"$1" ;;
  esac
  edited+=("$1")
}
restore() { [ ${#edited[@]} -eq 0 ] || git checkout -- "${edited[@]}"; }
trap restore EXIT

seconds() { # name command...
  local name="$1"; shift
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  printf '%s %.1f\n' "$name" "$(echo "$end - $start" | bc)" >>"$out"
}

# Warm: everything built once, untimed.
cargo build -p commons-api --bin commons >/dev/null 2>&1
cargo test --workspace --no-run >/dev/null 2>&1

for layer in template page_handler domain_rule resolver; do
  edit "${!layer}"
  seconds "debug_build_after_${layer}" cargo build -p commons-api --bin commons
done
# What an edit costs before its tests can run: every test binary links the service again.
edit "$page_handler"
seconds "test_build_after_page_handler" cargo test --workspace --no-run
restore
edited=()
cargo test --workspace --no-run >/dev/null 2>&1
seconds "test_run_warm_sqlite" cargo test --workspace
