// The x86 library: every instruction of lib/platforms/x86.exo runs, compiled to
// C with its intrinsics, against the interpreter running its Exo body; and the
// AVX2/AVX512 memories declare registers or refuse shapes they cannot hold.
//
// Each instruction is exercised through a generated wrapper: register arguments
// are loaded from DRAM inputs (with the library's own loadu), the instruction is
// called, and every register is stored back, so the wrapper's DRAM outputs show
// what the instruction did to each lane.

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "exo/platforms/x86.h"
#include "support/differential.h"

namespace {

using namespace exo;
namespace x86 = exo::platforms;

bool cpu_has(const std::string& flag) {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("flags", 0) == 0)
      return (line + " ").find(" " + flag + " ") != std::string::npos;
  return false;
}

bool is_vector_mem(const MemoryPtr& m) { return m == x86::avx2() || m == x86::avx512(); }

// Instructions that write register lanes their body leaves untouched (zeroing
// masked loads, overcomputing broadcasts): only lanes below the bound are compared.
const std::set<std::string> kPartialLanes = {"mm512_maskz_loadu_ps", "mm512_maskz_loadu_pd",
                                             "mm256_prefix_load_ps", "mm256_prefix_load_pd",
                                             "mm512_mask_set1_ps",   "mm512_mask_set1_pd",
                                             "avx2_maskz_loadu_ps",  "avx2_maskz_loadu_pd",
                                             "avx2_maskz_broadcast_ss", "avx2_maskz_broadcast_sd"};

std::string loadu_for(const MemoryPtr& m, ScalarKind k) {
  bool wide = m == x86::avx512();
  switch (k) {
    case ScalarKind::F32:
      return wide ? "mm512_loadu_ps" : "mm256_loadu_ps";
    case ScalarKind::F64:
      return wide ? "mm512_loadu_pd" : "mm256_loadu_pd";
    default:
      return "mm256_loadu_si256";
  }
}
std::string storeu_for(const MemoryPtr& m, ScalarKind k) {
  std::string s = loadu_for(m, k);
  return s.replace(s.find("load"), 4, "store");
}

int64_t const_extent(const Expr& e) {
  auto c = e.as<ConstNode>();
  return c ? c->ival : -1;
}

struct Wrapper {
  std::string source;
  bool uses_avx512 = false;
};

