#!/usr/bin/env bash
# The main job: set up, compile the seed's naive example_sgemm from Exo to C,
# build it with a runner and run it on 128x128x128 (time and correctness).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh build
OUT=build/example_out
./build/exoc -o "$OUT" --stem example examples/sgemm/example.exo
echo "generated $OUT/example.c and $OUT/example.h"
gcc -O2 -I "$OUT" -o build/example_runner examples/sgemm/main.c "$OUT/example.c" -lm
./build/example_runner 128 128 128
