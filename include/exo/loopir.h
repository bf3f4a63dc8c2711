#pragma once
// LoopIR: the typed, immutable intermediate representation of Exo procedures.
//
// Nodes are immutable and held through shared handles (Expr, Stmt, Proc), so a
// rewrite copies only the path it changes and shares the rest. Each node has a
// kind tag and a checked `as<T>()`. Every node carries the SrcInfo of the user
// code it came from.
//
// Semantics in brief:
//  - `for i in seq(lo, hi)` runs i = lo, lo+1, ..., hi-1 (half-open; empty if hi <= lo).
//    `par` loops have the same meaning but iterations may run concurrently.
//  - Index arithmetic is on mathematical integers; `/` and `%` on index values are
//    floor division and the matching non-negative modulo (divisor a positive constant).
//  - A window `x[i, 0:8]` aliases the storage of x (no copy); writes through a window
//    are writes to x.
//  - Reduce (`+=`) is `x = x + rhs` performed as one accumulation.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exo/error.h"
#include "exo/types.h"

namespace exo {

class Memory;
class Config;
class Extern;
struct ExprNode;
struct StmtNode;
struct ProcNode;

// ---------------------------------------------------------------------------
// Handles
// ---------------------------------------------------------------------------

class Expr {
 public:
  Expr() = default;
  Expr(std::shared_ptr<const ExprNode> n) : node_(std::move(n)) {}
  const ExprNode* get() const { return node_.get(); }
  const ExprNode* operator->() const { return node_.get(); }
  const ExprNode& operator*() const { return *node_; }
  explicit operator bool() const { return node_ != nullptr; }
  bool same_as(const Expr& o) const { return node_ == o.node_; }
  template <class T>
  const T* as() const;  // nullptr if not of kind T
  const std::shared_ptr<const ExprNode>& ptr() const { return node_; }

 private:
  std::shared_ptr<const ExprNode> node_;
};

class Stmt {
 public:
  Stmt() = default;
  Stmt(std::shared_ptr<const StmtNode> n) : node_(std::move(n)) {}
  const StmtNode* get() const { return node_.get(); }
  const StmtNode* operator->() const { return node_.get(); }
  const StmtNode& operator*() const { return *node_; }
  explicit operator bool() const { return node_ != nullptr; }
  bool same_as(const Stmt& o) const { return node_ == o.node_; }
  template <class T>
  const T* as() const;
  const std::shared_ptr<const StmtNode>& ptr() const { return node_; }

 private:
  std::shared_ptr<const StmtNode> node_;
};

using Block = std::vector<Stmt>;
using Proc = std::shared_ptr<const ProcNode>;
using MemoryPtr = std::shared_ptr<const Memory>;
using ConfigPtr = std::shared_ptr<const Config>;
using ExternPtr = std::shared_ptr<const Extern>;

// ---------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------

// A scalar type, or a tensor/window of a data scalar type.
// For a tensor `f32[M, N]`, `shape` holds the index expressions M and N.
// `is_window` marks `[f32][M, N]` (a window argument or window statement): its
// storage is strided and accessed through a window struct in C.
struct Type {
  ScalarKind base = ScalarKind::Int;
  bool is_tensor = false;
  bool is_window = false;
  std::vector<Expr> shape;

