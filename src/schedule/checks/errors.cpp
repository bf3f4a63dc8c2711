// Scheduling errors with the current proc printed and the culprit marked, and
// the uniform argument-check messages of the reference.
#include "exo/schedule/loops.h"

#include "exo/names.h"
#include "exo/printer.h"

namespace exo {

SrcInfo cursor_srcinfo(const Proc& p, const Cursor& c) {
  if (c.is_expr())
    if (Expr e = resolve_expr(p, c)) return e->srcinfo;
  if (c.is_stmt() || c.is_block() || c.is_expr()) {
    std::vector<Stmt> ss = resolve_stmts(p, c.is_expr() ? Cursor::stmt(c.path) : c);
    if (!ss.empty()) return ss.front()->srcinfo;
  }
  if (c.is_gap()) {
    // A gap is reported at the statement after it, or else the one before it.
    if (Stmt s = resolve_stmt(p, c.path)) return s->srcinfo;
    StmtPath prev = c.path;
    if (!prev.empty() && prev.back().index > 0) {
      prev.back().index -= 1;
      if (Stmt s = resolve_stmt(p, prev)) return s->srcinfo;
    }
  }
  return p ? p->srcinfo : SrcInfo();
}

std::string format_scheduling_error(const std::string& primitive, const Proc& current, const Cursor& where,
                                    const std::string& reason) {
  std::string msg = primitive + ": " + reason;
  if (!current) return msg;
  bool fits = is_valid_in(current, where);
  SrcInfo at = fits ? cursor_srcinfo(current, where) : SrcInfo();
  if (at.known()) msg += "\n  at " + at.str();
  std::string note;
  if (fits && where.is_expr()) note = "here: " + print_expr(resolve_expr(current, where));
  else if (fits && !where.is_gap()) note = "here";
  std::string text;
  if (!fits) {
    text = print_proc(current);
  } else {
    int count = where.is_gap() ? 0 : where.is_block() ? where.count : 1;
    text = print_proc_marked(current, where.path, count, where.is_gap() ? "" : note);
  }
  msg += "\nin proc '" + current->name + "':\n" + text;
  if (!msg.empty() && msg.back() == '\n') msg.pop_back();
  return msg;
}

void scheduling_error(const std::string& primitive, const Proc& current, const Cursor& where,
                      const std::string& reason) {
  SrcInfo at = current && is_valid_in(current, where) ? cursor_srcinfo(current, where) : SrcInfo();
  throw Error(ErrorKind::Scheduling, at, format_scheduling_error(primitive, current, where, reason));
}

void argument_error(const std::string& primitive, int argno, const std::string& name, const std::string& msg) {
  throw Error(ErrorKind::Api, SrcInfo(),
              "argument " + std::to_string(argno) + ", '" + name + "' to " + primitive + ": " + msg);
}

}  // namespace exo
