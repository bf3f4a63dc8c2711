#!/usr/bin/env bash
# Installs the Debian packages the project needs (as root) and builds it.
# Usage: scripts/setup.sh [build-dir]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${1:-build}"

PACKAGES=(
  cmake ninja-build g++ gcc clang   # build tools; clang for compiler-independence checks
  libz3-dev                         # SMT solver behind the bounds and scheduling checks
  libgtest-dev googletest           # C++ unit tests
  libbenchmark-dev                  # compiler and kernel benchmarks
  pybind11-dev python3-dev          # the Python front end (import exo)
  python3-numpy python3-pytest python3-setuptools  # Python tests and interpret() buffers
  python3-yapf                      # str(proc) wraps long lines as exo-lang does (with yapf)
  libgomp1                          # OpenMP runtime (tests also build par loops with -DEXO_PAR_USE_OPENMP)
  # Arm and RISC-V libraries, run under qemu-user: Neon/SVE with the aarch64 gcc;
  # RVV with clang-16 (gcc 12 has no riscv_vector.h) on the riscv64 libc
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross
  clang-16 gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
  qemu-user-static
  chromium                          # renders the schedule trace page (exocc --trace) in its test
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ] || [ "${CI:-}" = "true" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing packages (${missing[*]}); run as root to install them" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
fi

cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$BUILD_DIR" -j2

# Install the Python front end (`import exo`, `exocc`) into the system Python's
# site directory (/usr/local/lib/python3.X/dist-packages) and /usr/local/bin,
# with find_package(Exo); and the C++ core (headers, libraries, exoc,
# find_package(ExoCpp)) under /usr/local.
if [ -f "$BUILD_DIR/python/exo/__init__.py" ]; then
  if [ "$(id -u)" = 0 ]; then
    cmake --install "$BUILD_DIR" --component python >/dev/null
    cmake --install "$BUILD_DIR" --component cpp >/dev/null
  else
    echo "setup: not root, Python package not installed; use PYTHONPATH=$BUILD_DIR/python" >&2
  fi
fi
