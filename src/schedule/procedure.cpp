// ScheduledProc: a proc with its history; forwarding of cursors along it and the
// resolution of primitives' reference arguments.

#include "exo/schedule/procedure.h"

#include <algorithm>

#include "exo/error.h"
#include "exo/frontend.h"
#include "exo/schedule/match.h"
#include "exo/schedule/loops.h"

namespace exo {

// One procedure of a schedule: its IR, the one it was derived from, and how
// cursors of that one map to this one.
struct ScheduledProc::Step {
  Proc proc;
  mutable std::shared_ptr<const Step> parent;  // null for a root; mutable for ~Step
  Forward from_parent;                         // unused for a root
  ~Step();
};

// A schedule may be thousands of steps long: release the parents no one else
// holds one by one instead of by a recursion as deep as the chain.
ScheduledProc::Step::~Step() {
  std::shared_ptr<const Step> up = std::move(parent);
  while (up && up.use_count() == 1) up = std::move(up->parent);
}

ScheduledProc::ScheduledProc(Proc root)
    : step_(std::make_shared<const Step>(Step{std::move(root), nullptr, identity_forward()})) {}

const Proc& ScheduledProc::proc() const { return step_->proc; }

std::optional<ScheduledProc> ScheduledProc::parent() const {
  if (!step_->parent) return std::nullopt;
  return ScheduledProc(step_->parent);
}

bool ScheduledProc::derived_from(const ScheduledProc& ancestor) const {
  for (const Step* at = step_.get(); at; at = at->parent.get())
    if (at->proc.get() == ancestor.proc().get()) return true;
  return false;
}

ScheduledProc ScheduledProc::derive(const Rewrite& r) const {
  return ScheduledProc(std::make_shared<const Step>(Step{r.proc, step_, r.forward}));
}

ScheduledProc ScheduledProc::derive(const Proc& p) const {
  return ScheduledProc(std::make_shared<const Step>(Step{p, step_, identity_forward()}));
}

Cursor ScheduledProc::forward_or_invalid(const Cursor& c, const ScheduledProc& owner) const {
  // The steps from owner down to this proc, collected walking up (most recent
  // first), then applied oldest first; stops early once the position is gone.
  std::vector<const Forward*> steps;
  const Step* at = step_.get();
  while (at && at->proc.get() != owner.proc().get()) {
    steps.push_back(&at->from_parent);
    at = at->parent.get();
  }
  if (!at)
    throw Error(ErrorKind::Api, SrcInfo{},
                "cannot forward a cursor of procedure '" + owner.proc()->name + "' to procedure '" +
                    proc()->name + "': it was not scheduled from that procedure");
  Cursor cur = c;
  for (auto it = steps.rbegin(); it != steps.rend() && cur.valid(); ++it) cur = (**it)(cur);
  return cur;
}

Cursor ScheduledProc::forward(const Cursor& c, const ScheduledProc& owner) const {
  Cursor cur = forward_or_invalid(c, owner);
  if (!cur.valid())
    throw Error(ErrorKind::InvalidCursor, SrcInfo{},
                "the cursor " + c.str() + " of procedure '" + owner.proc()->name +
                    "' no longer points at anything in '" + proc()->name + "': a rewrite removed it");
  return cur;
}

Cursor ScheduledProc::forward(const OwnedCursor& c) const { return forward(c.cursor, c.owner); }

const char* ref_kind_word(RefKind k) {
  switch (k) {
    case RefKind::Stmt: return "a statement";
    case RefKind::Loop: return "a loop";
    case RefKind::Alloc: return "an allocation";
    case RefKind::Expr: return "an expression";
    case RefKind::Block: return "a block of statements";
    case RefKind::Any: return "a statement or expression";
  }
  return "a reference";
}

bool cursor_fits(const Proc& p, const Cursor& c, RefKind k) {
  switch (k) {
    case RefKind::Stmt: return c.is_stmt();
    case RefKind::Loop: return c.is_stmt() && resolve_stmt(p, c)->kind == StmtKind::For;
    case RefKind::Alloc: return c.is_stmt() && resolve_stmt(p, c)->kind == StmtKind::Alloc;
    case RefKind::Expr: return c.is_expr();
    case RefKind::Block: return c.is_stmt() || c.is_block();
    case RefKind::Any: return c.valid();
  }
  return false;
}

Cursor ScheduledProc::resolve(const Reference& ref, RefKind kind, const RefArg& arg) const {
  const Proc& p = proc();
  Cursor c;
  if (auto* text = std::get_if<std::string>(&ref)) {
    switch (kind) {
      case RefKind::Loop: c = find_loop(p, *text); break;
      case RefKind::Alloc: c = find_alloc(p, *text); break;
      case RefKind::Stmt: c = find_stmt(p, *text); break;
      default: c = find_cursor(p, *text); break;
    }
  } else {
    c = forward(std::get<OwnedCursor>(ref));
  }
  if (!cursor_fits(p, c, kind))
    argument_error(arg.primitive, arg.argno, arg.name, std::string("expected ") + ref_kind_word(kind) + ", got " + c.str());
  return c;
}

namespace {

bool path_prefix(const StmtPath& outer, const StmtPath& inner) {
  if (outer.size() > inner.size()) return false;
  return std::equal(outer.begin(), outer.end(), inner.begin());
}

}  // namespace

bool cursor_within(const Cursor& scope, const Cursor& inner) {
  if (!inner.valid() || !scope.valid()) return false;
  if (scope.is_expr()) {
    if (!inner.is_expr() || inner.path.size() != scope.path.size() || !path_prefix(scope.path, inner.path))
      return false;
    if (inner.expr_path.size() < scope.expr_path.size()) return false;
    return std::equal(scope.expr_path.begin(), scope.expr_path.end(), inner.expr_path.begin());
  }
  if (!scope.is_stmt() && !scope.is_block()) return false;
  const StmtPath& sp = scope.path;
  if (inner.path.size() < sp.size()) return false;
  if (!path_prefix(StmtPath(sp.begin(), sp.end() - 1), inner.path)) return false;
  const PathStep& at = inner.path[sp.size() - 1];
  int n = scope.is_block() ? scope.count : 1;
  return at.orelse == sp.back().orelse && at.index >= sp.back().index && at.index < sp.back().index + n;
}

std::vector<Cursor> ScheduledProc::find_all(const std::string& pattern, const Cursor& scope) const {
  const Proc& p = proc();
  OccurrenceRef split = split_occurrence(pattern);
  std::vector<Cursor> found;
  for (auto& c : match_pattern(p, std::string(split.body)))
    if (!scope.valid() || cursor_within(scope, c)) found.push_back(c);
  if (found.empty())
    throw Error(ErrorKind::Scheduling, SrcInfo{},
                "failed to find matches of '" + pattern + "' in proc '" + p->name + "'" +
                    (scope.valid() ? " under " + scope.str() : std::string()));
  if (split.occurrence < 0) return found;
  if (split.occurrence >= static_cast<int>(found.size()))
    throw Error(ErrorKind::Scheduling, SrcInfo{},
                "pattern '" + pattern + "' has " + std::to_string(found.size()) + " match" +
                    (found.size() == 1 ? "" : "es") + " in proc '" + p->name + "' (#N counts from 0)");
  return {found[split.occurrence]};
}

}  // namespace exo
