#pragma once
// Source positions and the compiler's error types.
//
// Every user-visible failure is an exo::Error carrying a kind, a position and a
// message; internal invariant violations are InternalError (a bug in Exo, never
// triggerable by user input).

#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

namespace exo {

// A position in user source. Lines and columns are 1-based; line 0 means unknown.
struct SrcInfo {
  std::shared_ptr<const std::string> file;
  int line = 0;
  int col = 0;

  SrcInfo() = default;
  SrcInfo(std::shared_ptr<const std::string> f, int l, int c)
      : file(std::move(f)), line(l), col(c) {}

  bool known() const { return line > 0; }
  const std::string& filename() const;
  // "file:line:col" (or "<unknown>").
  std::string str() const;
};

enum class ErrorKind {
  Parse,       // malformed source text
  Type,        // ill-typed or unresolved program
  Bounds,      // an access, window or call argument possibly out of bounds
  Precondition,// a call's callee assertions not provable, or contradictory asserts
  Scheduling,  // a scheduling primitive refused its rewrite
  MemGen,      // a memory refused to generate code (wrong shape, no read access, ...)
  Api,         // wrong use of the C++/Python API (unknown proc, bad argument)
  Internal,    // a bug in the compiler
  InvalidCursor,  // a cursor whose code an earlier rewrite removed
  ParseFragment,  // a code fragment given to a primitive that does not fit where it goes
};

const char* error_kind_name(ErrorKind k);

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, SrcInfo where, std::string message);

  ErrorKind kind() const { return kind_; }
  const SrcInfo& where() const { return where_; }
  // The message without the position prefix.
  const std::string& message() const { return message_; }

 private:
  ErrorKind kind_;
  SrcInfo where_;
  std::string message_;
};

// Streaming builder: `throw ErrorBuilder(ErrorKind::Type, s) << "expected " << n;`
// Use exo_fail(kind, srcinfo) << ...; which throws at end of full expression.
class ErrorBuilder {
 public:
  ErrorBuilder(ErrorKind kind, SrcInfo where) : kind_(kind), where_(std::move(where)) {}
  template <class T>
  ErrorBuilder& operator<<(const T& v) {
    os_ << v;
    return *this;
  }
  [[noreturn]] void raise() const;
  Error build() const { return Error(kind_, where_, os_.str()); }

 private:
  ErrorKind kind_;
  SrcInfo where_;
  std::ostringstream os_;
};

// Throws from its destructor-free `operator,` trick is fragile; instead use:
//   EXO_FAIL(ErrorKind::Type, srcinfo, "expected " << n << " indices");
#define EXO_FAIL(kind, where, stream_expr)                 \
  do {                                                     \
    ::exo::ErrorBuilder exo_eb_((kind), (where));          \
    exo_eb_ << stream_expr;                                \
    exo_eb_.raise();                                       \
  } while (0)

// Internal invariant check: failing means a compiler bug.
#define EXO_ASSERT(cond, stream_expr)                                           \
  do {                                                                          \
    if (!(cond)) {                                                              \
      EXO_FAIL(::exo::ErrorKind::Internal, ::exo::SrcInfo(),                    \
               "internal error: " << #cond << " failed at " << __FILE__ << ":" \
                                  << __LINE__ << ": " << stream_expr);          \
    }                                                                           \
  } while (0)

}  // namespace exo
