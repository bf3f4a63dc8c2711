#pragma once
// The interpreter's compiled form of a proc.
//
// Before running, a proc is lowered once into CProc/CStmt/CExpr trees in which
// every variable is a slot number (no map lookups per access) and every data
// expression carries the C arithmetic type it is computed in, so a run follows
// the generated C's semantics (float ops for f32, int promotion for small ints).

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "exo/hardware.h"
#include "exo/interpreter.h"
#include "exo/loopir.h"

namespace exo::interp {

constexpr int kMaxRank = 8;

// The type a data expression is computed in, after C's usual conversions.
enum class CT : uint8_t { I32, F32, F64 };

CT ct_of_kind(ScalarKind k);
// C's usual arithmetic conversion of two data kinds (ints promote to i32).
ScalarKind common_kind(ScalarKind a, ScalarKind b);
// C conversion of a value to the storage type `k` (rounding / truncation / wrap),
// returned as the exact stored value.
double convert_to_kind(double v, ScalarKind k);
size_t element_size(ScalarKind k);

uint16_t double_to_half(double d);  // IEEE binary16, round to nearest even
double half_to_double(uint16_t h);

// A strided view of elements of `kind` (a whole buffer, a window, or a scalar).
struct View {
  ScalarKind kind = ScalarKind::F32;
  char* base = nullptr;  // address of element (0, ..., 0)
  int rank = 0;
  std::array<int64_t, kMaxRank> shape{};
  std::array<int64_t, kMaxRank> strides{};
};

double load(const View& v, int64_t off);
void store(const View& v, int64_t off, double val);  // val already converted to v.kind

enum class EOp : uint8_t {
  // control (int64)
  IConst, IVar, INeg, IAdd, ISub, IMul, IDiv, IMod, IStride, IConfig,
  // bool
  BConst, BVar, BAnd, BOr, ICmp, DCmp, BCmp, BConfig,
  // data (double carrier holding a value exact in `ct`)
  DConst, DLoad, DFromInt, DNeg, DAdd, DSub, DMul, DDiv, DMod, DExtern, DConfig,
};

struct CExpr {
  EOp op = EOp::IConst;
  CT ct = CT::F64;
  BinOpKind cmp = BinOpKind::Eq;  // ICmp / DCmp / BCmp
  int slot = -1;                  // IVar / BVar: int slot; DLoad / IStride: view slot
  int dim = 0;                    // IStride
  int64_t ival = 0;               // IConst / BConst
  double dval = 0;                // DConst
  ScalarKind kind = ScalarKind::F32;  // DFromInt: target kind; DConfig: field kind
  const Extern* ext = nullptr;
  const std::pair<std::string, std::string>* cfg = nullptr;  // config key (owned by CProgram)
  std::vector<CExpr> kids;
  Expr src;  // for error messages
};

struct CWindow {
  int slot = -1;  // source view
  struct Acc {
    bool interval = false;
    CExpr lo, hi;
  };
  std::vector<Acc> idx;
  Expr src;
};

struct CProc;

// How a call argument is passed.
struct CArg {
  enum Kind : uint8_t { Int, Bool, WholeView, Window, ElemRef, Temp } kind = Int;
  CExpr e;           // Int / Bool / Temp value; ElemRef indices in e.kids
  int slot = -1;     // WholeView / ElemRef: caller view slot
  CWindow win;       // Window
  ScalarKind temp_kind = ScalarKind::F32;
};

enum class SOp : uint8_t { Assign, Reduce, WriteConfig, Pass, If, For, Alloc, Call, Window };

struct CStmt {
  SOp op = SOp::Pass;
  int slot = -1;  // Assign/Reduce/Alloc/Window: view slot; For: iterator int slot
  std::vector<CExpr> idx;  // Assign/Reduce indices; Alloc shape
  CExpr rhs;               // Assign/Reduce/WriteConfig value; If cond; For lo
  CExpr hi;                // For
  CT red_ct = CT::F32;     // Reduce: type of `lhs + rhs`
  ScalarKind kind = ScalarKind::F32;  // Alloc / WriteConfig field kind
  const std::pair<std::string, std::string>* cfg = nullptr;
  std::vector<CStmt> body, orelse;
  const CProc* callee = nullptr;
  std::vector<CArg> args;
  CWindow win;
  Stmt src;
};

struct CProc {
  Proc proc;
  struct Arg {
    bool is_view = false;
    int slot = -1;
    std::vector<CExpr> shape;  // declared shape (tensors / windows)
  };
  std::vector<Arg> args;
  std::vector<CExpr> preds;
  std::vector<CStmt> body;
  int n_ints = 0, n_views = 0;
};

// All procs reachable from the entry point, compiled once per interpret() call.
class CProgram {
 public:
  const CProc* compile(const Proc& p);
  const std::pair<std::string, std::string>* config_key(const std::string& cfg, const std::string& field);

 private:
  std::vector<std::pair<const ProcNode*, std::unique_ptr<CProc>>> procs_;
  std::vector<std::unique_ptr<std::pair<std::string, std::string>>> keys_;
};

// Runs the entry proc on already bound argument values (checks shapes and
// preconditions, raising Error(err_kind)).
void run_proc(const CProc& cp, std::vector<int64_t> ints, std::vector<View> views, ConfigState& cfg,
              ErrorKind err_kind, const SrcInfo& where);

}  // namespace exo::interp
