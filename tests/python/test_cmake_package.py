"""The installed CMake packages, used by projects outside this tree:
find_package(Exo) with add_exo_library (exo-lang's names), and
find_package(ExoCpp) for the C++ core. The build tree is installed into a
temporary prefix; each outside project is configured, built and run."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from conftest import REPO

BUILD = Path(os.environ.get("EXO_BUILD_DIR", REPO / "build"))

pytestmark = pytest.mark.skipif(not (BUILD / "CMakeCache.txt").exists() or shutil.which("cmake") is None,
                                reason="needs the CMake build tree and cmake")


@pytest.fixture(scope="module")
def prefix(tmp_path_factory):
    pfx = tmp_path_factory.mktemp("prefix")
    for component in ("python", "cpp"):
        subprocess.run(["cmake", "--install", str(BUILD), "--prefix", str(pfx), "--component", component],
                       check=True, capture_output=True, text=True)
    return pfx


def build_and_run(src, prefix, env=None):
    out = src.parent / "build"
    run = lambda *cmd: subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    try:
        run("cmake", "-S", str(src), "-B", str(out), "-G", "Ninja", f"-DCMAKE_PREFIX_PATH={prefix}")
        run("cmake", "--build", str(out))
    except subprocess.CalledProcessError as e:
        raise AssertionError(e.stdout + e.stderr) from None
    return run(str(out / "app")).stdout


def test_add_exo_library_builds_a_library_from_exo_sources(prefix, tmp_path):
    src = tmp_path / "proj"
    src.mkdir()
    (src / "CMakeLists.txt").write_text(textwrap.dedent("""
        cmake_minimum_required(VERSION 3.22)
        project(outside C)
        find_package(Exo REQUIRED)
        add_exo_library(NAME kernels SOURCES kernels.py PYTHONPATH helpers)
        add_executable(app main.c)
        target_link_libraries(app PRIVATE outside::kernels)
    """))
    (src / "helpers").mkdir()
    (src / "helpers" / "factors.py").write_text("SCALE = 3.0\n")
    (src / "kernels.py").write_text(textwrap.dedent("""
        from __future__ import annotations
        from exo import proc
        from factors import SCALE  # found through add_exo_library's PYTHONPATH

        @proc
        def scale_add(n: size, x: f32[n], y: f32[n]):
            for i in par(0, n):
                y[i] += SCALE * x[i]
    """))
    (src / "main.c").write_text(textwrap.dedent("""
        #include <stdio.h>
        #include "kernels.h"
        int main(void) {
          float x[100], y[100];
          for (int i = 0; i < 100; i++) { x[i] = (float)(i % 7) - 2.5f; y[i] = (float)i; }
          scale_add(NULL, 100, x, y);
          for (int i = 0; i < 100; i++)
            if (y[i] != (float)i + 3.0f * x[i]) { printf("wrong at %d\\n", i); return 1; }
          printf("OK\\n");
          return 0;
        }
    """))
    site = next(prefix.glob("lib/python3*/dist-packages"))
    env = dict(os.environ, PYTHONPATH=str(site))
    assert build_and_run(src, prefix, env) == "OK\n"
    # exocc's depfile lists the modules the sources import: editing one reruns it.
    (src / "helpers" / "factors.py").write_text("SCALE = 4.0\n")
    subprocess.run(["cmake", "--build", str(tmp_path / "build")], check=True, capture_output=True, env=env)
    assert "4.0f * x[i]" in (tmp_path / "build" / "kernels.exo" / "kernels.c").read_text()


def test_find_package_exocpp_schedules_and_compiles_from_cpp(prefix, tmp_path):
    src = tmp_path / "proj"
    src.mkdir()
    (src / "CMakeLists.txt").write_text(textwrap.dedent("""
        cmake_minimum_required(VERSION 3.22)
        project(outside_cpp CXX)
        set(CMAKE_CXX_STANDARD 20)
        find_package(ExoCpp REQUIRED)
        add_executable(app app.cpp)
        target_link_libraries(app PRIVATE ExoCpp::exo)
    """))
    (src / "app.cpp").write_text(textwrap.dedent('''
        #include <iostream>
        #include "exo/exo.h"
        #include "exo/schedule/procedure.h"

        int main() {
          exo::Module m = exo::Module::from_string(R"(
        @proc
        def axpy(n: size, a: f32, x: f32[n], y: f32[n]):
            for i in seq(0, n):
                y[i] += a * x[i]
        )", "axpy.exo");
          exo::ScheduledProc p0(m.proc("axpy"));
          exo::ScheduledProc p1 = p0.derive(
              exo::split_loop(p0.proc(), p0.resolve("i", exo::RefKind::Loop), 8, "io", "ii"));
          std::cout << exo::print_proc(p1.proc());
          exo::CCode code = exo::compile_to_c({p1.proc()}, "axpy");
          std::cout << (code.c.find("void axpy(") != std::string::npos ? "C OK" : "no C") << "\\n";
          try {
            exo::Module::from_string("@proc\\ndef bad(n: size):\\n    x = 1\\n", "bad.exo");
          } catch (const exo::Error& e) {
            std::cout << "refused: " << e.what() << "\\n";
          }
        }
    '''))
    out = build_and_run(src, prefix)
    assert "for io in seq(0, (n + 7) / 8):" in out and "C OK" in out
    assert "refused: bad.exo:3:" in out
