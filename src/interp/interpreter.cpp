// Running compiled procs: evaluation, bounds checks, calls, and the public
// interpret() entry point.

#include "exo/interpreter.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>

#include "exo/checked_int.h"
#include "exo/printer.h"
#include "interp/interp_internal.h"

namespace exo {

InterpBuffer InterpBuffer::dense(ScalarKind k, void* data, std::vector<int64_t> shape) {
  InterpBuffer b;
  b.kind = k;
  b.data = data;
  b.strides.assign(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;) b.strides[i - 1] = b.strides[i] * shape[i];
  b.shape = std::move(shape);
  return b;
}

namespace interp {

namespace {

double wrap32(int64_t v) { return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(v))); }

std::string shape_str(const View& v) {
  std::string s = "[";
  for (int i = 0; i < v.rank; ++i) s += (i ? ", " : "") + std::to_string(v.shape[i]);
  return s + "]";
}

// Poison for fresh allocations: NaN for reals, a recognizable byte pattern for
// integers, so reads of uninitialized storage show up in results.
void poison(char* p, ScalarKind k, int64_t n) {
  switch (k) {
    case ScalarKind::R:
    case ScalarKind::F32:
      for (int64_t i = 0; i < n; ++i) reinterpret_cast<float*>(p)[i] = std::numeric_limits<float>::quiet_NaN();
      return;
    case ScalarKind::F64:
      for (int64_t i = 0; i < n; ++i) reinterpret_cast<double*>(p)[i] = std::numeric_limits<double>::quiet_NaN();
      return;
    case ScalarKind::F16:
      for (int64_t i = 0; i < n; ++i) reinterpret_cast<uint16_t*>(p)[i] = 0x7e00;
      return;
    default:
      std::memset(p, 0xA5, static_cast<size_t>(n) * element_size(k));
  }
}

struct Frame {
  std::vector<int64_t> ints;
  std::vector<View> views;
  std::vector<std::unique_ptr<char[]>> allocs;  // live allocations, innermost last
};

class Runner {
 public:
  explicit Runner(ConfigState& cfg) : cfg_(cfg) {}

  void enter(const CProc& cp, Frame& f, ErrorKind err, const SrcInfo& where) {
    const ProcNode& p = *cp.proc;
    for (size_t i = 0; i < cp.args.size(); ++i) {
      const FnArg& a = p.args[i];
      const CProc::Arg& ca = cp.args[i];
      if (!ca.is_view) {
        if (a.type.base == ScalarKind::Size && f.ints[ca.slot] < 0)
          EXO_FAIL(err, where, "argument " << a.name.name() << " of " << p.name << " is a size but got "
                                           << f.ints[ca.slot]);
        continue;
      }
      const View& v = f.views[ca.slot];
      bool ok = v.rank == static_cast<int>(ca.shape.size());
      for (int d = 0; ok && d < v.rank; ++d) ok = v.shape[d] == eval_i(ca.shape[d], f);
      if (!ok) {
        std::string want = "[";
        for (size_t d = 0; d < ca.shape.size(); ++d)
          want += (d ? ", " : "") + std::to_string(eval_i(ca.shape[d], f));
        EXO_FAIL(err, where, "argument " << a.name.name() << " of " << p.name << " has shape " << shape_str(v)
                                         << " but " << print_type(a.type) << " needs " << want << "]");
      }
    }
    for (size_t i = 0; i < cp.preds.size(); ++i)
      if (!eval_b(cp.preds[i], f))
        EXO_FAIL(err == ErrorKind::Bounds ? ErrorKind::Precondition : err, where,
                 "precondition of " << p.name << " failed: assert " << print_expr(p.preds[i]));
    exec_block(cp.body, f);
  }

