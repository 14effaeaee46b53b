#!/usr/bin/env bash
# Installs what Tandem's build, console and tests need, skipping whatever is already present.
# Sourced by scripts/serve.sh and scripts/test.sh; safe to run on its own:
#
#   bash scripts/setup.sh          # everything (what the test suite needs)
#   bash scripts/setup.sh --web    # only what serving the console needs
#
# Nothing is downloaded at run time by trunk or wasm-pack: every tool they call is installed
# here from the package registries (crates.io, npm, PyPI, Debian) and found on PATH.
# Tools that are not cargo binaries live in $TANDEM_TOOLS (default ~/.cache/tandem-tools),
# so a fresh clone on the same machine reuses them.

set -euo pipefail

TANDEM_ROOT="${TANDEM_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
TANDEM_TOOLS="${TANDEM_TOOLS:-$HOME/.cache/tandem-tools}"
export TANDEM_ROOT TANDEM_TOOLS

# Versions: wasm-bindgen comes from the workspace's exact pin; the rest are pinned here.
WASM_BINDGEN_VERSION="$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' "$TANDEM_ROOT/Cargo.toml")"
TRUNK_VERSION="0.21.14"
WASM_PACK_VERSION="0.15.1"
BINARYEN_VERSION="132.0.0"
JEST_SARIF_VERSION="1.0.0-beta.0"
CFN_LINT_VERSION="1.58.0"
CHECKOV_VERSION="3.3.30"

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$TANDEM_TOOLS/node_modules/.bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export CFN_LINT="$TANDEM_TOOLS/venv/bin/cfn-lint"
export CHECKOV="$TANDEM_TOOLS/venv/bin/checkov"
# The official SARIF 2.1.0 schema, as shipped in Microsoft's jest-sarif package.
export TANDEM_SARIF_SCHEMA="$TANDEM_TOOLS/node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

need_wasm_target() {
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown >&2
  fi
}

# need_cargo_tool BINARY "VERSION-STRING" cargo-install-args...
need_cargo_tool() {
  local bin="$1" want="$2"
  shift 2
  if command -v "$bin" >/dev/null 2>&1 && "$bin" --version 2>/dev/null | grep -q -- "$want"; then
    return
  fi
  say "installing $bin ($want): cargo install $*"
  cargo install --quiet "$@" >&2
}

need_wasm_bindgen() {
  # Without --locked: the CLI's lock file wants a crate version crates.io no longer serves.
  need_cargo_tool wasm-bindgen "wasm-bindgen $WASM_BINDGEN_VERSION" \
    wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
}

need_trunk() {
  # trunk 0.22 needs rustc 1.96; 0.21.x builds with this toolchain.
  need_cargo_tool trunk "trunk $TRUNK_VERSION" trunk --version "$TRUNK_VERSION" --locked --force
}

need_wasm_pack() {
  need_cargo_tool wasm-pack "wasm-pack $WASM_PACK_VERSION" \
    wasm-pack --version "$WASM_PACK_VERSION" --locked --force
}

need_wasm_opt() {
  # Debian's binaryen is too old for what rustc 1.95 emits; npm's binaryen 132 is not.
  if "$TANDEM_TOOLS/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version_132"; then
    return
  fi
  say "installing wasm-opt (binaryen $BINARYEN_VERSION) into $TANDEM_TOOLS"
  mkdir -p "$TANDEM_TOOLS"
  npm install --silent --no-audit --no-fund --prefix "$TANDEM_TOOLS" "binaryen@$BINARYEN_VERSION" >&2
}

need_sarif_schema() {
  if [ -f "$TANDEM_SARIF_SCHEMA" ]; then
    return
  fi
  say "installing the SARIF 2.1.0 schema (@microsoft/jest-sarif $JEST_SARIF_VERSION) into $TANDEM_TOOLS"
  mkdir -p "$TANDEM_TOOLS"
  npm install --silent --no-audit --no-fund --prefix "$TANDEM_TOOLS" "@microsoft/jest-sarif@$JEST_SARIF_VERSION" >&2
}

need_chromium() {
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    return
  fi
  say "installing Debian's chromium and chromium-driver"
  as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium chromium-driver >&2
}

need_validators() {
  if "$CFN_LINT" --version 2>/dev/null | grep -q "$CFN_LINT_VERSION" \
    && "$CHECKOV" --version 2>/dev/null | grep -q "$CHECKOV_VERSION"; then
    return
  fi
  say "installing cfn-lint $CFN_LINT_VERSION and checkov $CHECKOV_VERSION into $TANDEM_TOOLS/venv"
  mkdir -p "$TANDEM_TOOLS"
  python3 -m venv "$TANDEM_TOOLS/venv" >&2
  "$TANDEM_TOOLS/venv/bin/pip" install --quiet --disable-pip-version-check \
    "cfn-lint==$CFN_LINT_VERSION" "checkov==$CHECKOV_VERSION" >&2
}

tandem_setup() {
  local what="${1:---all}"
  need_wasm_target
  need_wasm_bindgen
  need_trunk
  need_wasm_opt
  if [ "$what" = "--all" ]; then
    need_wasm_pack
    need_sarif_schema
    need_chromium
    need_validators
  fi
}

# Run directly (not sourced): set up now.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  tandem_setup "${1:---all}"
  say "ready"
fi
