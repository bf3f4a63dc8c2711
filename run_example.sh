#!/usr/bin/env bash
# The main job: set up (builds and installs `exo` and `exocc`), compile the
# seed's Hello Exo example (examples/sgemm/example.py) to C with exocc, build it
# with a runner and run it on 128x128x128 (time and correctness); then the same
# for the scheduled SGEMM app (apps/x86/sgemm/sgemm.py) on 512x512x512.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh build
OUT=build/example_out
if command -v exocc >/dev/null && /usr/bin/python3 -c "import exo" 2>/dev/null; then
  EXOCC=(exocc)
else  # not installed (setup was not run as root): use the build tree
  EXOCC=(env PYTHONPATH="$PWD/build/python" /usr/bin/python3 -m exo.main)
fi
"${EXOCC[@]}" -o "$OUT" --stem example examples/sgemm/example.py
echo "generated $OUT/example.c and $OUT/example.h"
gcc -O2 -I "$OUT" -o build/example_runner examples/sgemm/main.c "$OUT/example.c" -lm
./build/example_runner 128 128 128

# The same triple loop, scheduled into a BLIS-style kernel (needs AVX2 + FMA;
# uses AVX-512 where the CPU has it).
"${EXOCC[@]}" -o "$OUT" --stem sgemm apps/x86/sgemm/sgemm.py
echo "generated $OUT/sgemm.c and $OUT/sgemm.h"
gcc -O3 -march=native -pthread -I "$OUT" -o build/sgemm_runner apps/x86/sgemm/main.c "$OUT/sgemm.c" -lm
./build/sgemm_runner 512 512 512
