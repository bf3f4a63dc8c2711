// exoc: compile the procedures of an Exo source file (.exo: the Python-subset
// syntax without Python around it) to C, through the C++ API.
//
//   exoc -o OUTDIR --stem NAME file.exo [--proc NAME ...] [--print]
//
// Without --proc, every non-instruction procedure is exported.

#include <cstring>
#include <filesystem>
#include <iostream>
#include <vector>

#include "exo/exo.h"

namespace {

int usage(int code) {
  (code ? std::cerr : std::cout)
      << "usage: exoc [-o OUTDIR] [--stem NAME] [--proc NAME]... [--print] FILE.exo\n"
         "Compiles the procedures of FILE.exo to OUTDIR/NAME.c and OUTDIR/NAME.h.\n"
         "  -o OUTDIR     output directory (default: out)\n"
         "  --stem NAME   base name of the .c/.h files (default: FILE's stem)\n"
         "  --proc NAME   export only these procedures (repeatable)\n"
         "  --print       print the checked procedures as Exo source\n";
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  std::string outdir = "out", stem, file;
  std::vector<std::string> only;
  bool print = false;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "exoc: " << a << " needs a value\n";
        std::exit(usage(2));
      }
      return argv[++i];
    };
    if (a == "-h" || a == "--help") return usage(0);
    if (a == "-o") outdir = next();
    else if (a == "--stem") stem = next();
    else if (a == "--proc") only.push_back(next());
    else if (a == "--print") print = true;
    else if (!a.empty() && a[0] == '-') {
      std::cerr << "exoc: unknown option " << a << "\n";
      return usage(2);
    } else if (file.empty()) file = a;
    else {
      std::cerr << "exoc: one input file expected\n";
      return usage(2);
    }
  }
  if (file.empty()) return usage(2);
  if (stem.empty()) stem = std::filesystem::path(file).stem().string();
  try {
    exo::Module m = exo::Module::from_file(file);
    std::vector<exo::Proc> procs;
    if (only.empty()) {
      for (auto& p : m.procs())
        if (!p->instr) procs.push_back(p);
    } else {
      for (auto& n : only) procs.push_back(m.proc(n));
    }
    if (print)
      for (auto& p : procs) std::cout << exo::print_proc(p) << "\n";
    exo::compile_c(procs, outdir, stem);
  } catch (const exo::Error& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
