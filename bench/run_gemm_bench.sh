#!/usr/bin/env bash
# Kernel benchmark: Exo SGEMM vs OpenBLAS (its own kernel choice and, on AVX-512
# CPUs, its AVX-512 kernels) vs BLIS vs the naive Exo code, single- and
# multi-threaded, square, odd and skinny shapes, against the measured FMA peak;
# ours are scored against the best library on each shape.
# Prints tables and writes build/bench/gemm_<cc>_{1t,mt}.csv and build/bench/gemm_<cc>.png.
# Usage: [CC=gcc|clang] bench/run_gemm_bench.sh [--quick] [--busy]
#   --busy   also run the multi-threaded table with one core kept busy by
#            another process (a shell loop), as on a shared machine, timing
#            the mean call (the best call would be one that ran alone)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=build/bench
mkdir -p "$OUT"
missing=()
for p in libopenblas-dev libblis-dev python3-matplotlib; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "bench: installing ${missing[*]}" >&2
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -x build/exoc ] || scripts/setup.sh build

PYEXO=(env PYTHONPATH="$PWD/build/python" /usr/bin/python3 -m exo.main)
"${PYEXO[@]}" -o "$OUT" --stem example examples/sgemm/example.py
SRCS=("$OUT/example.c")
DEFS=()
if [ -f apps/x86/sgemm/sgemm.py ]; then
  "${PYEXO[@]}" -o "$OUT" --stem sgemm apps/x86/sgemm/sgemm.py
  SRCS+=("$OUT/sgemm.c")
  DEFS+=(-DHAVE_EXO_SGEMM)
fi
CC="${CC:-gcc}"
TAG=$(basename "$CC")
echo "compiler: $("$CC" --version | head -1)"
OBJS=()
if [ -f "$OUT/sgemm.c" ]; then
  # SGEMM_PAR once more with its par loops run by OpenMP (-DEXO_PAR_USE_OPENMP),
  # the library's exported names suffixed, for the busy-core comparison.
  renames=()
  for f in SGEMM SGEMM_PAR SGEMM_AVX2 SGEMM_AVX2_PAR SGEMM_AVX512 SGEMM_AVX512_PAR; do
    renames+=("-D$f=${f}_openmp")
  done
  "$CC" -O3 -march=native -fopenmp -DEXO_PAR_USE_OPENMP "${renames[@]}" -I "$OUT" -c \
    -o "$OUT/sgemm_openmp_$TAG.o" "$OUT/sgemm.c"
  OBJS+=("$OUT/sgemm_openmp_$TAG.o")
  DEFS+=(-DHAVE_EXO_SGEMM_OPENMP)
fi
"$CC" -O3 -march=native -fopenmp "${DEFS[@]}" -I "$OUT" -I bench -o "$OUT/gemm_bench_$TAG" \
  bench/gemm_bench.c bench/exo_kernels.c "${SRCS[@]}" "${OBJS[@]}" -ldl -lm

QUICK=0 BUSY=0
for a in "$@"; do
  case "$a" in
    --quick) QUICK=1 ;;
    --busy) BUSY=1 ;;
    *) echo "usage: [CC=gcc|clang] $0 [--quick] [--busy]" >&2; exit 2 ;;
  esac
done
if [ "$QUICK" = 1 ]; then
  SQUARE=(64x64x64 256x256x256 512x512x512)
  ODD=(127x129x131)
  SKINNY=(16x512x512 512x16x512 512x512x16)
else
  SQUARE=(64x64x64 128x128x128 256x256x256 512x512x512 1024x1024x1024 1536x1536x1536 2048x2048x2048)
  ODD=(127x129x131 1000x999x997)
  SKINNY=(16x1024x1024 1024x16x1024 1024x1024x16 6x2048x2048)
fi
# A second copy of OpenBLAS's library file, loaded with OPENBLAS_CORETYPE=SkylakeX
# (see gemm_bench.c); used on AVX-512 CPUs only.
cp "$(readlink -f /usr/lib/x86_64-linux-gnu/libopenblas.so.0)" "$OUT/libopenblas_skx.so"
BENCH=("$OUT/gemm_bench_$TAG" --openblas-skx "$PWD/$OUT/libopenblas_skx.so")
echo "== single-threaded (OPENBLAS_NUM_THREADS=1) =="
OPENBLAS_NUM_THREADS=1 "${BENCH[@]}" --threads 1 --csv "$OUT/gemm_${TAG}_1t.csv" "${SQUARE[@]}" "${ODD[@]}" "${SKINNY[@]}"
echo
T=$(nproc)
echo "== multi-threaded ($T threads) =="
OPENBLAS_NUM_THREADS=$T OMP_NUM_THREADS=$T "${BENCH[@]}" --threads "$T" --csv "$OUT/gemm_${TAG}_mt.csv" "${SQUARE[@]}" "${ODD[@]}"
if [ "$BUSY" = 1 ]; then
  echo
  echo "== multi-threaded ($T threads), one core busy with another process =="
  ( trap 'exit 0' TERM; while :; do :; done ) &
  busy=$!
  trap 'kill $busy 2>/dev/null' EXIT
  OPENBLAS_NUM_THREADS=$T OMP_NUM_THREADS=$T "${BENCH[@]}" --threads "$T" --mean --csv "$OUT/gemm_${TAG}_busy.csv" "${SQUARE[@]}" "${ODD[@]}"
  kill "$busy"
fi
/usr/bin/python3 bench/plot_gemm.py "$OUT/gemm_${TAG}_1t.csv" "$OUT/gemm_$TAG.png" && echo "plot: $OUT/gemm_$TAG.png"