 private:
  // Where an access sits and how to show it: the expression if there is one,
  // otherwise the statement that writes.
  struct Site {
    const Expr* e = nullptr;
    const Stmt* s = nullptr;
    SrcInfo where() const { return e && *e ? (*e)->srcinfo : (s && *s ? (*s)->srcinfo : SrcInfo()); }
    std::string text() const {
      if (e && *e) return print_expr(*e);
      if (s && *s) {
        std::string t = print_stmt(*s);
        while (!t.empty() && t.back() == '\n') t.pop_back();
        return t;
      }
      return "?";
    }
  };

  [[noreturn]] void fail_index(const Site& site, const char* what, int dim, int64_t i, int64_t extent) {
    EXO_FAIL(ErrorKind::Bounds, site.where(),
             "out-of-bounds " << what << " in " << site.text() << ": index " << i << " of dimension " << dim
                              << " is outside [0, " << extent << ")");
  }

  int64_t offset(const View& v, const std::vector<CExpr>& idx, Frame& f, const Site& site, const char* what) {
    if (static_cast<int>(idx.size()) != v.rank)
      EXO_FAIL(ErrorKind::Bounds, site.where(),
               "access in " << site.text() << " has " << idx.size() << " indices but the buffer has rank "
                            << v.rank);
    int64_t off = 0;
    for (int d = 0; d < v.rank; ++d) {
      int64_t i = eval_i(idx[d], f);
      if (i < 0 || i >= v.shape[d]) fail_index(site, what, d, i, v.shape[d]);
      off += i * v.strides[d];
    }
    return off;
  }

  double config(const std::pair<std::string, std::string>* key, const Expr& src) {
    auto it = cfg_.find(*key);
    if (it == cfg_.end())
      EXO_FAIL(ErrorKind::Api, src ? src->srcinfo : SrcInfo(),
               "config field " << key->first << "." << key->second << " is read before it is written");
    return it->second;
  }

  static int64_t exact(std::optional<int64_t> v, const CExpr& e) {
    if (!v)
      EXO_FAIL(ErrorKind::Bounds, e.src ? e.src->srcinfo : SrcInfo(),
               "integer overflow: " << (e.src ? print_expr(e.src) : std::string("an index expression"))
                                    << " is outside +-(2^63 - 1)");
    return *v;
  }

  int64_t eval_i(const CExpr& e, Frame& f) {
    switch (e.op) {
      case EOp::IConst: return e.ival;
      case EOp::IVar: return f.ints[e.slot];
      // Exo integers are exact: a value that leaves int64 is an error, never a wrap.
      case EOp::INeg: return exact(checked_neg(eval_i(e.kids[0], f)), e);
      case EOp::IAdd: return exact(checked_add(eval_i(e.kids[0], f), eval_i(e.kids[1], f)), e);
      case EOp::ISub: return exact(checked_sub(eval_i(e.kids[0], f), eval_i(e.kids[1], f)), e);
      case EOp::IMul: return exact(checked_mul(eval_i(e.kids[0], f), eval_i(e.kids[1], f)), e);
      case EOp::IDiv:
      case EOp::IMod: {
        int64_t a = eval_i(e.kids[0], f), b = eval_i(e.kids[1], f);
        if (b == 0) EXO_FAIL(ErrorKind::Bounds, e.src->srcinfo, "division by zero in " << print_expr(e.src));
        return exact(e.op == EOp::IDiv ? checked_floor_div(a, b) : checked_floor_mod(a, b), e);
      }
      case EOp::IStride: {
        const View& v = f.views[e.slot];
        if (e.dim < 0 || e.dim >= v.rank)
          EXO_FAIL(ErrorKind::Bounds, e.src->srcinfo, "stride dimension " << e.dim << " out of range");
        return v.strides[e.dim];
      }
      case EOp::IConfig: return static_cast<int64_t>(config(e.cfg, e.src));
      default: EXO_FAIL(ErrorKind::Internal, SrcInfo(), "interpreter: bad index op");
    }
  }

