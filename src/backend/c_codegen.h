#pragma once
// Internals of the LoopIR -> C backend, shared by its translation units.
//
// The generated code follows exo-lang's C conventions (prototypes, window
// structs, context struct, memory hooks) so C harnesses written against the
// reference compiler link unchanged.

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "exo/hardware.h"
#include "exo/ir_functor.h"
#include "exo/loopir.h"

namespace exo::backend {

// ---- pieces of C text (c_text.cpp) -----------------------------------------

// The window struct for `rank` dimensions of `base`: name and guarded definition.
struct WinStruct {
  std::string name;
  std::string definition;
};
WinStruct window_struct(ScalarKind base, size_t rank, bool is_const);

// Python's repr() of a finite double ("1.0", "0.1", "1e-05"): the shortest
// digits that read back as exactly v, so also an exact C double literal.
std::string py_float_repr(double v);
// An exact C float literal for a finite float: its own shortest digits (so the C
// compiler's decimal-to-float rounding gives back exactly v) and the `f` suffix,
// always with a '.' or an exponent ("1.0f", "0.1f", "1e+20f").
std::string c_float_literal(float v);

// Python str.format-style substitution of `{name}` holes; `{{`/`}}` escape.
std::string format_template(const std::string& tmpl, const std::map<std::string, std::string>& vals,
                            const std::string& instr_name, const SrcInfo& where);

// Exo spellings for the comments above each C function.
std::string exo_expr_str(const Expr& e);
std::string exo_type_str(const Type& t);

// Names generated C must not use for variables (C/C++ keywords, libc names the
// generated code calls, names reserved by the generated code itself).
bool is_reserved_c_name(const std::string& s);
// Whether s starts like a reserved name (`__`, `_X`, `exo_`): no numbered
// suffix makes such a name free.
bool has_reserved_c_prefix(const std::string& s);

// Buffers each proc writes, directly, through window aliases, or by passing them
// to callees that write the matching parameter. Keys are Sym ids of the proc's
// own arguments and allocations.
class WriteAnalysis {
 public:
  const std::set<uint64_t>& writes(const ProcNode* p);

 private:
  std::unordered_map<const ProcNode*, std::set<uint64_t>> memo_;
  std::set<const ProcNode*> in_progress_;
};

// Adds to `out` every Sym statement `s` mentions: reads, windows, strides, call
// arguments, and the buffers it writes or allocates (c_proc.cpp).
void collect_mentioned_names(const Stmt& s, std::set<uint64_t>& out);

// ---- per-procedure compilation (c_proc.cpp, c_expr.cpp) --------------------

// The C runtime of par loops (c_par_runtime.cpp), emitted once per unit using it.
extern const char* kParRuntime;

// Shared, deterministic sets filled while compiling procs.
struct UnitState {
  std::set<std::string> helpers;                     // static helper names
  std::map<std::string, std::string> win_structs;    // name -> definition
  std::map<std::string, std::pair<ExternPtr, std::string>> externs;  // key -> (fn, prim type)
  WriteAnalysis writes;
  std::set<std::string> global_names;  // proc names: locals must not shadow them
};

// A lightweight index expression tree used for address arithmetic, simplified
// before printing (mirrors exo-lang's CIR).
// Marker in UnitState::helpers: an index constant beyond the int32 range was
// emitted (see c_compile.cpp).
inline constexpr const char* kWideIndex = "exo_wide_index";

struct Cir;
using CirPtr = std::shared_ptr<const Cir>;
struct Cir {
  enum Kind { Var, Const, Bin, Neg } kind;
  std::string text;  // Var: the C text (a name, `A.strides[0]`, a config read ...)
  int64_t val = 0;
  BinOpKind op = BinOpKind::Add;
  CirPtr lhs, rhs;
  bool nonneg = false;
};

// Statements and expressions are compiled by one hook per node kind (the
// visit overrides below, in c_proc.cpp and c_expr.cpp).
using StmtCases = StmtFunctor<void()>;
using ExprCases = ExprFunctor<std::string(int prec, ScalarKind want)>;

class ProcCompiler : private StmtCases, private ExprCases {
  // Both bases' hooks stay visible beside the overrides below.
  using StmtCases::visit;
  using ExprCases::visit;

 public:
  ProcCompiler(const Proc& proc, const std::string& ctxt_name, bool is_public, UnitState& unit);
  const std::string& decl() const { return decl_; }
  const std::string& def() const { return def_; }

