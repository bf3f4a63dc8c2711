// The checks behind the fuzz targets (see fuzz_checks.h).
#include "fuzz_checks.h"

#include <exception>
#include <vector>

#include "exo/schedule/buffers.h"
#include "exo/schedule/configs.h"
#include "exo/exo.h"
#include "exo/schedule/exprs.h"
#include "exo/schedule/loop_ranges.h"
#include "exo/schedule/match.h"
#include "exo/schedule/procs.h"
#include "exo/schedule/loops.h"

namespace exo::fuzz {
namespace {

// An accepted rewrite must pass the checks its input passed.
struct NotChecking {
  std::string what;
};

// Runs `f`: "" when it returns or raises a user-facing exo::Error, else the finding.
template <class F>
std::string findings_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::Internal) return std::string("internal error: ") + e.what();
  } catch (const std::exception& e) {
    return std::string("non-exo exception: ") + e.what();
  } catch (const NotChecking& e) {
    return e.what;
  }
  return "";
}

// The fixed proc of check_fragment_input.
const char* kModule = R"(
@config
class Cfg:
    f: f32
    off: index

@instr("vadd8(&{dst_data}, &{src_data});")
def vadd8(dst: [f32][8] @ DRAM, src: [f32][8] @ DRAM):
    assert stride(dst, 0) == 1
    assert stride(src, 0) == 1
    for k in seq(0, 8):
        dst[k] += src[k]

@proc
def row_acc(m: size, dst: [f32][m] @ DRAM, src: [f32][m] @ DRAM):
    for k in seq(0, m):
        dst[k] += src[k]

@proc
def target(n: size, m: size, flag: bool, x: f32[n, 8] @ DRAM, y: f32[n] @ DRAM, A: f32[n, 16] @ DRAM):
    assert n >= 2
    assert m <= n
    tmp: f32[8] @ DRAM
    for i in seq(0, n):
        for j in seq(0, 8):
            tmp[j] = x[i, j] * 2.0
        for j in seq(0, 8):
            y[i] += tmp[j] + A[i, j]
        if i < m:
            w = A[i, 0:8]
            row_acc(8, w, x[i, 0:8])
        else:
            y[i] = select(y[i], 0.0, relu(y[i]), -y[i])
    Cfg.f = y[0]
    for i in par(0, n):
        vadd8(A[i, 8:16], x[i, 0:8])
    for k in seq(0, m):
        if flag:
            acc: f32 @ DRAM
            acc = Cfg.f + y[k] * -1.0
            y[k] = acc
)";

struct Fixture {
  Module mod = Module::from_string(kModule, "<fuzz-fixture>");
  Proc p = mod.proc("target");
  Proc instr = mod.proc("vadd8");
  ConfigPtr cfg = mod.configs().at(0);
  Scope scope = Scope::with_builtins();
  Fixture() {
    for (auto& q : mod.procs()) scope.bind_proc(q);
    scope.bind_config(cfg);
  }
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

// The first match of `pattern`, or the proc's first statement.
Cursor some(const Proc& p, const char* pattern) {
  auto ms = match_pattern(p, pattern);
  return ms.empty() ? Cursor::stmt({PathStep{false, 0}}) : ms.front();
}

void accepted(const Rewrite& r) {
  try {
    check_proc(r.proc);
  } catch (const Error& e) {
    throw NotChecking{std::string("an accepted rewrite does not check: ") + e.what()};
  }
}

void run(uint8_t mode, const std::string& a, const std::string& b) {
  const Fixture& fx = fixture();
  const Proc& p = fx.p;
  switch (mode % 14) {
    case 0:
      (void)match_pattern(p, a);
      break;
    case 1:
      (void)find_loop(p, a);
      break;
    case 2:
      (void)find_alloc(p, a);
      break;
    case 3:
      (void)find_stmt(p, a);
      break;
    case 4:
      (void)typecheck_expr_fragment(*parse_expr_fragment(a), p, fx.scope, mode & 0x80);
      break;
    case 5:
      (void)parse_stmt_fragment(a);
      (void)parse_pattern(a);
      break;
    case 6:  // an expression replaced by fuzz text (index and data positions)
      accepted(rewrite_expr(p, some(p, b.empty() ? "tmp[_]" : b.c_str()), a, &fx.scope));
      break;
    case 7:  // a window expression to stage
      accepted(stage_mem(p, some(p, "for j in _: _ #1"), a, "st", mode & 0x80));
      break;
    case 8:  // the extent and index expressions of a new dimension
      accepted(expand_dim(p, find_alloc(p, "tmp"), a, b));
      break;
    case 9:
      accepted(specialize(p, some(p, "for j in _: _"), std::vector<std::string>{a}));
      break;
    case 10:
      accepted(write_config(p, after(some(p, "Cfg.f = _")), fx.cfg, mode & 0x80 ? "off" : "f", a,
                            &fx.scope));
      break;
    case 11:
      accepted(bind_expr(p, a, "b", mode & 0x80));
      break;
    case 12:
      accepted(shift_loop(p, find_loop(p, b.empty() ? "k" : b), a));
      break;
    default: {  // a no-op call with fuzz arguments (split at NUL bytes)
      std::vector<std::string> args{a};
      if (!b.empty()) args.push_back(b);
      accepted(insert_noop_call(p, before(some(p, "for k in _: _")), fx.instr, args, &fx.scope));
      break;
    }
  }
}

}  // namespace

std::string check_module_text(std::string_view text) {
  return findings_of([&] {
    Module m = Module::from_string(std::string(text), "<fuzz>");
    std::vector<Proc> exported;
    for (const Proc& p : m.procs()) {
      (void)print_proc(p);
      if (!p->instr) exported.push_back(p);
    }
    if (!exported.empty()) (void)compile_to_c(exported, "fuzz");
  });
}

std::string check_fragment_input(const uint8_t* data, size_t size) {
  if (size == 0) return "";
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string a = text, b;
  if (auto nul = text.find('\0'); nul != std::string::npos) {
    a = text.substr(0, nul);
    b = text.substr(nul + 1);
  }
  return findings_of([&] { run(data[0], a, b); });
}

}  // namespace exo::fuzz
