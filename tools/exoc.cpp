// exoc: compile the procedures of an Exo source file (.exo: the Python-subset
// syntax without Python around it) to C, through the C++ API.
//
//   exoc -o OUTDIR --stem NAME file.exo [--proc NAME ...] [--print]
//
// Without --proc, every non-instruction procedure is exported. Every failure
// (bad file, parse or type error, nothing to compile, unwritable output) is one
// line `exoc: error: ...` on stderr and exit status 1; a bad command line is 2.

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

int fail(const std::string& msg) {
  std::cerr << "exoc: error: " << msg << "\n";
  return 1;
}

// Compiles `file` as the options say; every failure is an exo::Error.
void run(const std::string& file, const std::vector<std::string>& only, bool print, const std::string& outdir,
         const std::string& stem) {
  exo::Module m = exo::Module::from_file(file);
  std::vector<exo::Proc> procs;
  if (only.empty()) {
    for (auto& p : m.procs())
      if (!p->instr) procs.push_back(p);
    if (procs.empty())
      throw exo::Error(exo::ErrorKind::Api, exo::SrcInfo(),
                       file + " defines no procedures to compile (only instructions, configs or nothing)");
  } else {
    for (auto& n : only) procs.push_back(m.proc(n));
  }
  if (print)
    for (auto& p : procs) std::cout << exo::print_proc(p) << "\n";
  exo::compile_c(procs, outdir, stem);
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
  auto bad_stem = [](const std::string& s) {
    return s.empty() || s == "." || s == ".." || s.find('/') != std::string::npos;
  };
  if (!stem.empty() && bad_stem(stem))
    return fail("--stem '" + stem + "' must be a file name without a directory (give the directory with -o)");
  if (stem.empty()) stem = std::filesystem::path(file).stem().string();
  if (bad_stem(stem)) stem = "out";  // FILE has no usable stem: reading it is refused first anyway
  try {
    run(file, only, print, outdir, stem);
  } catch (const exo::Error& e) {
    // A compiler error reads "file:line:col: kind: message"; an API error about
    // the files themselves is just its message.
    bool plain = e.kind() == exo::ErrorKind::Api && !e.where().known();
    return fail(plain ? e.message() : e.what());
  } catch (const std::bad_alloc&) {
    return fail("out of memory");
  } catch (const std::exception& e) {
    // Last resort: a library exception escaping the compiler is a bug in it.
    return fail(std::string("internal error: unexpected C++ exception: ") + e.what());
  }
  return 0;
}