 private:
  struct VarInfo {
    std::string cname;
    Type type;
    MemoryPtr mem;
    bool scalar_ref = false;  // a data scalar argument, passed by pointer
    uint64_t root = 0;        // the buffer a window variable aliases
    std::string ctype;        // C type declaring a copy of it (for par bodies); "" if none
    std::optional<int64_t> lo, hi;  // known bounds of control values (hi inclusive)
  };

  // names and scopes
  std::string new_varname(const Sym& s, VarInfo info);
  const VarInfo& var(const Sym& s) const;
  void push_scope();
  void pop_scope();
  void add_line(const std::string& line);

  // statements (c_proc.cpp)
  void comp_block(const Block& b);
  void comp_stmt(const Stmt& s);
  void visit(const PassNode& n, const Stmt& s) override;
  void visit(const AssignNode& n, const Stmt& s) override;
  void visit(const ReduceNode& n, const Stmt& s) override;
  void visit(const WriteConfigNode& n, const Stmt& s) override;
  void visit(const WindowStmtNode& n, const Stmt& s) override;
  void visit(const IfNode& n, const Stmt& s) override;
  void visit(const ForNode& n, const Stmt& s) override;
  void visit(const AllocNode& n, const Stmt& s) override;
  void visit(const CallNode& n, const Stmt& s) override;
  void comp_update(const Stmt& s, const Sym& name, const Type& ltype, const std::vector<Expr>& idx,
                   const Expr& rhs, bool is_assign);
  void comp_call(const CallNode& c);
  std::string comp_fnarg(const Expr& e, const ProcNode& callee, size_t i);
  bool is_written(const Sym& buffer) const;
  std::optional<int64_t> register_unroll_trip(const ForNode& f) const;
  // par loops (c_par.cpp): false when the loop must stay an OpenMP pragma
  bool comp_par_loop(const ForNode& f, const std::string& lo, const std::string& hi);

  // expressions (c_expr.cpp)
  std::string comp_e(const Expr& e, int prec = 0, ScalarKind want = ScalarKind::F32);
  std::string visit(const ReadNode& n, const Expr& e, int prec, ScalarKind want) override;
  std::string visit(const ConstNode& n, const Expr& e, int prec, ScalarKind want) override;
  std::string visit(const USubNode& n, const Expr& e, int prec, ScalarKind want) override;
  std::string visit(const BinOpNode& n, const Expr& e, int prec, ScalarKind want) override;
  std::string visit(const ExternCallNode& n, const Expr& e, int prec, ScalarKind want) override;
  std::string visit(const WindowExprNode& n, const Expr& e, int prec, ScalarKind want) override;
  std::string visit(const StrideExprNode& n, const Expr& e, int prec, ScalarKind want) override;
  std::string visit(const ReadConfigNode& n, const Expr& e, int prec, ScalarKind want) override;
  std::string comp_const(const ConstNode& c, ScalarKind want);
  std::string comp_binop(const BinOpNode& b, int prec, ScalarKind want);
  std::string access_str(const Sym& name, const std::vector<Expr>& idx);
  std::string window_literal(const Expr& e, bool is_const, std::string* data_out = nullptr);
  std::pair<std::string, std::string> window_fields(const Sym& name,
                                                    const std::vector<WAccess>& idx,
                                                    const SrcInfo& where);
  std::string window_type_name(ScalarKind base, size_t rank, bool is_const);
  std::string call_helper(const std::string& helper, const std::string& a, const std::string& b);

  // address arithmetic
  CirPtr lift(const Expr& e);
  std::string comp_cir(const CirPtr& e, int prec);
  std::vector<CirPtr> strides_of(const Sym& name);
  std::vector<std::string> shape_strs(const std::vector<Expr>& shape);
  void note_int_const(int64_t v);  // records a constant that needs a 64-bit index type
  std::optional<int64_t> lower(const Expr& e) const;
  std::optional<int64_t> upper(const Expr& e) const;
  bool nonneg(const Expr& e) const;

  const Proc& proc_;
  UnitState& unit_;
  std::string ctxt_type_;               // "void" or the unit's context struct
  std::vector<std::string> outlined_;   // par loop bodies, defined before the proc
  int par_loops_ = 0;
  std::vector<std::unordered_map<uint64_t, VarInfo>> env_;
  std::vector<std::map<std::string, std::string>> names_;
  std::map<std::pair<uint64_t, int>, int64_t> known_strides_;
  std::string tab_;
  std::vector<std::string> lines_;
  std::string decl_, def_;
};

}  // namespace exo::backend
