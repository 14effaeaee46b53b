#!/usr/bin/env bash
# Serves the Tandem console at http://127.0.0.1:8080 (TANDEM_PORT to change), opening on the
# reference topology. Installs what it needs first (the wasm32 target, wasm-bindgen, trunk,
# wasm-opt). Builds into `dist/` with cargo's output in `target/serve/`, neither of which the
# test suite touches (it builds into target/suite/ and target/), so `scripts/test.sh` can run
# at the same time.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$TANDEM_ROOT"
PORT="${TANDEM_PORT:-8080}"
# Cargo's output of its own, always: trunk writes wasm-bindgen's output under cargo's target
# folder (`wasm-bindgen/release/`), so a second trunk on the same folder (the suite's build)
# could read a file this one is writing, and ship a .wasm of zeros.
export CARGO_TARGET_DIR="$TANDEM_ROOT/target/serve"

# The console's own compile needs only the wasm32 target: on a fresh machine it runs while the
# tools compile, and trunk's cargo call then finds it done (same command, same profile: index.html
# names `wasm-release` for trunk's release builds).
have_wasm_target || logged install_wasm_target install_wasm_target
mkdir -p "$SETUP_LOGS"
console_log="$SETUP_LOGS/console-build.log"
say "in the background: the console's release build (log: $console_log)"
cargo build --target=wasm32-unknown-unknown --manifest-path web/Cargo.toml --bin tandem-web \
  --profile wasm-release >"$console_log" 2>&1 &
console_build=$!
if ! tandem_setup --web; then
  kill "$console_build" 2>/dev/null || true
  exit 1
fi
if ! wait "$console_build"; then
  tail -n 60 "$console_log" >&2
  say "FAILED: the console's release build (full log: $console_log)"
  exit 1
fi

# trunk refuses a watch-ignore path that does not exist (Trunk.toml lists generated folders).
mkdir -p dist engine/pkg tests/artifacts target
echo "Tandem console: http://127.0.0.1:$PORT  (building first; Ctrl-C stops it)"
exec trunk serve --offline --release --address 127.0.0.1 --port "$PORT" "$@"