  bool eval_b(const CExpr& e, Frame& f) {
    switch (e.op) {
      case EOp::BConst: return e.ival != 0;
      case EOp::BVar: return f.ints[e.slot] != 0;
      case EOp::BAnd: return eval_b(e.kids[0], f) && eval_b(e.kids[1], f);
      case EOp::BOr: return eval_b(e.kids[0], f) || eval_b(e.kids[1], f);
      case EOp::BConfig: return config(e.cfg, e.src) != 0;
      case EOp::ICmp: return compare(e.cmp, eval_i(e.kids[0], f), eval_i(e.kids[1], f));
      case EOp::DCmp: return compare(e.cmp, eval_d(e.kids[0], f), eval_d(e.kids[1], f));
      case EOp::BCmp: return compare(e.cmp, eval_b(e.kids[0], f), eval_b(e.kids[1], f));
      default: EXO_FAIL(ErrorKind::Internal, SrcInfo(), "interpreter: bad boolean op");
    }
  }

  template <class T>
  static bool compare(BinOpKind op, T a, T b) {
    switch (op) {
      case BinOpKind::Lt: return a < b;
      case BinOpKind::Gt: return a > b;
      case BinOpKind::Le: return a <= b;
      case BinOpKind::Ge: return a >= b;
      case BinOpKind::Eq: return a == b;
      default: return false;
    }
  }

  // Applies a binary arithmetic op in the C type `ct`; operands are exact values of ct.
  double arith(const CExpr& e, double a, double b) {
    switch (e.ct) {
      case CT::F32: {
        float x = static_cast<float>(a), y = static_cast<float>(b);
        switch (e.op) {
          case EOp::DAdd: return x + y;
          case EOp::DSub: return x - y;
          case EOp::DMul: return x * y;
          case EOp::DDiv: return x / y;
          default: return std::fmod(x, y);
        }
      }
      case CT::F64:
        switch (e.op) {
          case EOp::DAdd: return a + b;
          case EOp::DSub: return a - b;
          case EOp::DMul: return a * b;
          case EOp::DDiv: return a / b;
          default: return std::fmod(a, b);
        }
      case CT::I32: {
        int64_t x = static_cast<int64_t>(a), y = static_cast<int64_t>(b);
        switch (e.op) {
          case EOp::DAdd: return wrap32(x + y);
          case EOp::DSub: return wrap32(x - y);
          case EOp::DMul: return wrap32(x * y);
          default:
            if (y == 0) EXO_FAIL(ErrorKind::Bounds, e.src->srcinfo, "integer division by zero in " << print_expr(e.src));
            // C truncating division and remainder.
            return wrap32(e.op == EOp::DDiv ? x / y : x % y);
        }
      }
    }
    return 0;
  }

  double eval_d(const CExpr& e, Frame& f) {
    switch (e.op) {
      case EOp::DConst: return e.dval;
      case EOp::DLoad: {
        const View& v = f.views[e.slot];
        double x = load(v, offset(v, e.kids, f, Site{&e.src, nullptr}, "read"));
        // Promotion of the loaded value to the arithmetic type is exact.
        return x;
      }
      case EOp::DFromInt: return convert_to_kind(static_cast<double>(eval_i(e.kids[0], f)), e.kind);
      case EOp::DNeg: {
        double x = eval_d(e.kids[0], f);
        return e.ct == CT::I32 ? wrap32(-static_cast<int64_t>(x)) : -x;
      }
      case EOp::DAdd:
      case EOp::DSub:
      case EOp::DMul:
      case EOp::DDiv:
      case EOp::DMod: {
        double a = to_ct(eval_d(e.kids[0], f), e.kids[0].ct, e.ct);
        double b = to_ct(eval_d(e.kids[1], f), e.kids[1].ct, e.ct);
        return arith(e, a, b);
      }
      case EOp::DExtern: {
        std::vector<double> args;
        args.reserve(e.kids.size());
        for (auto& k : e.kids) args.push_back(eval_d(k, f));
        return convert_to_kind(e.ext->interpret(args), e.ct == CT::F64 ? ScalarKind::F64
                                                        : e.ct == CT::F32 ? ScalarKind::F32
                                                                          : ScalarKind::I32);
      }
      case EOp::DConfig: return config(e.cfg, e.src);
      default: EXO_FAIL(ErrorKind::Internal, SrcInfo(), "interpreter: bad data op");
    }
  }

