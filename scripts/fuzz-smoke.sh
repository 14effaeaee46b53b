#!/usr/bin/env bash
# A fuzzing smoke test: every fuzz target for a few seconds (SMOKE_SECONDS, default 8) on its
# committed corpus, about a minute in all once the targets are built. Exits non-zero on the
# first crash, printing the panic and the input that caused it. The committed corpus is only
# read: new inputs and crash files go to a temporary folder.
#
#   scripts/fuzz-smoke.sh
#
# Needs the nightly toolchain and cargo-fuzz (`bash scripts/setup.sh --all`); the first build
# of the targets takes several minutes. A longer campaign: scripts/fuzz.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGETS=(load check_analyze synth simulate apply_fix prices share_link autosave)
SECONDS_EACH="${SMOKE_SECONDS:-8}"

cd "$ROOT"
nice -n 10 cargo +nightly fuzz build --sanitizer none

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for t in "${TARGETS[@]}"; do
  mkdir -p "$work/$t/new" "$work/$t/artifacts"
  log="$work/$t/log"
  t0=$(date +%s)
  # The first corpus folder receives new inputs; the committed one is read only.
  if nice -n 10 cargo +nightly fuzz run --sanitizer none "$t" "$work/$t/new" "fuzz/corpus/$t" -- \
    -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/$t/artifacts/" >"$log" 2>&1; then
    echo "fuzz smoke: $t ok, $(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#') executions in $(($(date +%s) - t0)) s"
  else
    echo "fuzz smoke: $t FAILED" >&2
    grep -E -A12 'panicked|deadly signal|ERROR: libFuzzer' "$log" | head -n 40 >&2 || tail -n 40 "$log" >&2
    for crash in "$work/$t/artifacts/"*; do
      [ -e "$crash" ] || continue
      mkdir -p fuzz/artifacts/"$t"
      cp "$crash" "fuzz/artifacts/$t/"
      echo "fuzz smoke: the input is in fuzz/artifacts/$t/$(basename "$crash")" >&2
    done
    exit 1
  fi
done
echo "fuzz smoke: ${#TARGETS[@]} targets, no crash"
