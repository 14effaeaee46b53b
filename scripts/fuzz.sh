#!/usr/bin/env bash
# Runs a fuzzing campaign on one target or on every target in turn, one fuzzer process at a
# time, at low priority (the machine is shared). Needs the nightly toolchain and cargo-fuzz
# (`bash scripts/setup.sh --all` installs cargo-fuzz).
#
#   scripts/fuzz.sh TARGET|all [SECONDS] [RUNS]     (RUNS: executions, default -1: no limit)
#
#   scripts/fuzz.sh load 600            # ten minutes on `load`
#   scripts/fuzz.sh synth 0 200000      # 200,000 executions of `synth` (0 s: no time limit)
#   scripts/fuzz.sh all 300             # five minutes on each target
#
# The corpus grows in fuzz/corpus/TARGET; a crash is saved in fuzz/artifacts/TARGET/ and stops
# the campaign with a non-zero status. Each run's libFuzzer log, with its final statistics
# (executions, speed, coverage `cov` and features `ft`), goes to fuzz/logs/ and its last lines
# are printed. Extra libFuzzer flags: FUZZ_FLAGS="-max_len=65536".
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGETS=(load check_analyze synth simulate apply_fix prices share_link autosave)

target="${1:-}"
seconds="${2:-300}"
runs="${3:--1}"
if [ -z "$target" ]; then
  echo "usage: scripts/fuzz.sh TARGET|all [SECONDS] [RUNS]; targets: ${TARGETS[*]}" >&2
  exit 2
fi
if [ "$target" = all ]; then
  selected=("${TARGETS[@]}")
else
  case " ${TARGETS[*]} " in
    *" $target "*) selected=("$target") ;;
    *)
      echo "no fuzz target \`$target\`; targets: ${TARGETS[*]}" >&2
      exit 2
      ;;
  esac
fi

cd "$ROOT"
mkdir -p fuzz/logs
# The engine forbids unsafe code, so the sanitizers add cost and no findings: libFuzzer still
# catches every panic, and the build keeps debug assertions and overflow checks.
nice -n 15 cargo +nightly fuzz build --sanitizer none

status=0
for t in "${selected[@]}"; do
  log="fuzz/logs/$t-$(date -u +%Y%m%dT%H%M%SZ).log"
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  echo "== $t: ${seconds}s, runs ${runs} (log: $log)" >&2
  # shellcheck disable=SC2086 # FUZZ_FLAGS is a list of flags
  if ! nice -n 15 cargo +nightly fuzz run --sanitizer none "$t" "fuzz/corpus/$t" -- \
    -max_total_time="$seconds" -runs="$runs" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="fuzz/artifacts/$t/" ${FUZZ_FLAGS:-} \
    >"$log" 2>&1; then
    status=1
    grep -E 'panicked|ERROR|SUMMARY|Test unit written' "$log" | head -20 >&2 || true
    echo "== $t: CRASH (see $log)" >&2
    break
  fi
  grep -E '^#[0-9]+\s+DONE|stat::number_of_executed_units|stat::average_exec_per_sec' "$log" >&2 || true
done
exit "$status"