  static Type scalar(ScalarKind k) { return Type{k, false, false, {}}; }
  static Type tensor(ScalarKind k, std::vector<Expr> shape, bool is_window = false) {
    return Type{k, true, is_window, std::move(shape)};
  }
  bool is_numeric() const { return is_data_kind(base); }  // data (possibly tensor)
  bool is_indexable() const { return !is_tensor && is_index_kind(base); }
  bool is_bool() const { return !is_tensor && base == ScalarKind::Bool; }
  bool is_real_scalar() const { return !is_tensor && is_data_kind(base); }
  size_t rank() const { return shape.size(); }
};

// ---------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------

#define EXO_EXPR_KINDS(X) \
  X(Read)                 \
  X(Const)                \
  X(USub)                 \
  X(BinOp)                \
  X(ExternCall)           \
  X(WindowExpr)           \
  X(StrideExpr)           \
  X(ReadConfig)

enum class ExprKind : uint8_t {
#define EXO_X(n) n,
  EXO_EXPR_KINDS(EXO_X)
#undef EXO_X
};
const char* expr_kind_name(ExprKind k);

struct ExprNode {
  ExprKind kind;
  Type type;
  SrcInfo srcinfo;
  ExprNode(ExprKind k, Type t, SrcInfo s) : kind(k), type(std::move(t)), srcinfo(std::move(s)) {}
  virtual ~ExprNode() = default;
};

// Read of a variable: scalar `x`, element `A[i, j]`, or a whole buffer `A` (idx
// empty, type tensor) when passed as a call argument.
struct ReadNode : ExprNode {
  static constexpr ExprKind kKind = ExprKind::Read;
  Sym name;
  std::vector<Expr> idx;
  ReadNode(Sym n, std::vector<Expr> i, Type t, SrcInfo s)
      : ExprNode(kKind, std::move(t), std::move(s)), name(std::move(n)), idx(std::move(i)) {}
};

// A literal. The type says which representation holds the value:
//  - control integers (int, index, size, stride) and booleans (0/1): `ival`,
//    exact, within [-(2^63-1), 2^63-1] (see exo/checked_int.h);
//  - data values (R, f16 ... i32): `fval`, a finite double.
// Constructing a control constant from a double that is not an exact integer in
// range, or a data constant from a non-finite double, is an internal error:
// front ends and rewrites check (and report) before they build one.
struct ConstNode : ExprNode {
  static constexpr ExprKind kKind = ExprKind::Const;
  int64_t ival = 0;
  double fval = 0;
  // A data constant made from an integer (e.g. the literal `2` in `x = 2`):
  // printed as written, `2`, as exo-lang prints it; its value is fval.
  bool from_int = false;
  ConstNode(int64_t v, Type t, SrcInfo s);
  ConstNode(double v, Type t, SrcInfo s);
  bool is_int() const { return !is_data_kind(type.base); }
  // The value as a double: exact for data constants; integers beyond 2^53 round.
  double as_double() const { return is_int() ? static_cast<double>(ival) : fval; }
  // Whether the value is zero / one, whatever the representation.
  bool is_zero() const { return is_int() ? ival == 0 : fval == 0; }
  bool is_one() const { return is_int() ? ival == 1 : fval == 1; }
};
// Whether two constants hold the same value (types aside).
bool same_const_value(const ConstNode& a, const ConstNode& b);

// The direct sub-expressions of e, in order (indices, operands, arguments, a
// window's bounds).
std::vector<Expr> expr_children(const Expr& e);
// Whether e names x anywhere: reads it, takes a window of it or its stride.
bool mentions(const Expr& e, const Sym& x);

// Whether a and b are nodes of the same kind with the same fields of their own:
// variable (compared by `same_name`), constant value, operator, callee, window
// shape, stride dimension, config field. Children and types are not compared,
// so each caller chooses how to recurse and how strictly types must agree.
using SameName = std::function<bool(const Sym&, const Sym&)>;
bool same_expr_node(const Expr& a, const Expr& b, const SameName& same_name);
bool same_expr_node(const Expr& a, const Expr& b);  // names compared as they are
// Structural equality (same variables, operators, constants and constant types).
bool same_expr(const Expr& a, const Expr& b);

struct USubNode : ExprNode {
  static constexpr ExprKind kKind = ExprKind::USub;
  Expr arg;
  USubNode(Expr a, Type t, SrcInfo s) : ExprNode(kKind, std::move(t), std::move(s)), arg(std::move(a)) {}
};

enum class BinOpKind : uint8_t { Add, Sub, Mul, Div, Mod, Lt, Gt, Le, Ge, Eq, And, Or };
const char* binop_symbol(BinOpKind op);  // "+", "and", ...
bool binop_is_comparison(BinOpKind op);
bool binop_is_logical(BinOpKind op);
int binop_precedence(BinOpKind op);  // higher binds tighter (Python's table)

struct BinOpNode : ExprNode {
  static constexpr ExprKind kKind = ExprKind::BinOp;
  BinOpKind op;
  Expr lhs, rhs;
  BinOpNode(BinOpKind o, Expr l, Expr r, Type t, SrcInfo s)
      : ExprNode(kKind, std::move(t), std::move(s)), op(o), lhs(std::move(l)), rhs(std::move(r)) {}
};

// Call of an extern function (select, relu, sin, ...).
struct ExternCallNode : ExprNode {
  static constexpr ExprKind kKind = ExprKind::ExternCall;
  ExternPtr fn;
  std::vector<Expr> args;
  ExternCallNode(ExternPtr f, std::vector<Expr> a, Type t, SrcInfo s)
      : ExprNode(kKind, std::move(t), std::move(s)), fn(std::move(f)), args(std::move(a)) {}
};

// One coordinate of a window: a point `i` or a half-open interval `lo:hi`.
struct WAccess {
  bool is_interval = false;
  Expr lo;  // the point when !is_interval
  Expr hi;  // only for intervals
};

// `x[i, lo:hi]`: a window aliasing part of x. Its type is a window tensor whose
// shape has one entry (hi - lo) per interval coordinate.
struct WindowExprNode : ExprNode {
  static constexpr ExprKind kKind = ExprKind::WindowExpr;
  Sym name;
  std::vector<WAccess> idx;
  WindowExprNode(Sym n, std::vector<WAccess> i, Type t, SrcInfo s)
      : ExprNode(kKind, std::move(t), std::move(s)), name(std::move(n)), idx(std::move(i)) {}
};

// `stride(A, dim)`: the element stride of dimension dim of buffer A.
struct StrideExprNode : ExprNode {
  static constexpr ExprKind kKind = ExprKind::StrideExpr;
  Sym name;
  int dim;
  StrideExprNode(Sym n, int d, Type t, SrcInfo s)
      : ExprNode(kKind, std::move(t), std::move(s)), name(std::move(n)), dim(d) {}
};

// `Cfg.field` read.
struct ReadConfigNode : ExprNode {
  static constexpr ExprKind kKind = ExprKind::ReadConfig;
  ConfigPtr config;
  std::string field;
  ReadConfigNode(ConfigPtr c, std::string f, Type t, SrcInfo s)
      : ExprNode(kKind, std::move(t), std::move(s)), config(std::move(c)), field(std::move(f)) {}
};

// ---------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------

#define EXO_STMT_KINDS(X) \
  X(Assign)               \
  X(Reduce)               \
  X(WriteConfig)          \
  X(Pass)                 \
  X(If)                   \
  X(For)                  \
  X(Alloc)                \
  X(Call)                 \
  X(WindowStmt)

enum class StmtKind : uint8_t {
#define EXO_X(n) n,
  EXO_STMT_KINDS(EXO_X)
#undef EXO_X
};
const char* stmt_kind_name(StmtKind k);

struct StmtNode {
  StmtKind kind;
  SrcInfo srcinfo;
  StmtNode(StmtKind k, SrcInfo s) : kind(k), srcinfo(std::move(s)) {}
  virtual ~StmtNode() = default;
};

// `name[idx] = rhs`. `type` is the element type of the buffer written.
struct AssignNode : StmtNode {
  static constexpr StmtKind kKind = StmtKind::Assign;
  Sym name;
  Type type;
  std::vector<Expr> idx;
  Expr rhs;
  AssignNode(Sym n, Type t, std::vector<Expr> i, Expr r, SrcInfo s)
      : StmtNode(kKind, std::move(s)), name(std::move(n)), type(std::move(t)), idx(std::move(i)), rhs(std::move(r)) {}
};

// `name[idx] += rhs`.
struct ReduceNode : StmtNode {
  static constexpr StmtKind kKind = StmtKind::Reduce;
  Sym name;
  Type type;
  std::vector<Expr> idx;
  Expr rhs;
  ReduceNode(Sym n, Type t, std::vector<Expr> i, Expr r, SrcInfo s)
      : StmtNode(kKind, std::move(s)), name(std::move(n)), type(std::move(t)), idx(std::move(i)), rhs(std::move(r)) {}
};

// `Cfg.field = rhs`.
struct WriteConfigNode : StmtNode {
  static constexpr StmtKind kKind = StmtKind::WriteConfig;
  ConfigPtr config;
  std::string field;
  Expr rhs;
  WriteConfigNode(ConfigPtr c, std::string f, Expr r, SrcInfo s)
      : StmtNode(kKind, std::move(s)), config(std::move(c)), field(std::move(f)), rhs(std::move(r)) {}
};

struct PassNode : StmtNode {
  static constexpr StmtKind kKind = StmtKind::Pass;
  explicit PassNode(SrcInfo s) : StmtNode(kKind, std::move(s)) {}
};

// `if cond: body else: orelse` (elif chains become nested Ifs in orelse).
struct IfNode : StmtNode {
  static constexpr StmtKind kKind = StmtKind::If;
  Expr cond;
  Block body;
  Block orelse;
  IfNode(Expr c, Block b, Block o, SrcInfo s)
      : StmtNode(kKind, std::move(s)), cond(std::move(c)), body(std::move(b)), orelse(std::move(o)) {}
};

enum class LoopMode : uint8_t { Seq, Par };

// `for iter in seq(lo, hi): body` (half-open).
struct ForNode : StmtNode {
  static constexpr StmtKind kKind = StmtKind::For;
  Sym iter;
  Expr lo, hi;
  Block body;
  LoopMode mode;
  ForNode(Sym i, Expr l, Expr h, Block b, LoopMode m, SrcInfo s)
      : StmtNode(kKind, std::move(s)), iter(std::move(i)), lo(std::move(l)), hi(std::move(h)), body(std::move(b)), mode(m) {}
};

// `name : type @ mem` — allocation, live until the end of the enclosing block.
struct AllocNode : StmtNode {
  static constexpr StmtKind kKind = StmtKind::Alloc;
  Sym name;
  Type type;
  MemoryPtr mem;
  AllocNode(Sym n, Type t, MemoryPtr m, SrcInfo s)
      : StmtNode(kKind, std::move(s)), name(std::move(n)), type(std::move(t)), mem(std::move(m)) {}
};

// `proc(args)`: arguments are index/data expressions, whole buffers (Read with no
// idx) or windows (WindowExpr).
struct CallNode : StmtNode {
  static constexpr StmtKind kKind = StmtKind::Call;
  Proc proc;
  std::vector<Expr> args;
  CallNode(Proc p, std::vector<Expr> a, SrcInfo s)
      : StmtNode(kKind, std::move(s)), proc(std::move(p)), args(std::move(a)) {}
};

// `name = x[i, 0:8]` — names a window (an alias, no copy).
struct WindowStmtNode : StmtNode {
  static constexpr StmtKind kKind = StmtKind::WindowStmt;
  Sym name;
  Expr rhs;  // a WindowExpr
  WindowStmtNode(Sym n, Expr r, SrcInfo s) : StmtNode(kKind, std::move(s)), name(std::move(n)), rhs(std::move(r)) {}
};

// ---------------------------------------------------------------------------
// Procedures
// ---------------------------------------------------------------------------

struct FnArg {
  Sym name;
  Type type;
  MemoryPtr mem;  // buffers only (tensors and data scalars); null for control values
  SrcInfo srcinfo;
};

// An `@instr` procedure's C: `c_instr` is a template with `{arg}` / `{arg_data}`
// holes; `c_global` is emitted once per translation unit that uses it.
struct InstrInfo {
  std::string c_instr;
  std::string c_global;
};

struct ProcNode {
  std::string name;
  std::vector<FnArg> args;
  std::vector<Expr> preds;  // `assert` preconditions
  Block body;
  std::optional<InstrInfo> instr;
  SrcInfo srcinfo;
  // Equivalence class (exo/equivalence.h): procs scheduled from one another share
  // it, so call_eqv may swap them; 0 = equivalent to no other proc.
  uint64_t eqv_class = 0;
  // Config fields ("Config.field") whose final value this proc may leave
  // different from other procs of its class: a rewrite that changes only what
  // a caller could later read of a field (write_config, delete_config, call_eqv
  // of such a proc) keeps the class and records the field here.
  std::vector<std::pair<ConfigPtr, std::string>> eqv_config_changes;
};

// ---------------------------------------------------------------------------
// Checked downcasts
// ---------------------------------------------------------------------------

template <class T>
const T* Expr::as() const {
  if (node_ && node_->kind == T::kKind) return static_cast<const T*>(node_.get());
  return nullptr;
}
template <class T>
const T* Stmt::as() const {
  if (node_ && node_->kind == T::kKind) return static_cast<const T*>(node_.get());
  return nullptr;
}

// ---------------------------------------------------------------------------
// Constructors (thin wrappers over make_shared, for brevity at call sites)
// ---------------------------------------------------------------------------

template <class T, class... A>
Expr make_expr(A&&... a) {
  return Expr(std::make_shared<const T>(std::forward<A>(a)...));
}
template <class T, class... A>
Stmt make_stmt(A&&... a) {
  return Stmt(std::make_shared<const T>(std::forward<A>(a)...));
}

// Frequently used small builders (types are filled in).
Expr int_const(int64_t v, SrcInfo s = {});  // v within [-(2^63-1), 2^63-1]
Expr bool_const(bool v, SrcInfo s = {});
Expr read_var(const Sym& x, ScalarKind k, SrcInfo s = {});  // scalar read, no index
Expr binop(BinOpKind op, Expr lhs, Expr rhs, SrcInfo s = {});  // infers the result type

// The exact value of a control expression built only from integer constants with
// unary -, +, -, * and / or % by a positive constant; nullopt if it has anything else
// or its value leaves [-(2^63-1), 2^63-1].
std::optional<int64_t> exact_const_value(const Expr& e);
// e with its constant control arithmetic folded (`2 * 4 + i` -> `8 + i`,
// `3 < 5` -> True, `0 + i` -> i); data expressions keep their written form,
// since their precision is chosen later, and a value beyond Exo's integer range
// is left unfolded (never wrapped).
Expr fold_constants(const Expr& e);
// One such folding step at a node whose children are already folded.
Expr fold_constant_node(const Expr& e);
// Whether e is an integer +, - or * whose operands have exact constant values but
// whose own value leaves Exo's integer range, e.g. `9223372036854775807 + 1`.
bool int_overflow_at(const Expr& e);

}  // namespace exo