  // C's implicit conversion of an operand to the operation's type.
  static double to_ct(double v, CT from, CT to) {
    if (from == to) return v;
    if (to == CT::F32) return static_cast<float>(v);
    return v;  // int -> double and float -> double are exact; real -> int does not occur
  }

  View make_window(const CWindow& w, Frame& f) {
    const View& src = f.views[w.slot];
    const SrcInfo& where = w.src ? w.src->srcinfo : SrcInfo();
    if (static_cast<int>(w.idx.size()) != src.rank)
      EXO_FAIL(ErrorKind::Bounds, where, "window " << print_expr(w.src) << " has " << w.idx.size()
                                                 << " coordinates but the buffer has rank " << src.rank);
    View out;
    out.kind = src.kind;
    int64_t off = 0;
    for (int d = 0; d < src.rank; ++d) {
      const auto& a = w.idx[d];
      int64_t lo = eval_i(a.lo, f);
      if (!a.interval) {
        if (lo < 0 || lo >= src.shape[d]) fail_index(Site{&w.src, nullptr}, "window", d, lo, src.shape[d]);
      } else {
        int64_t hi = eval_i(a.hi, f);
        if (lo < 0 || hi < lo || hi > src.shape[d])
          EXO_FAIL(ErrorKind::Bounds, where, "out-of-bounds window " << print_expr(w.src) << ": interval " << lo
                                                                     << ":" << hi << " of dimension " << d
                                                                     << " is not within [0, " << src.shape[d] << "]");
        out.shape[out.rank] = hi - lo;
        out.strides[out.rank] = src.strides[d];
        ++out.rank;
      }
      off += lo * src.strides[d];
    }
    out.base = src.base + off * static_cast<int64_t>(element_size(src.kind));
    return out;
  }

  void exec_block(const std::vector<CStmt>& b, Frame& f) {
    size_t mark = f.allocs.size();
    for (auto& s : b) exec(s, f);
    f.allocs.resize(mark);
  }

