#!/usr/bin/env bash
# Serves the Tandem console at http://127.0.0.1:8080 (TANDEM_PORT to change), opening on the
# reference topology. Installs what it needs first (the wasm32 target, wasm-bindgen, trunk,
# wasm-opt). Builds into `dist/`, which the test suite never touches (it builds into
# target/suite/), so `scripts/test.sh` can run at the same time.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
tandem_setup --web
cd "$TANDEM_ROOT"
PORT="${TANDEM_PORT:-8080}"
# trunk refuses a watch-ignore path that does not exist (Trunk.toml lists generated folders).
mkdir -p dist engine/pkg tests/artifacts target
echo "Tandem console: http://127.0.0.1:$PORT  (building first; Ctrl-C stops it)"
exec trunk serve --offline --release --address 127.0.0.1 --port "$PORT" "$@"
