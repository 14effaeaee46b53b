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
#
# On a fresh machine the cargo tools are the wait: they compile from source. They are built
# one after the other into one shared target folder with a release profile tuned for install
# time (no optimization, no LTO, parallel codegen), while npm, pip and apt run beside them in
# the background. Measured here on 2 cores: trunk compiles in 227 s unoptimized against 540 s
# with optimization and 12 min with its own fat-LTO profile; wasm-bindgen in 106 s against
# 230 s. What the tools do is I/O and small transforms: unoptimized wasm-bindgen takes 1.1 s
# instead of 0.2 s on the console's 2.8 MB module.
# Each step says what it installs, about how long it takes on 2 cores, and which step of how
# many it is; its output goes to a log that is shown only when it fails.

set -euo pipefail

TANDEM_ROOT="${TANDEM_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
TANDEM_TOOLS="${TANDEM_TOOLS:-$HOME/.cache/tandem-tools}"
export TANDEM_ROOT TANDEM_TOOLS

# Versions: wasm-bindgen comes from the workspace's exact pin; the rest are pinned here.
WASM_BINDGEN_VERSION="$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' "$TANDEM_ROOT/Cargo.toml")"
TRUNK_VERSION="0.21.14"
WASM_PACK_VERSION="0.15.1"
CARGO_FUZZ_VERSION="0.13.2"
BINARYEN_VERSION="132.0.0"
JEST_SARIF_VERSION="1.0.0-beta.0"
# The accessibility check the console's end-to-end tests run (tests/tests/e2e_console/axe.rs).
AXE_CORE_VERSION="4.14.1"
CFN_LINT_VERSION="1.58.0"
CHECKOV_VERSION="3.3.30"
AWSCLI_VERSION="1.46.3"
MOTO_VERSION="5.2.5"

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$TANDEM_TOOLS/node_modules/.bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export CFN_LINT="$TANDEM_TOOLS/venv/bin/cfn-lint"
export CHECKOV="$TANDEM_TOOLS/venv/bin/checkov"
# The real AWS CLI and the moto emulator live in a venv of their own (their botocore pins
# differ from checkov's).
export TANDEM_AWS_VENV="$TANDEM_TOOLS/aws-venv"
# The official SARIF 2.1.0 schema, as shipped in Microsoft's jest-sarif package.
export TANDEM_SARIF_SCHEMA="$TANDEM_TOOLS/node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"

SETUP_LOGS="$TANDEM_TOOLS/logs"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# logged NAME COMMAND...: runs a command with its output in a log; on failure shows the log.
logged() {
  local name="$1"
  shift
  mkdir -p "$SETUP_LOGS"
  local log="$SETUP_LOGS/$name.log"
  if ! "$@" >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    say "FAILED: $name (full log: $log)"
    return 1
  fi
}

# --- what is missing -------------------------------------------------------------------------