  void exec(const CStmt& s, Frame& f) {
    switch (s.op) {
      case SOp::Pass: return;
      case SOp::Assign: {
        const View& v = f.views[s.slot];
        int64_t off = offset(v, s.idx, f, Site{nullptr, &s.src}, "write");
        store(v, off, convert_to_kind(eval_d(s.rhs, f), v.kind));
        return;
      }
      case SOp::Reduce: {
        const View& v = f.views[s.slot];
        int64_t off = offset(v, s.idx, f, Site{nullptr, &s.src}, "reduce");
        double r = eval_d(s.rhs, f);
        double cur = load(v, off);
        double sum;
        switch (s.red_ct) {
          case CT::F32: sum = static_cast<float>(cur) + static_cast<float>(r); break;
          case CT::F64: sum = cur + r; break;
          default: sum = wrap32(static_cast<int64_t>(cur) + static_cast<int64_t>(r)); break;
        }
        store(v, off, convert_to_kind(sum, v.kind));
        return;
      }
      case SOp::WriteConfig: {
        double val;
        if (s.kind == ScalarKind::Bool) val = eval_b(s.rhs, f) ? 1 : 0;
        else if (is_index_kind(s.kind)) {
          // ConfigState holds doubles: an integer that a double cannot hold exactly
          // is refused rather than rounded.
          int64_t iv = eval_i(s.rhs, f);
          val = static_cast<double>(iv);
          if (exact_int_of_double(val) != iv)
            EXO_FAIL(ErrorKind::Bounds, s.src ? s.src->srcinfo : SrcInfo(),
                     "config value " << iv << " is beyond 2^53, which the interpreter cannot store exactly");
        }
        else val = convert_to_kind(eval_d(s.rhs, f), s.kind);
        cfg_[*s.cfg] = val;
        return;
      }
      case SOp::If:
        exec_block(eval_b(s.rhs, f) ? s.body : s.orelse, f);
        return;
      case SOp::For: {
        int64_t lo = eval_i(s.rhs, f), hi = eval_i(s.hi, f);
        for (int64_t i = lo; i < hi; ++i) {
          f.ints[s.slot] = i;
          exec_block(s.body, f);
        }
        return;
      }
      case SOp::Alloc: {
        View v;
        v.kind = s.kind;
        if (s.idx.size() > static_cast<size_t>(kMaxRank))
          EXO_FAIL(ErrorKind::Api, s.src->srcinfo, "interpreter supports buffers of rank <= " << kMaxRank);
        v.rank = static_cast<int>(s.idx.size());
        int64_t n = 1;
        for (int d = v.rank; d-- > 0;) {
          int64_t ext = eval_i(s.idx[d], f);
          if (ext < 0) EXO_FAIL(ErrorKind::Bounds, s.src->srcinfo, "allocation with negative extent " << ext);
          v.shape[d] = ext;
          v.strides[d] = n;
          n *= ext;
        }
        auto mem = std::make_unique<char[]>(static_cast<size_t>(std::max<int64_t>(n, 1)) * element_size(s.kind));
        poison(mem.get(), s.kind, n);
        v.base = mem.get();
        f.allocs.push_back(std::move(mem));
        f.views[s.slot] = v;
        return;
      }
      case SOp::Window:
        f.views[s.slot] = make_window(s.win, f);
        return;
      case SOp::Call:
        call(s, f);
        return;
    }
  }

  void call(const CStmt& s, Frame& f) {
    const CProc& cp = *s.callee;
    Frame g;
    g.ints.assign(cp.n_ints, 0);
    g.views.assign(cp.n_views, View{});
    for (size_t i = 0; i < s.args.size(); ++i) {
      const CArg& a = s.args[i];
      int slot = cp.args[i].slot;
      switch (a.kind) {
        case CArg::Int: g.ints[slot] = eval_i(a.e, f); break;
        case CArg::Bool: g.ints[slot] = eval_b(a.e, f); break;
        case CArg::WholeView: g.views[slot] = f.views[a.slot]; break;
        case CArg::Window: g.views[slot] = make_window(a.win, f); break;
        case CArg::ElemRef: {
          const View& v = f.views[a.slot];
          View r;
          r.kind = v.kind;
          r.base = v.base + offset(v, a.e.kids, f, Site{&a.e.src, nullptr}, "argument") * static_cast<int64_t>(element_size(v.kind));
          g.views[slot] = r;
          break;
        }
        case CArg::Temp: {
          auto mem = std::make_unique<char[]>(element_size(a.temp_kind));
          View r;
          r.kind = a.temp_kind;
          r.base = mem.get();
          store(r, 0, convert_to_kind(eval_d(a.e, f), a.temp_kind));
          g.allocs.push_back(std::move(mem));
          g.views[slot] = r;
          break;
        }
      }
      if (a.kind == CArg::WholeView || a.kind == CArg::Window || a.kind == CArg::ElemRef) {
        ScalarKind want = cp.proc->args[i].type.base;
        ScalarKind got = g.views[slot].kind;
        auto norm = [](ScalarKind k) { return k == ScalarKind::R ? ScalarKind::F32 : k; };
        if (norm(want) != norm(got))
          EXO_FAIL(ErrorKind::Type, s.src->srcinfo, "argument " << cp.proc->args[i].name.name() << " of "
                                                                << cp.proc->name << " expects "
                                                                << scalar_kind_name(want) << " data but got "
                                                                << scalar_kind_name(got));
      }
    }
    enter(cp, g, ErrorKind::Bounds, s.src->srcinfo);
  }

  ConfigState& cfg_;
};

}  // namespace

