// The Arm and RISC-V libraries: every instruction of lib/platforms/neon.exo,
// sve_vls.exo (at two vector lengths), sve_vla.exo and rvv.exo is
// cross-compiled with its intrinsics, run under qemu-user, and compared with
// the interpreter running its Exo body on random inputs.
//
// As for x86 (test_x86.cpp), each instruction runs inside a generated wrapper:
// register arguments are loaded from DRAM with the library's own load, the
// instruction is called, and every register is stored back, so the wrapper's
// DRAM outputs show what the instruction did to each lane. Lanes an
// instruction's body leaves alone (RVV lanes from vl up) are compared too.
//
// Toolchains (Debian packages): gcc-aarch64-linux-gnu, clang-16 with the
// riscv64 libc of gcc-riscv64-linux-gnu (GCC 12 has no riscv_vector.h),
// qemu-user-static. A test skips, naming what is missing, without them.

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <sstream>

#include "exo/platforms/library.h"
#include "support/differential.h"

namespace {

using namespace exo;
namespace plat = exo::platforms;
using test::CTarget;

// --- Toolchains ---------------------------------------------------------------

// Why `t` cannot build and run a trivial program that includes `header` (its
// compiler or emulator is missing, or they do not work, e.g. without the
// target's libc for static linking); "" when it can.
std::string toolchain_problem(const CTarget& t, const std::string& header, bool try_it) {
  std::string compiler = t.compiler.substr(0, t.compiler.find(' '));
  std::string runner = t.runner.substr(0, t.runner.find(' '));
  if (!test::have_program(compiler)) return compiler + " is not installed";
  if (!test::have_program(runner)) return runner + " is not installed";
  if (!try_it) return "";
  std::string dir = test::make_temp_dir("probe");
  test::write_file(dir + "/probe.c", "#include <" + header + ">\nint main(void) { return 0; }\n");
  try {
    test::compile_c_program(dir, "", &t);
    test::run_program(dir, "", &t);
  } catch (const std::exception& e) {
    return std::string("the toolchain does not work: ") + e.what();
  }
  return "";
}

const std::string kSveInclude = std::string(EXO_TEST_DATA_DIR) + "/../lib/platforms/sve";

CTarget neon_target() {
  return {"aarch64-linux-gnu-gcc", "-march=armv8.2-a+fp16 -static", "qemu-aarch64-static -cpu max"};
}
// Compiled for a fixed vector length, run on a CPU of that length.
CTarget sve_vls_target(int bits) {
  std::string b = std::to_string(bits);
  return {"aarch64-linux-gnu-gcc", "-march=armv8.2-a+sve -msve-vector-bits=" + b + " -static",
          "qemu-aarch64-static -cpu max,sve" + b + "=on"};
}
// Vector-length agnostic code, run at `bits`.
CTarget sve_vla_target(int bits) {
  return {"aarch64-linux-gnu-gcc", "-march=armv8.2-a+sve -static -I'" + kSveInclude + "'",
          "qemu-aarch64-static -cpu max,sve" + std::to_string(bits) + "=on"};
}
// rvv_ta_all_1s: tail-agnostic instructions set the lanes from vl up to all
// ones, as hardware may, so a template that does not keep them is caught.
CTarget rvv_target(int vlen) {
  return {"clang-16", "--target=riscv64-linux-gnu -march=rv64gcv -static",
          "qemu-riscv64-static -cpu rv64,v=true,vext_spec=v1.0,vlen=" + std::to_string(vlen) +
              ",rvv_ta_all_1s=true"};
}

// --- The libraries ------------------------------------------------------------

// Values of an instruction's size/index arguments for one run, by name.
using Sizes = std::map<std::string, int64_t>;

struct Library {
  Module module;
  Scope scope;  // builtins, the register memory and the instructions
  MemoryPtr vector;  // the register memory, or null
  std::map<ScalarKind, std::pair<std::string, std::string>> load_store;  // registers <-> DRAM
  std::string full_length;  // trailing argument of load_store (RVV's vl), or ""
  std::string header;       // the intrinsics' header, to probe the toolchain
  std::vector<CTarget> targets;
  std::function<std::vector<Sizes>(const Proc&)> sizes;  // the runs of one instruction
};

Scope scope_of(const Scope* memories, const Module& m) {
  Scope s(memories);
  for (const Proc& p : m.procs()) s.bind_proc(p);
  return s;
}

// The lanes of the widest register argument.
int64_t register_lanes(const Proc& instr, const MemoryPtr& vector) {
  int64_t lanes = 1;
  for (auto& a : instr->args)
    if (a.type.is_tensor && a.mem == vector)
      if (auto c = a.type.shape.back().as<ConstNode>()) lanes = std::max(lanes, c->ival);
  return lanes;
}

Library neon_library() {
  Library l{plat::load_library("neon"), plat::library_scope("neon"), plat::neon(), {}, "", "arm_neon.h",
            {neon_target()}, nullptr};
  l.load_store = {{ScalarKind::F32, {"neon_vld_4xf32", "neon_vst_4xf32"}},
                  {ScalarKind::F64, {"neon_vld_2xf64", "neon_vst_2xf64"}},
                  {ScalarKind::F16, {"neon_vld_8xf16", "neon_vst_8xf16"}}};
  MemoryPtr neon = l.vector;
  l.sizes = [neon](const Proc& instr) {
    for (auto& a : instr->args)
      if (a.name.name() == "lane") {
        int64_t lanes = register_lanes(instr, neon);
        return std::vector<Sizes>{{{"lane", 0}}, {{"lane", lanes - 1}}, {{"lane", lanes / 2 - 1}}};
      }
    return std::vector<Sizes>{{}};
  };
  return l;
}

Library sve_vls_library(int bits) {
  static const Scope builtins = Scope::with_builtins();
  static std::map<int, Scope> memories;
  if (!memories.count(bits)) {
    Scope s(&builtins);
    s.bind_memory(plat::sve_vls(bits));
    memories.emplace(bits, std::move(s));
  }
  Module m = plat::load_sve_vls_library(bits);
  Library l{m, scope_of(&memories.at(bits), m), plat::sve_vls(bits), {}, "", "arm_sve.h",
            {sve_vls_target(bits)}, [](const Proc&) { return std::vector<Sizes>{{}}; }};
  l.load_store = {{ScalarKind::F32, {"svld1_f32", "svst1_f32"}}};
  return l;
}

Library sve_vla_library() {
  // Odd lengths (a predicated last step), a multiple of every vector length,
  // and fewer elements than one register.
  return {plat::load_library("sve_vla"), plat::library_scope("sve_vla"), nullptr, {}, "", "arm_sve.h",
          {sve_vla_target(128), sve_vla_target(512)},
          [](const Proc&) { return std::vector<Sizes>{{{"N", 37}}, {{"N", 64}}, {{"N", 3}}}; }};
}

Library rvv_library() {
  Library l{plat::load_library("rvv"), plat::library_scope("rvv"), plat::rvv(), {}, ", 4",
            "riscv_vector.h", {rvv_target(128), rvv_target(256)}, nullptr};
  l.load_store = {{ScalarKind::F32, {"rvv_vld_4xf32", "rvv_vst_4xf32"}}};
  l.sizes = [](const Proc& instr) {
    for (auto& a : instr->args)
      if (a.name.name() == "vl") return std::vector<Sizes>{{{"vl", 4}}, {{"vl", 3}}, {{"vl", 1}}};
    return std::vector<Sizes>{{}};
  };
  return l;
}

Library library_named(const std::string& name) {
  if (name == "Neon") return neon_library();
  if (name == "SveVls256") return sve_vls_library(256);
  if (name == "SveVls512") return sve_vls_library(512);
  if (name == "SveVla") return sve_vla_library();
  return rvv_library();
}

// --- The wrapper ----------------------------------------------------------------

// Exo source of `t_<instr>`: data arguments become DRAM parameters, registers
// are loaded from them and stored back, size arguments are the literals `sizes`.
std::string make_wrapper(const Library& lib, const Proc& instr, const Sizes& sizes) {
  auto extent = [&](const Expr& e) -> int64_t {
    if (auto r = e.as<ReadNode>()) return sizes.at(r->name.name());
    auto c = e.as<ConstNode>();
    return c ? c->ival : -1;
  };
  std::vector<std::string> params, pre, call, post;
  for (size_t k = 0; k < instr->args.size(); ++k) {
    const FnArg& a = instr->args[k];
    std::string id = std::to_string(k);
    if (!a.type.is_tensor && !is_data_kind(a.type.base)) {
      call.push_back(std::to_string(sizes.at(a.name.name())));
      continue;
    }
    std::string t(scalar_kind_name(a.type.base));
    if (!a.type.is_tensor) {
      params.push_back("s" + id + ": " + t);
      call.push_back("s" + id);
      continue;
    }
    std::string ext = std::to_string(extent(a.type.shape.back()));
    std::string whole = "[0:" + ext + "]";
    params.push_back("d" + id + ": " + t + "[" + ext + "]");
    if (!lib.vector || a.mem != lib.vector) {
      call.push_back("d" + id + whole);
      continue;
    }
    auto [load, store] = lib.load_store.at(a.type.base);
    std::string v = "v" + id;
    pre.push_back(v + ": " + t + "[" + ext + "] @ " + a.mem->name());
    pre.push_back(load + "(" + v + whole + ", d" + id + whole + lib.full_length + ")");
    call.push_back(v + whole);
    post.push_back(store + "(d" + id + whole + ", " + v + whole + lib.full_length + ")");
  }
  std::ostringstream s;
  s << "@proc\ndef t_" << instr->name << "(";
  for (size_t k = 0; k < params.size(); ++k) s << (k ? ", " : "") << params[k];
  s << "):\n";
  for (auto& l : pre) s << "    " << l << "\n";
  s << "    " << instr->name << "(";
  for (size_t k = 0; k < call.size(); ++k) s << (k ? ", " : "") << call[k];
  s << ")\n";
  for (auto& l : post) s << "    " << l << "\n";
  return s.str();
}

// --- Every instruction against its body ------------------------------------------

struct InstrCase {
  std::string library;  // Neon, SveVls256, SveVls512, SveVla, Rvv
  std::string instr;
};

void PrintTo(const InstrCase& c, std::ostream* os) { *os << c.library << "/" << c.instr; }

class ArmRvvInstr : public ::testing::TestWithParam<InstrCase> {};

TEST_P(ArmRvvInstr, CompiledMatchesBody) {
  const InstrCase& c = GetParam();
  Library lib = library_named(c.library);
  // Whether the tools are there; whether they work is asked only if a build fails.
  for (const CTarget& t : lib.targets) {
    std::string problem = toolchain_problem(t, lib.header, false);
    if (!problem.empty()) GTEST_SKIP() << c.instr << " did not run: " << problem;
  }
  Proc instr = lib.module.proc(c.instr);
  ASSERT_TRUE(instr->instr.has_value());
  for (const Sizes& sizes : lib.sizes(instr)) {
    std::string source = make_wrapper(lib, instr, sizes);
    Module m = Module::from_string(source, "t_" + c.instr + ".exo", &lib.scope);
    Proc p = m.proc("t_" + c.instr);
    std::vector<test::ProcInputs> ins;
    for (unsigned seed = 1; seed <= 3; ++seed) ins.push_back(test::make_random_inputs(p, {}, seed));
    // The targets of a library share one build (they differ in the CPU run on).
    std::vector<std::vector<test::Buffers>> actual;
    try {
      actual = test::run_compiled_each(p, ins, c.library + "_" + c.instr, "", lib.targets);
    } catch (const std::exception& e) {
      for (const CTarget& t : lib.targets) {
        std::string problem = toolchain_problem(t, lib.header, true);
        if (!problem.empty()) GTEST_SKIP() << c.instr << " did not run: " << problem;
      }
      FAIL() << e.what() << "\n" << source;
    }
    for (size_t r = 0; r < ins.size(); ++r) {
      auto expected = test::run_interpreted(p, ins[r], {});
      for (size_t t = 0; t < lib.targets.size(); ++t)
        EXPECT_EQ(test::compare_outputs(p, expected, actual[t][r]), "")
            << "under " << lib.targets[t].runner << ", seed " << r + 1 << ":\n"
            << source;
    }
  }
}

std::vector<InstrCase> all_cases() {
  std::vector<InstrCase> out;
  for (const char* name : {"Neon", "SveVls256", "SveVls512", "SveVla", "Rvv"}) {
    Library lib = library_named(name);
    for (const Proc& p : lib.module.procs()) out.push_back({name, p->name});
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(All, ArmRvvInstr, ::testing::ValuesIn(all_cases()),
                         [](const auto& info) { return info.param.library + "_" + info.param.instr; });

// --- Names and memories ------------------------------------------------------------

// exo-lang's instructions, under its names, and no others.
TEST(ArmRvvLibraries, HaveTheReferenceInstructions) {
  EXPECT_EQ(plat::load_library("neon").procs().size(), 43u);
  EXPECT_EQ(plat::load_library("sve_vla").procs().size(), 1u);
  EXPECT_EQ(plat::load_sve_vls_library(512).procs().size(), 3u);
  EXPECT_EQ(plat::load_library("rvv").procs().size(), 8u);
  for (const char* n : {"neon_vfmla_4xf32_4xf32", "neon_vfmadd_1xf16_8xf16", "neon_vmul2_4xf32",
                        "neon_assoc_reduce_add_instr_2xf64", "neon_convert_f32_upper_to_f64"})
    EXPECT_TRUE(plat::load_library("neon").has_proc(n)) << n;
  for (const char* n : {"rvv_vld_4xf32", "rvv_broadcast_4xf32_0", "rvv_vfmacc_1xf32_4xf32"})
    EXPECT_TRUE(plat::load_library("rvv").has_proc(n)) << n;
  EXPECT_TRUE(plat::load_library("sve_vla").has_proc("svmla_n_f32_x_vla"));
}

// The lane count of the fixed-length SVE library follows its vector length.
TEST(ArmRvvLibraries, SveVlsRegistersFollowTheLength) {
  for (int bits : {128, 256, 512, 2048}) {
    Proc ld = plat::load_sve_vls_library(bits).proc("svld1_f32");
    auto c = ld->args[0].type.shape.back().as<ConstNode>();
    ASSERT_TRUE(c);
    EXPECT_EQ(c->ival, bits / 32) << bits;
    EXPECT_EQ(ld->args[0].mem, plat::sve_vls(bits));
  }
}

// The generated C of each library names the intrinsics it was written for.
TEST(ArmRvvLibraries, CallsTheIntrinsics) {
  Library rvv = rvv_library();
  Module m = Module::from_string(
      "@proc\ndef k(x: f32[4], a: f32):\n    v: f32[4] @ RVV\n    w: f32[4] @ RVV\n"
      "    rvv_vld_4xf32(v, x[0:4], 3)\n    rvv_broadcast_4xf32_scalar(w, a, 2)\n"
      "    rvv_vfmacc_4xf32_4xf32(v, w, w, 3)\n    rvv_vst_4xf32(x[0:4], v, 3)\n",
      "k.exo", &rvv.scope);
  std::string c = compile_to_c({m.proc("k")}, "k").c;
  EXPECT_NE(c.find("#include <riscv_vector.h>"), std::string::npos) << c;
  EXPECT_NE(c.find("vfloat32m1_t v;"), std::string::npos) << c;
  EXPECT_NE(c.find("exo_rvv_vle32_f32m1_tu(&v, &x[0], (3));"), std::string::npos) << c;
  EXPECT_NE(c.find("exo_rvv_vfmv_f32m1_tu(&w, *(a), (2));"), std::string::npos) << c;
  EXPECT_NE(c.find("v = __riscv_vfmacc_vv_f32m1_tu(v, w, w, (3));"), std::string::npos) << c;
  EXPECT_NE(c.find("__riscv_vse32_v_f32m1(&x[0], v,(3));"), std::string::npos) << c;
}

}  // namespace