// Exo source of `t_<instr>`, which feeds the instruction through DRAM.
Wrapper make_wrapper(const Proc& instr) {
  Wrapper w;
  int64_t lanes = 1;
  for (auto& a : instr->args)
    if (a.type.is_tensor && is_vector_mem(a.mem)) {
      lanes = std::max(lanes, const_extent(a.type.shape.back()));
      w.uses_avx512 |= a.mem == x86::avx512();
    }
  // Size arguments are literals satisfying every precondition of the library.
  std::map<std::string, int64_t> sizes;
  for (auto& a : instr->args)
    if (!a.type.is_tensor && !is_data_kind(a.type.base))
      sizes[a.name.name()] = a.name.name() == "locality_hint" ? 3 : lanes / 2 + 1;
  auto extent = [&](const Expr& e) -> int64_t {
    if (auto r = e.as<ReadNode>()) return sizes.at(r->name.name());
    return const_extent(e);
  };
  bool partial = kPartialLanes.count(instr->name) > 0;
  int64_t bound = lanes / 2 + 1;

  std::vector<std::string> params, pre, call, post;
  for (size_t k = 0; k < instr->args.size(); ++k) {
    const FnArg& a = instr->args[k];
    std::string id = std::to_string(k);
    if (!a.type.is_tensor && !is_data_kind(a.type.base)) {
      call.push_back(std::to_string(sizes.at(a.name.name())));
      continue;
    }
    ScalarKind kind = a.type.base == ScalarKind::R ? ScalarKind::F32 : a.type.base;
    std::string t(scalar_kind_name(kind));
    if (!a.type.is_tensor) {
      params.push_back("s" + id + ": " + t);
      call.push_back("s" + id);
      continue;
    }
    int64_t n = extent(a.type.shape.back());
    std::string ext = std::to_string(n);
    params.push_back("d" + id + ": " + t + "[" + ext + "]");
    if (!is_vector_mem(a.mem)) {
      call.push_back("d" + id + "[0:" + ext + "]");
      continue;
    }
    std::string v = "v" + id;
    pre.push_back(v + ": " + t + "[" + ext + "] @ " + a.mem->name());
    pre.push_back(loadu_for(a.mem, kind) + "(" + v + "[0:" + ext + "], d" + id + "[0:" + ext +
                  "])");
    call.push_back(v + "[0:" + ext + "]");
    if (!partial) {
      post.push_back(storeu_for(a.mem, kind) + "(d" + id + "[0:" + ext + "], " + v + "[0:" + ext +
                     "])");
    } else {
      post.push_back("tmp" + id + ": " + t + "[" + ext + "] @ DRAM");
      post.push_back(storeu_for(a.mem, kind) + "(tmp" + id + "[0:" + ext + "], " + v + "[0:" + ext +
                     "])");
      post.push_back("for i in seq(0, " + std::to_string(bound) + "):\n        d" + id +
                     "[i] = tmp" + id + "[i]");
    }
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
  w.source = s.str();
  return w;
}

class X86Instr : public ::testing::TestWithParam<std::string> {};

TEST_P(X86Instr, CompiledMatchesBody) {
  Proc instr = x86::load_x86_library().proc(GetParam());
  ASSERT_TRUE(instr->instr.has_value());
  Wrapper w = make_wrapper(instr);
  Scope scope = x86::x86_scope();
  Module m = Module::from_string(w.source, "t_" + GetParam() + ".exo", &scope);
  Proc p = m.proc("t_" + GetParam());

  std::string flags = "-mavx2 -mfma" + std::string(w.uses_avx512 ? " -mavx512f" : "");
  if (w.uses_avx512 && !cpu_has("avx512f")) {
    // Still check the generated C compiles with the intrinsics.
    CCode c = compile_to_c({p}, "t_" + GetParam());
    EXPECT_NE(c.c.find(GetParam().substr(0, 6)), std::string::npos);
    GTEST_SKIP() << "compiled only: this CPU has no avx512f, so " << GetParam() << " did not run";
  }
  for (unsigned seed = 1; seed <= 3; ++seed) {
    auto in = test::make_random_inputs(p, {}, seed);
    auto expected = test::run_interpreted(p, in, {});
    auto actual =
        test::run_compiled(p, in, "x86_" + GetParam() + "_" + std::to_string(seed), flags);
    EXPECT_EQ(test::compare_outputs(p, expected, actual), "") << w.source;
  }
}

std::vector<std::string> instr_names() {
  std::vector<std::string> out;
  for (const Proc& p : x86::load_x86_library().procs()) out.push_back(p->name);
  return out;
}

INSTANTIATE_TEST_SUITE_P(All, X86Instr, ::testing::ValuesIn(instr_names()),
                         [](const auto& info) { return info.param; });

// Every instruction of exo-lang's exo.platforms.x86, under its name, plus the
// names earlier releases used (mm256_setzero, mm256_reg_copy).
const char* const kReferenceNames[] = {
    "prefetch",
    "mm256_setzero_ps",
    "mm256_setzero_pd",
    "mm256_loadu_ps",
    "mm256_loadu_pd",
    "mm256_storeu_ps",
    "mm256_storeu_pd",
    "mm256_fmadd_ps",
    "mm256_fmadd_pd",
    "mm256_broadcast_ss",
    "mm256_broadcast_sd",
    "mm256_broadcast_ss_scalar",
    "mm256_broadcast_sd_scalar",
    "mm256_fmadd_ps_broadcast",
    "mm256_mul_ps",
    "mm256_mul_pd",
    "mm256_div_ps",
    "mm256_div_pd",
    "mm256_add_ps",
    "mm256_add_pd",
    "mm256_sub_ps",
    "mm256_sub_pd",
    "mm256_loadu_si256",
    "mm256_storeu_si256",
    "mm256_add_epi16",
    "mm512_setzero_ps",
    "mm512_add_ps",
    "mm512_mask_add_ps",
    "mm512_loadu_ps",
    "mm512_storeu_ps",
    "mm512_maskz_loadu_ps",
    "mm512_mask_storeu_ps",
    "mm512_fmadd_ps",
    "mm512_mask_fmadd_ps",
    "mm512_relu_ps",
    "mm512_mask_set1_ps",
    "mm512_set1_ps",
    "avx2_set0_ps",
    "avx2_fmadd_memu_ps",
    "avx2_select_ps",
    "avx2_select_pd",
    "avx2_assoc_reduce_add_ps",
    "avx2_assoc_reduce_add_pd",
    "avx2_sign_ps",
    "avx2_sign_pd",
    "avx2_reduce_add_wide_ps",
    "avx2_reduce_add_wide_pd",
    "avx2_reg_copy_ps",
    "avx2_reg_copy_pd",
    "avx2_mask_storeu_ps",
    "avx2_ui16_divide_by_3",
    "mm256_prefix_load_ps",
    "mm256_prefix_store_ps",
    "mm256_prefix_add_ps",
    "mm256_prefix_mul_ps",
    "mm256_prefix_sub_ps",
    "mm256_prefix_div_ps",
    "mm256_prefix_broadcast_ss",
    "avx2_convert_f32_lower_to_f64",
    "avx2_convert_f32_upper_to_f64",
    "mm256_setzero",
    "mm256_reg_copy",
};

TEST(X86Library, HasTheReferenceNames) {
  const Module& m = x86::load_x86_library();
  EXPECT_EQ(std::size(kReferenceNames), 62u);
  for (const char* n : kReferenceNames) {
    EXPECT_TRUE(m.has_proc(n)) << n;
    if (m.has_proc(n)) EXPECT_TRUE(m.proc(n)->instr.has_value()) << n;
  }
}

// The f64 and AVX-512 counterparts beyond the reference's f32-only forms.
TEST(X86Library, HasTheF64AndAvx512Counterparts) {
  const Module& m = x86::load_x86_library();
  for (const char* n :
       {"mm256_prefix_fmadd_pd", "mm256_prefix_broadcast_sd_scalar",
        "avx2_prefix_reduce_add_wide_pd", "avx2_prefix_sign_pd", "avx2_abs_pd",
        "avx2_mask_storeu_pd", "avx2_convert_f64_to_f32_upper", "mm512_setzero_pd",
        "mm512_maskz_loadu_pd", "mm512_mask_storeu_pd", "mm512_mask_fmadd_pd", "mm512_mask_div_pd",
        "mm512_set1_pd_scalar", "mm512_fmadd_pd_broadcast", "avx512_assoc_reduce_add_pd"})
    EXPECT_TRUE(m.has_proc(n)) << n;
}

// exo-lang's mm512_mask_add_ps has no bound on N, so a call with any N is
// accepted, and N >= 16 adds every lane (the mask saturates instead of shifting
// past the mask's width).
TEST(X86Library, MaskAddTakesAnyLaneCount) {
  Scope scope = x86::x86_scope();
  Module m = Module::from_string(
      "@proc\ndef t(N: size, o: f32[16], x: f32[16], y: f32[16]):\n"
      "    ov: f32[16] @ AVX512\n    xv: f32[16] @ AVX512\n    yv: f32[16] @ AVX512\n"
      "    mm512_loadu_ps(ov, o[0:16])\n    mm512_loadu_ps(xv, x[0:16])\n"
      "    mm512_loadu_ps(yv, y[0:16])\n    mm512_mask_add_ps(N, ov, xv, yv)\n"
      "    mm512_storeu_ps(o[0:16], ov)\n",
      "mask_add.exo", &scope);
  Proc p = m.proc("t");
  if (!cpu_has("avx512f")) GTEST_SKIP() << "this CPU has no avx512f: mm512_mask_add_ps did not run";
  for (int64_t n : {0, 3, 15, 16, 17, 31, 32, 40}) {
    auto in = test::make_random_inputs(p, {{"N", n}}, static_cast<unsigned>(n) + 1);
    auto expected = test::run_interpreted(p, in, {});
    auto actual =
        test::run_compiled(p, in, "x86_mask_add_" + std::to_string(n), "-mavx2 -mfma -mavx512f");
    EXPECT_EQ(test::compare_outputs(p, expected, actual), "") << "N = " << n;
  }
}

// --- The memories -----------------------------------------------------------

std::string alloc_c(const std::string& decl) {
  Scope scope = x86::x86_scope();
  Module m = Module::from_string("@proc\ndef k(x: f32[8]):\n    " + decl + "\n    pass\n",
                                 "mem.exo", &scope);
  return compile_to_c({m.proc("k")}, "mem").c;
}

TEST(X86Memory, DeclaresRegisters) {
  EXPECT_EQ(x86::avx2()->alloc("a", "float", {"8"}, {}), "__m256 a;");
  EXPECT_EQ(x86::avx2()->alloc("a", "double", {"4"}, {}), "__m256d a;");
  EXPECT_EQ(x86::avx2()->alloc("a", "float", {"4", "2", "8"}, {}), "__m256 a[4][2];");
  EXPECT_EQ(x86::avx512()->alloc("a", "float", {"3", "16"}, {}), "__m512 a[3];");
  EXPECT_EQ(x86::avx512()->alloc("a", "double", {"8"}, {}), "__m512d a;");
  EXPECT_EQ(x86::avx2()->window("float", "a", {"i", "0"}, {"8", "1"}, {}), "a[i]");
  EXPECT_FALSE(x86::avx2()->can_read());
  EXPECT_NE(x86::avx2()->global_().find("immintrin.h"), std::string::npos);
  EXPECT_NE(alloc_c("a: f32[4, 8] @ AVX2").find("__m256 a[4];"), std::string::npos);
}

TEST(X86Memory, RefusesShapesItCannotHold) {
  for (std::string bad :
       {"a: f32[7] @ AVX2", "a: f64[8] @ AVX2", "a: i32[8] @ AVX2", "a: f32 @ AVX2",
        "a: f32[8] @ AVX512", "a: f32[16, 4] @ AVX512", "a: i8[64] @ AVX512"}) {
    try {
      alloc_c(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::MemGen) << bad << ": " << e.what();
      EXPECT_NE(std::string(e.what()).find("mem.exo"), std::string::npos) << e.what();
    }
  }
}

TEST(X86Memory, ScalarCodeCannotReadRegisters) {
  try {
    Scope scope = x86::x86_scope();
    Module m = Module::from_string(
        "@proc\ndef k(x: f32[8]):\n    a: f32[8] @ AVX2\n    mm256_loadu_ps(a[0:8], x[0:8])\n"
        "    x[0] = a[1]\n",
        "read.exo", &scope);
    compile_to_c({m.proc("k")}, "read");
    ADD_FAILURE() << "scalar read of an AVX2 buffer was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::MemGen) << e.what();
  }
}

}  // namespace
