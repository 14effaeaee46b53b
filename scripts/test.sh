#!/usr/bin/env bash
# Runs Tandem's whole test suite, stopping at the first failure, and ends with one line
# `tandem: N passed, N failed`. Installs what it needs first (see scripts/setup.sh).
#
# Steps: format; clippy (host, wasm32); the rules doc is current; cargo test (workspace);
# wasm-bindgen tests of engine and web in headless Chromium; a release build of the console
# with trunk and the size of its .wasm; the end-to-end browser test against that build; cfn-lint and checkov over the
# golden templates; a short smoke of every fuzz target.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
tandem_setup --all
cd "$TANDEM_ROOT"

# Everything the suite builds goes to its own folder, never to what `scripts/serve.sh` serves
# and watches (`dist/`), so the two can run at the same time in one checkout.
SUITE_DIR="${TANDEM_SUITE_DIR:-$TANDEM_ROOT/target/suite}"
LOG_DIR="${TANDEM_LOG_DIR:-$SUITE_DIR/logs}"
mkdir -p "$LOG_DIR"
PASSED=0
FAILED=0
START=$(date +%s)

summary() {
  echo
  echo "tandem: $PASSED passed, $FAILED failed"
}

# step NAME COMMAND...: runs a command; a check that is not a test runner counts as one test.
# TANDEM_FROM=NAME skips the steps before NAME (to go on after fixing a failure; CI never sets it).
FROM="${TANDEM_FROM:-}"
step() {
  local name="$1"
  shift
  if [ -n "$FROM" ] && [ "$name" != "$FROM" ]; then
    echo "   skipped: $name (TANDEM_FROM=$FROM)"
    return 0
  fi
  FROM=""
  local log="$LOG_DIR/$name.log"
  local t0
  t0=$(date +%s)
  printf '\033[1m== %s\033[0m\n' "$name"
  if "$@" >"$log" 2>&1; then
    local counted
    counted=$(count_tests "$log")
    if [ "$counted" -gt 0 ]; then
      PASSED=$((PASSED + counted))
      echo "   ok: $counted tests ($(($(date +%s) - t0)) s)"
    else
      PASSED=$((PASSED + 1))
      echo "   ok ($(($(date +%s) - t0)) s)"
    fi
  else
    local failed
    failed=$(count_failed "$log")
    FAILED=$((FAILED + (failed > 0 ? failed : 1)))
    PASSED=$((PASSED + $(count_tests "$log")))
    tail -n 80 "$log"
    echo "   FAILED: $name (full log: $log)"
    summary
    exit 1
  fi
}

# Sums the passed counts of every `test result:` line (cargo test, wasm-bindgen-test).
count_tests() {
  { grep -Eo 'test result: [A-Za-z]+\. [0-9]+ passed' "$1" || true; } |
    awk '{ s += $4 } END { print s + 0 }'
}

count_failed() {
  { grep -Eo '[0-9]+ failed' "$1" || true; } | awk '{ s += $1 } END { print s + 0 }'
}

step fmt cargo fmt --all -- --check
step clippy-host cargo clippy --workspace --all-targets -- -D warnings
step clippy-wasm32 cargo clippy -p tandem-engine -p tandem-web -p tandem-tests --all-targets \
  --target wasm32-unknown-unknown -- -D warnings
step cargo-test cargo test --workspace
step cli-validators cargo test -p tandem-cli --test cli -- --ignored
step wasm-test-engine wasm-pack test --headless --chrome engine --features ffi
step wasm-test-web wasm-pack test --headless --chrome web
step wasm-test-fixtures wasm-pack test --headless --chrome tests
step js-package wasm-pack build engine --profile wasm-release --target web --out-dir "$SUITE_DIR/pkg" -- --features ffi
# A newcomer runs `scripts/serve.sh` and this suite at the same time: so does the suite. The
# console is served (and built into dist/) while the suite builds its own copy and runs the
# end-to-end tests against it; afterwards the served console must still answer.
SERVE_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SERVE_LOG="$LOG_DIR/serve.log"
TANDEM_PORT="$SERVE_PORT" setsid bash scripts/serve.sh >"$SERVE_LOG" 2>&1 &
SERVE_PID=$!
stop_serve() { kill -- "-$SERVE_PID" 2>/dev/null || true; }
trap stop_serve EXIT
step trunk-build trunk build --release --offline --dist "$SUITE_DIR/dist"
# The console's .wasm, as a browser downloads it (gzip -9): printed, and held under a ceiling
# so it can only shrink (the goal is 350 KB; the ceiling follows each cut).
WASM_GZ_CEILING=${WASM_GZ_CEILING:-660000}
wasm_size() {
  local wasm raw gz
  wasm=$(ls "$SUITE_DIR"/dist/*.wasm)
  raw=$(wc -c <"$wasm")
  gz=$(gzip -9 -c "$wasm" | wc -c)
  echo "wasm: $raw bytes, $gz gzipped (ceiling $WASM_GZ_CEILING, goal 350000)"
  # A WebAssembly module starts with `\0asm`: a half-written file does not.
  [ "$(head -c 4 "$wasm" | od -An -tx1 | tr -d ' \n')" = "0061736d" ] || {
    echo "$wasm is not a WebAssembly module"
    return 1
  }
  [ "$gz" -le "$WASM_GZ_CEILING" ]
}
step wasm-size wasm_size
echo "   $(tail -n 1 "$LOG_DIR/wasm-size.log")"
step e2e env TANDEM_DIST="$SUITE_DIR/dist" cargo test -p tandem-tests --test e2e -- --ignored --test-threads=1
served_alongside() {
  local i
  for i in $(seq 1 300); do
    if curl -sf "http://127.0.0.1:$SERVE_PORT/" | grep -q 'boot.js'; then
      echo "serve.sh answered on port $SERVE_PORT while the suite ran (after the e2e tests, +$i s)"
      return 0
    fi
    kill -0 "$SERVE_PID" 2>/dev/null || { cat "$SERVE_LOG"; return 1; }
    sleep 1
  done
  cat "$SERVE_LOG"
  return 1
}
step serve-alongside served_alongside
stop_serve
# The golden templates (every preset, every stack) must pass the validators users run:
# cfn-lint with no error and no warning, checkov with no failed check (skips carry reasons).
step cfn-lint "$CFN_LINT" --format parseable -- tests/golden/*/*.template.json
step checkov "$CHECKOV" --quiet --compact --framework cloudformation --skip-download -d tests/golden
# Every fuzz target for a few seconds on the committed corpus (nightly, cargo-fuzz); a crash
# fails the suite. Campaigns: scripts/fuzz.sh, figures in docs/fuzzing.md.
step fuzz-smoke bash scripts/fuzz-smoke.sh

echo "   total time: $(($(date +%s) - START)) s"
summary