have_cargo_tool() { # BINARY "VERSION-STRING"
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -q -- "$2"
}
have_wasm_target() { rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; }
have_wasm_bindgen() { have_cargo_tool wasm-bindgen "wasm-bindgen $WASM_BINDGEN_VERSION"; }
have_trunk() { have_cargo_tool trunk "trunk $TRUNK_VERSION"; }
have_wasm_pack() { have_cargo_tool wasm-pack "wasm-pack $WASM_PACK_VERSION"; }
have_cargo_fuzz() { have_cargo_tool cargo-fuzz "cargo-fuzz $CARGO_FUZZ_VERSION"; }
have_wasm_opt() { "$TANDEM_TOOLS/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version_132"; }
have_npm_test_tools() {
  [ -f "$TANDEM_SARIF_SCHEMA" ] && [ -x "$TANDEM_TOOLS/node_modules/.bin/asl-validator" ] &&
    grep -q "\"version\": \"$AXE_CORE_VERSION\"" "$TANDEM_TOOLS/node_modules/axe-core/package.json" 2>/dev/null
}
have_debian_packages() {
  [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && command -v shellcheck >/dev/null 2>&1
}
have_python_tools() {
  "$CFN_LINT" --version 2>/dev/null | grep -q "$CFN_LINT_VERSION" \
    && "$CHECKOV" --version 2>/dev/null | grep -q "$CHECKOV_VERSION" \
    && "$TANDEM_AWS_VENV/bin/aws" --version 2>&1 | grep -q "aws-cli/$AWSCLI_VERSION" \
    && [ -x "$TANDEM_AWS_VENV/bin/moto_server" ]
}

# --- installers ------------------------------------------------------------------------------

# cargo_install ARGS...: one shared target folder for every tool, a profile for install time.
cargo_install() {
  CARGO_TARGET_DIR="$TANDEM_TOOLS/cargo-target" \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=0 \
    CARGO_PROFILE_RELEASE_LTO=false \
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_DEBUG=false \
    CARGO_PROFILE_RELEASE_STRIP=true \
    cargo install "$@"
}

install_wasm_target() { rustup target add wasm32-unknown-unknown; }
# Without --locked: the CLI's lock file wants a crate version crates.io no longer serves.
install_wasm_bindgen() { cargo_install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force; }
# trunk 0.22 needs rustc 1.96; 0.21.x builds with this toolchain.
install_trunk() { cargo_install trunk --version "$TRUNK_VERSION" --locked --force; }
install_wasm_pack() { cargo_install wasm-pack --version "$WASM_PACK_VERSION" --locked --force; }
# The fuzz targets (scripts/fuzz.sh, scripts/fuzz-smoke.sh) run it with the nightly toolchain.
install_cargo_fuzz() { cargo_install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --force; }

npm_install() {
  mkdir -p "$TANDEM_TOOLS"
  npm install --no-audit --no-fund --prefix "$TANDEM_TOOLS" "$@"
}
# Debian's binaryen is too old for what rustc 1.95 emits; npm's binaryen 132 is not.
install_wasm_opt() { npm_install "binaryen@$BINARYEN_VERSION"; }
install_npm_test_tools() {
  npm_install "@microsoft/jest-sarif@$JEST_SARIF_VERSION" "asl-validator@4.0.0" \
    "axe-core@$AXE_CORE_VERSION"
}
install_debian_packages() {
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium chromium-driver shellcheck
}
install_python_tools() {
  python3 -m venv "$TANDEM_TOOLS/venv"
  "$TANDEM_TOOLS/venv/bin/pip" install --quiet --disable-pip-version-check \
    "cfn-lint==$CFN_LINT_VERSION" "checkov==$CHECKOV_VERSION"
  python3 -m venv "$TANDEM_AWS_VENV"
  "$TANDEM_AWS_VENV/bin/pip" install --quiet --disable-pip-version-check \
    "awscli==$AWSCLI_VERSION" "moto[server]==$MOTO_VERSION"
}

# --- the plan --------------------------------------------------------------------------------

# Background installs (npm, pip, apt) run while cargo compiles; their pids, names and logs.
BACKGROUND=()

start_background() { # NAME FUNCTION
  local name="$1" fn="$2"
  mkdir -p "$SETUP_LOGS"
  say "in the background: $name (log: $SETUP_LOGS/$fn.log)"
  ("$fn" >"$SETUP_LOGS/$fn.log" 2>&1) &
  BACKGROUND+=("$!:$name:$fn")
}

wait_background() {
  local entry pid name fn failed=0
  for entry in "${BACKGROUND[@]+"${BACKGROUND[@]}"}"; do
    pid="${entry%%:*}"
    name="${entry#*:}"
    name="${name%%:*}"
    fn="${entry##*:}"
    if ! wait "$pid"; then
      tail -n 60 "$SETUP_LOGS/$fn.log" >&2
      say "FAILED: $name (full log: $SETUP_LOGS/$fn.log)"
      failed=1
    fi
  done
  BACKGROUND=()
  return "$failed"
}

tandem_setup_locked() {
  local what="${1:---all}"
  # Foreground steps, in order: NAME|ESTIMATE|FUNCTION for each tool that is missing.
  local steps=()
  have_wasm_target || steps+=("the wasm32 target (rustup)|under a minute|install_wasm_target")
  have_wasm_bindgen || steps+=("wasm-bindgen-cli $WASM_BINDGEN_VERSION (cargo install)|about 2 min|install_wasm_bindgen")
  have_trunk || steps+=("trunk $TRUNK_VERSION (cargo install)|about 4 min|install_trunk")
  if [ "$what" = "--all" ]; then
    have_wasm_pack || steps+=("wasm-pack $WASM_PACK_VERSION (cargo install)|about 1 min|install_wasm_pack")
    have_cargo_fuzz || steps+=("cargo-fuzz $CARGO_FUZZ_VERSION (cargo install)|under a minute|install_cargo_fuzz")
  fi

  have_wasm_opt || start_background "wasm-opt (binaryen $BINARYEN_VERSION, npm)" install_wasm_opt
  if [ "$what" = "--all" ]; then
    have_npm_test_tools || start_background "SARIF schema and asl-validator (npm)" install_npm_test_tools
    have_debian_packages || start_background "chromium, chromium-driver and shellcheck (apt)" install_debian_packages
    have_python_tools || start_background "cfn-lint, checkov, awscli and moto (pip, venv)" install_python_tools
  fi

  local total="${#steps[@]}" i=0 entry name estimate fn t0
  for entry in "${steps[@]+"${steps[@]}"}"; do
    i=$((i + 1))
    name="${entry%%|*}"
    estimate="${entry#*|}"
    estimate="${estimate%%|*}"
    fn="${entry##*|}"
    say "step $i of $total: $name, $estimate on 2 cores"
    t0=$(date +%s)
    logged "$fn" "$fn" || { wait_background || true; return 1; }
    say "step $i of $total: done in $(($(date +%s) - t0)) s"
  done
  if [ "${#BACKGROUND[@]}" -gt 0 ]; then
    say "waiting for the background installs"
  fi
  wait_background
}

tandem_setup() {
  local what="${1:---all}"
  mkdir -p "$TANDEM_TOOLS"
  # serve.sh and test.sh may start together: the second waits for the first's installs.
  exec 9>"$TANDEM_TOOLS/setup.lock"
  if ! flock -n 9; then
    say "another setup is installing tools; waiting for it"
    flock 9
  fi
  local status=0
  tandem_setup_locked "$what" || status=$?
  flock -u 9
  exec 9>&-
  return "$status"
}

# Run directly (not sourced): set up now.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  tandem_setup "${1:---all}"
  say "ready"
fi
