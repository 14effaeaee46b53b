#!/usr/bin/env bash
# Serves the Tandem console at http://127.0.0.1:8080, opening on the reference topology.
# Installs what it needs first (the wasm32 target, wasm-bindgen, trunk, wasm-opt).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
tandem_setup --web
cd "$TANDEM_ROOT"
echo "Tandem console: http://127.0.0.1:8080  (Ctrl-C stops it)"
exec trunk serve --offline --release --address 127.0.0.1 --port 8080 "$@"
