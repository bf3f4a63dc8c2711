#!/usr/bin/env bash
# Randomized soundness of scheduling at scale (docs/reliability.md): about N
# random steps (10 per random proc, seeds SEED, SEED+1, ...; default SEED 1)
# of every scheduling primitive, each accepted step checked on random inputs by
# the interpreter, every version run as compiled C (batched: one C program per
# 40 procs). Runs SOUNDNESS_JOBS (default 2) shards side by side, then prints
# the per-primitive table (tried / accepted / unchanged / refused / other
# errors / failed / expected) and every mismatch with its reproducer.
# Exits non-zero on a mismatch or failure that no hazard or known finding
# explains, or when a shard crashes.
#
# Usage: bench/soundness.sh N [SEED]
#        bench/soundness.sh --replay SEED     one proc, refusals printed
# Environment:
#   SOUNDNESS_BUILD=DIR    build tree to use (default build; build-asan runs the
#                          compiler under ASan + UBSan and, through its
#                          EXO_TEST_CFLAGS, the generated C too)
#   SOUNDNESS_CFLAGS=...   extra C flags for the generated C (e.g. -O0)
#   SOUNDNESS_THREADS=T    OpenMP threads for the generated C (default 2)
#   SOUNDNESS_JOBS=J       shards (default 2)
#   SOUNDNESS_OUT=DIR      where shard reports and logs go (default $BUILD/soundness)
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD="${SOUNDNESS_BUILD:-build}"
bin="$BUILD/bench/exo_soundness"

if [ ! -f "$BUILD/build.ninja" ]; then
  preset=default
  [ "$BUILD" = build-asan ] && preset=asan
  launcher=()
  command -v ccache >/dev/null &&
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake --preset "$preset" "${launcher[@]}" >/dev/null || exit 2
fi
ninja -C "$BUILD" -j2 exo_soundness >/dev/null || { echo "soundness: build failed" >&2; exit 2; }

if [ "${1:-}" = --replay ]; then
  exec "$bin" --replay "${2:?seed}" --threads "${SOUNDNESS_THREADS:-2}" --cflags "${SOUNDNESS_CFLAGS:-}"
fi

N="${1:?usage: bench/soundness.sh N [SEED]}"
SEED="${2:-1}"
JOBS="${SOUNDNESS_JOBS:-2}"
OUT="${SOUNDNESS_OUT:-$BUILD/soundness}"
mkdir -p "$OUT"
procs=$(( (N + 9) / 10 ))
per=$(( (procs + JOBS - 1) / JOBS ))

start=$(date +%s)
pids=()
shards=()
for ((j = 0; j < JOBS; j++)); do
  first=$(( SEED + j * per ))
  count=$(( per < procs - j * per ? per : procs - j * per ))
  [ "$count" -gt 0 ] || break
  shards+=("$OUT/shard$j.txt")
  rm -f "$OUT/shard$j.txt"
  "$bin" --first-seed "$first" --procs "$count" --out "$OUT/shard$j.txt" \
    --threads "${SOUNDNESS_THREADS:-2}" --cflags "${SOUNDNESS_CFLAGS:-}" \
    >"$OUT/shard$j.log" 2>&1 &
  pids+=($!)
done
status=0
for j in "${!pids[@]}"; do
  if ! wait "${pids[$j]}"; then
    if [ ! -f "${shards[$j]}" ]; then  # no report: the shard crashed
      echo "soundness: shard $j crashed; the end of its log ($OUT/shard$j.log):"
      tail -25 "$OUT/shard$j.log"
      status=1
    fi
  fi
done
reports=()
for f in "${shards[@]}"; do [ -f "$f" ] && reports+=("$f"); done
if [ "${#reports[@]}" -gt 0 ]; then
  "$bin" --merge "${reports[@]}" | tee "$OUT/report.txt" || status=1
fi
echo "soundness: $N steps requested from seed $SEED, $JOBS shards, $(( $(date +%s) - start )) s wall; report in $OUT/report.txt"
exit "$status"
