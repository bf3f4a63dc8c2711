#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan, in build-asan/; the normal
# build/ is untouched) and runs each for SECONDS (default 60), starting from the
# checked-in corpus fuzz/corpus/<target> plus the test sources in tests/corpus
# and tests/errors. New inputs go to build-asan/corpus/<target>; a crashing
# input is saved as build-asan/crashes/<target>/crash-*, and the script exits
# non-zero. The regression inputs of fuzz/regressions/<target> run first (those
# in fuzz/regressions/<target>/open/ reproduce open findings and are skipped).
#
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]     (targets: module fragment)
#   FUZZ_JOBS=N   run N fuzzing processes per target (default 1)
#   FUZZ_ARGS=... extra libFuzzer flags
# Each target prints one line: "fuzz <target>: <execs> execs in <s> s, <n> crashes".
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-60}"
shift || true
TARGETS=("$@")
[ "${#TARGETS[@]}" -gt 0 ] || TARGETS=(module fragment)
BUILD=build-asan

# libFuzzer's runtime comes with clang's compiler-rt (only recommended by
# Debian's clang package): install it when missing.
rt="$(clang -print-resource-dir 2>/dev/null)/lib/linux/libclang_rt.fuzzer-x86_64.a"
if [ ! -f "$rt" ]; then
  pkg="libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev"
  if [ "$(id -u)" != 0 ]; then
    echo "fuzz: libFuzzer runtime missing; install $pkg (as root)" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null || exit 1
fi

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake --preset asan "${launcher[@]}" >/dev/null || exit 1
ninja -C "$BUILD" -j2 $(printf 'fuzz_%s ' "${TARGETS[@]}") || exit 1

# The inputs run on the main thread; sanitizer frames are several times larger
# than normal ones, so inputs at the parser's depth limits need a larger stack
# than the 8 MB a normal build runs them in.
ulimit -s 65536 2>/dev/null || ulimit -s unlimited 2>/dev/null || true
# Stack traces for findings; leaks are not findings here (caches live until exit).
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:symbolize=1"
# Undefined behaviour halts, except where a known finding is suppressed (the
# fuzz build lets those checks recover; see the file).
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$PWD/scripts/ubsan_known_findings.supp"
# -max_len: big enough for every seed, small enough to keep executions fast.
# -timeout: a single input taking longer is a hang (reported like a crash).
COMMON=(-dict=fuzz/exo.dict -max_len=4096 -timeout=25 -rss_limit_mb=4096 -print_final_stats=1)

status=0
for t in "${TARGETS[@]}"; do
  bin="$BUILD/fuzz/fuzz_$t"
  work="$BUILD/corpus/$t"
  crashes="$BUILD/crashes/$t/$(date +%Y%m%d-%H%M%S)"
  mkdir -p "$work" "$crashes"
  seeds=("fuzz/corpus/$t")
  [ "$t" = module ] && seeds+=(tests/corpus tests/errors)
  # Regression inputs: each must run clean (no finding) before fuzzing starts.
  regressions=(); for f in fuzz/regressions/$t/*; do [ -f "$f" ] && regressions+=("$f"); done
  if [ "${#regressions[@]}" -gt 0 ]; then
    if ! "$bin" "${COMMON[@]}" "${regressions[@]}" >"$BUILD/regressions-$t.log" 2>&1; then
      echo "fuzz $t: a regression input fails (see $BUILD/regressions-$t.log)"
      status=1
    fi
  fi
  log="$BUILD/fuzz-$t.log"
  : >"$log"
  # One process (much faster than libFuzzer's fork mode); after a crash (the
  # input is saved) it starts again for the rest of the time, so a run reports
  # every crash it finds. FUZZ_JOBS > 1 uses fork mode with that many processes.
  deadline=$(( $(date +%s) + SECONDS_PER_TARGET ))
  execs=0 restarts=0 rc=0
  while [ "$restarts" -le 50 ]; do
    left=$(( deadline - $(date +%s) ))
    [ "$left" -ge 1 ] || break  # (0 would mean no limit to libFuzzer)
    mode=()
    [ "${FUZZ_JOBS:-1}" -gt 1 ] &&
      mode=(-fork="$FUZZ_JOBS" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
    "$bin" "${COMMON[@]}" "${mode[@]}" -max_total_time="$left" \
      -artifact_prefix="$crashes/" ${FUZZ_ARGS:-} "$work" "${seeds[@]}" >"$log.run" 2>&1
    rc=$?
    cat "$log.run" >>"$log"
    # One process prints its statistics at the end (twice after a crash); fork
    # mode a running total "#N: ...".
    n=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log.run" | tail -1 | awk '{print $2}')
    [ -z "$n" ] && n=$(grep -o '^#[0-9]*:' "$log.run" | tail -1 | tr -d '#:')
    execs=$(( execs + ${n:-0} ))
    [ "$rc" = 0 ] && break
    restarts=$(( restarts + 1 ))
  done
  rm -f "$log.run"
  ncrash=$(find "$crashes" -type f 2>/dev/null | wc -l)
  echo "fuzz $t: $execs execs in $SECONDS_PER_TARGET s, $ncrash crash files in $crashes (log $log)"
  if [ "$ncrash" != 0 ] || [ "$rc" != 0 ]; then
    grep -h -A3 'FINDING\|ERROR: \(Address\|libFuzzer\)\|runtime error' "$log" | head -20
    status=1
  fi
done
exit "$status"
