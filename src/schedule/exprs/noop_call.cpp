// insert_noop_call: a call of a procedure without effect, inserted at a gap.
#include <cassert>

#include "exo/analysis.h"
#include "exo/schedule/exprs.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "schedule/exprs/context.h"

namespace exo {

Rewrite insert_noop_call(const Proc& p, const Cursor& gap, const Proc& instr,
                         const std::vector<std::string>& args, const Scope* scope) {
  const char* prim = "insert_noop_call";
  // Step 1: the position and the callee.
  const Block* blk = gap.is_gap() ? resolve_parent_block(p, gap.path) : nullptr;
  if (!blk || gap.index() < 0 || gap.index() > static_cast<int>(blk->size()))
    argument_error(prim, 1, "gap_cursor",
                   "expected a gap cursor (stmt.before() or stmt.after()), got " + gap.str());
  assert(instr);  // arguments are checked by the primitive records
  if (args.size() != instr->args.size())
    throw Error(ErrorKind::Type, SrcInfo{},
                "argument 3, 'args' to insert_noop_call: Function argument count mismatch: '" +
                    instr->name + "' takes " + std::to_string(instr->args.size()) + ", got " +
                    std::to_string(args.size()));
  // Only a body of `pass` is known to have no effect on the caller's state.
  if (instr->body.size() != 1 || !instr->body[0].as<PassNode>())
    scheduling_error(prim, p, gap,
                     "cannot insert a call to '" + instr->name + "': its body is not pass");
  // Step 2: the call typed at the gap.
  Stmt call;
  try {
    call = exprs_detail::parse_call_at(prim, p, gap.path, instr, args, scope);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::Type) throw;
    scheduling_error(prim, p, gap, "Function argument type mismatch: " + e.message());
  }
  Stmt s = make_stmt<CallNode>(instr, call.as<CallNode>()->args, cursor_srcinfo(p, gap));
  Rewrite r = splice_rewrite(p, gap.path, 0, {s});
  // Step 3: the callee's preconditions and the arguments' bounds at the gap.
  try {
    check_proc(r.proc);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::Bounds && e.kind() != ErrorKind::Precondition) throw;
    scheduling_error(prim, p, gap, "the call is not valid here: " + e.message());
  }
  return r;
}

}  // namespace exo