void run_proc(const CProc& cp, std::vector<int64_t> ints, std::vector<View> views, ConfigState& cfg,
              ErrorKind err_kind, const SrcInfo& where) {
  Frame f;
  f.ints = std::move(ints);
  f.views = std::move(views);
  Runner(cfg).enter(cp, f, err_kind, where);
}

}  // namespace interp

void interpret(const Proc& p, const std::vector<InterpValue>& args, ConfigState* configs) {
  using namespace interp;
  if (!p) EXO_FAIL(ErrorKind::Api, SrcInfo(), "interpret: null proc");
  if (args.size() != p->args.size())
    EXO_FAIL(ErrorKind::Api, p->srcinfo, p->name << " takes " << p->args.size() << " arguments but "
                                                 << args.size() << " were given");
  CProgram prog;
  const CProc* cp = prog.compile(p);
  std::vector<int64_t> ints(cp->n_ints, 0);
  std::vector<View> views(cp->n_views);
  for (size_t i = 0; i < args.size(); ++i) {
    const FnArg& a = p->args[i];
    const std::string& nm = a.name.name();
    if (!cp->args[i].is_view) {
      if (a.type.base == ScalarKind::Bool) {
        if (auto* b = std::get_if<bool>(&args[i])) ints[cp->args[i].slot] = *b;
        else if (auto* n = std::get_if<int64_t>(&args[i])) ints[cp->args[i].slot] = *n != 0;
        else EXO_FAIL(ErrorKind::Api, a.srcinfo, "argument " << nm << " of " << p->name << " must be a bool");
      } else {
        auto* n = std::get_if<int64_t>(&args[i]);
        if (!n) EXO_FAIL(ErrorKind::Api, a.srcinfo, "argument " << nm << " of " << p->name << " must be an integer");
        ints[cp->args[i].slot] = *n;
      }
      continue;
    }
    auto* b = std::get_if<InterpBuffer>(&args[i]);
    if (!b) EXO_FAIL(ErrorKind::Api, a.srcinfo, "argument " << nm << " of " << p->name << " must be a buffer");
    auto norm = [](ScalarKind k) { return k == ScalarKind::R ? ScalarKind::F32 : k; };
    if (norm(b->kind) != norm(a.type.base))
      EXO_FAIL(ErrorKind::Api, a.srcinfo, "argument " << nm << " of " << p->name << " is "
                                                      << scalar_kind_name(a.type.base) << " but the buffer holds "
                                                      << scalar_kind_name(b->kind));
    if (!b->data) EXO_FAIL(ErrorKind::Api, a.srcinfo, "argument " << nm << " of " << p->name << " has no data");
    if (b->shape.size() > static_cast<size_t>(kMaxRank) ||
        (!b->strides.empty() && b->strides.size() != b->shape.size()))
      EXO_FAIL(ErrorKind::Api, a.srcinfo, "argument " << nm << " of " << p->name << " has a malformed shape");
    InterpBuffer dense = InterpBuffer::dense(b->kind, b->data, b->shape);
    const std::vector<int64_t>& strides = b->strides.empty() ? dense.strides : b->strides;
    // A non-window tensor is a plain C array in generated code: it must be dense.
    if (a.type.is_tensor && !a.type.is_window && strides != dense.strides)
      EXO_FAIL(ErrorKind::Api, a.srcinfo, "argument " << nm << " of " << p->name
                                                      << " is a dense tensor but the buffer is strided");
    View v;
    v.kind = b->kind;
    v.base = static_cast<char*>(b->data);
    v.rank = static_cast<int>(b->shape.size());
    for (int d = 0; d < v.rank; ++d) {
      v.shape[d] = b->shape[d];
      v.strides[d] = strides[d];
    }
    views[cp->args[i].slot] = v;
  }
  ConfigState local;
  run_proc(*cp, std::move(ints), std::move(views), configs ? *configs : local, ErrorKind::Api, p->srcinfo);
}

}  // namespace exo
