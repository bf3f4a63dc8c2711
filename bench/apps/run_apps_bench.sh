#!/usr/bin/env bash
# App benchmark: our generated blur, unsharp (apps/x86/halide) and conv
# (apps/x86/conv) against Halide 14 with Halide's own app schedules (AOT, target
# host) and oneDNN's convolution, at 1 thread and at $(nproc) threads, each
# contender checked against the unscheduled *_base procs first.
# Builds into build/bench/apps/; prints tables and writes
# build/bench/apps/apps_<cc>.csv and build/bench/apps/apps_<cc>.png.
# Exits non-zero if any contender's output does not match the reference.
# Usage: [CC=gcc|clang] bench/apps/run_apps_bench.sh [--quick]
#   --quick  0.1 s of timed calls per contender instead of 0.5 s
# Uses the compiler build in build/ as it is (never rebuilds it).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=build/bench/apps
mkdir -p "$OUT"

QUICK=()
for a in "$@"; do
  case "$a" in
    --quick) QUICK=(--quick) ;;
    *) echo "usage: [CC=gcc|clang] $0 [--quick]" >&2; exit 2 ;;
  esac
done

missing=()
for p in libhalide14-0-dev libdnnl-dev python3-matplotlib; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "bench: installing ${missing[*]}" >&2
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ! -d build/python/exo ]; then
  echo "bench: no build/python/exo; build the compiler first" >&2
  exit 1
fi

CC="${CC:-gcc}"
case "$(basename "$CC")" in
  clang*) CXX="${CXX:-${CC/clang/clang++}}" ;;
  *) CXX="${CXX:-g++}" ;;
esac
TAG=$(basename "$CC")
CC_VER=$("$CC" --version | head -1)
HL_VER=$(dpkg-query -W -f='${Version}' libhalide14-0-dev)
HL_INC=/usr/include/halide14
GENGEN=/usr/src/halide14/GenGen.cpp  # shipped by libhalide14-0-dev

# Our kernels: generated C, compiled once per C compiler.
PYEXO=(env PYTHONPATH="$PWD/build/python" /usr/bin/python3 -m exo.main)
for src in apps/x86/halide/blur.py apps/x86/halide/unsharp.py apps/x86/conv/conv.py; do
  if ! "${PYEXO[@]}" -o "$OUT" --stem "$(basename "$src" .py)" "$src"; then
    echo "bench: exocc failed on $src (see above); nothing benchmarked" >&2
    exit 1
  fi
done
OBJS=()
PAR=""
for s in blur unsharp conv; do
  "$CC" -O3 -march=native -fopenmp -I "$OUT" -c -o "$OUT/${s}_$TAG.o" "$OUT/$s.c"
  OBJS+=("$OUT/${s}_$TAG.o")
  grep -q exo_par_for "$OUT/$s.c" && PAR+="$s:yes " || PAR+="$s:no "
done

# Halide: the generator binary, then one AOT library per pipeline and variant
# (no runtime inside) plus one shared runtime library.
t0=$EPOCHREALTIME
"$CXX" -std=c++17 -O1 -I "$HL_INC" -o "$OUT/halide_gen" bench/apps/halide_generators.cpp "$GENGEN" \
  -lHalide14 -lpthread -ldl
t1=$EPOCHREALTIME
HL_TARGET=host-no_runtime
for app in blur unsharp; do
  "$OUT/halide_gen" -g "halide_$app" -f "halide_$app" -o "$OUT" -e static_library,c_header,stmt \
    target=$HL_TARGET parallel=true
  "$OUT/halide_gen" -g "halide_$app" -f "halide_${app}_seq" -o "$OUT" -e static_library,c_header \
    target=$HL_TARGET parallel=false
done
"$OUT/halide_gen" -g halide_blur -f halide_blur_u16 -o "$OUT" -e static_library,c_header \
  target=$HL_TARGET parallel=true wrap16=true
"$OUT/halide_gen" -r halide_runtime -o "$OUT" -e static_library target=host
t2=$EPOCHREALTIME
awk -v a="$t0" -v b="$t1" -v c="$t2" -v v="$HL_VER" 'BEGIN {
  printf "Halide %s: generator built in %.1f s; 5 pipelines + runtime generated in %.1f s\n",
    v, b - a, c - b }'
HOST=$(/usr/lib/x86_64-linux-gnu/halide14/get_host_target 2>/dev/null || echo '?')
echo "Halide host target: $HOST"

BENCH="$OUT/apps_bench_$TAG"
"$CXX" -std=c++17 -O2 -march=native -fopenmp -I "$OUT" -isystem "$HL_INC" -I bench/apps \
  -DCC_VERSION="\"$CC_VER\"" -DHALIDE_VERSION="\"$HL_VER\"" -DOURS_PAR="\"${PAR% }\"" \
  -o "$BENCH" bench/apps/apps_bench.cpp bench/apps/dnnl_conv.cpp "${OBJS[@]}" \
  "$OUT"/halide_{blur,blur_seq,blur_u16,unsharp,unsharp_seq}.a "$OUT/halide_runtime.a" \
  -ldnnl -lpthread -ldl -lm

CSV="$OUT/apps_$TAG.csv"
rm -f "$CSV"
T=$(nproc)
THREADS=(1)
if [ "$T" -gt 1 ]; then THREADS+=("$T"); fi
status=0
for n in "${THREADS[@]}"; do
  echo
  echo "== $n thread(s) =="
  t0=$(date +%s)
  EXO_NUM_THREADS=$n HL_NUM_THREADS=$n OMP_NUM_THREADS=$n "$BENCH" --threads "$n" "${QUICK[@]}" \
    --csv "$CSV" || status=1
  echo "($(( $(date +%s) - t0 )) s)"
done
PNG="$OUT/apps_$TAG.png"
/usr/bin/python3 bench/apps/plot_apps.py "$CSV" "$PNG" && echo "plot: $PNG"
[ "$status" = 0 ] || echo "bench: FAILED: an output did not match its reference" >&2
exit "$status"
