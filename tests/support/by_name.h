#pragma once
// Primitives applied by name, for tests: each resolves its references with the
// find functions of exo/match.h (find_loop, find_stmt, find_alloc, find_cursor)
// and calls the primitive, which takes cursors. The library has no such
// overloads: a front end resolves references itself (the Python records do).
#include "exo/exo.h"
#include "exo/schedule/buffers.h"
#include "exo/schedule/allocations.h"
#include "exo/schedule/configs.h"
#include "exo/schedule/exprs.h"
#include "exo/schedule/lift_scope.h"
#include "exo/schedule/match.h"
#include "exo/schedule/reshape.h"
#include "exo/schedule/procs.h"
#include "exo/schedule/loops.h"
#include "exo/schedule/subprocs.h"

namespace exo {

inline Rewrite stage_mem(const Proc& p, const std::string& block, const std::string& win_expr, const std::string& new_name,
                  bool accum = false) {
  return stage_mem(p, find_cursor(p, block), win_expr, new_name, accum);
}

inline Rewrite expand_dim(const Proc& p, const std::string& alloc, const std::string& alloc_dim, const std::string& indexing) {
  return expand_dim(p, find_alloc(p, alloc), alloc_dim, indexing);
}

inline Rewrite rearrange_dim(const Proc& p, const std::string& alloc, const std::vector<int>& perm) {
  return rearrange_dim(p, find_alloc(p, alloc), perm);
}

inline Rewrite lift_alloc(const Proc& p, const std::string& alloc, int n_lifts = 1, bool keep_dims = false) {
  return lift_alloc(p, find_alloc(p, alloc), n_lifts, keep_dims);
}

inline Rewrite data_reuse(const Proc& p, const std::string& buf1, const std::string& buf2) {
  return data_reuse(p, find_alloc(p, buf1), find_alloc(p, buf2));
}

inline Rewrite inline_window(const Proc& p, const std::string& win_stmt) {
  return inline_window(p, find_stmt(p, win_stmt));
}

inline Rewrite resize_dim(const Proc& p, const std::string& alloc, int dim, const std::string& size,
                   const std::string& offset, bool fold = false) {
  return resize_dim(p, find_alloc(p, alloc), dim, size, offset, fold);
}

inline Rewrite unroll_buffer(const Proc& p, const std::string& alloc, int dim) {
  return unroll_buffer(p, find_alloc(p, alloc), dim);
}

inline Rewrite sink_alloc(const Proc& p, const std::string& alloc) {
  return sink_alloc(p, find_alloc(p, alloc));
}

inline Rewrite delete_buffer(const Proc& p, const std::string& alloc) {
  return delete_buffer(p, find_alloc(p, alloc));
}

inline ExtractedSubproc extract_subproc(const Proc& p, const std::string& block, const std::string& name,
                                 bool include_asserts = true) {
  return extract_subproc(p, find_cursor(p, block), name, include_asserts);
}

inline Rewrite bind_config(const Proc& p, const std::string& expr, const ConfigPtr& config, const std::string& field) {
  return bind_config(p, find_cursor(p, expr), config, field);
}

inline Rewrite configwrite_after(const Proc& p, const std::string& stmt, const ConfigPtr& config, const std::string& field,
                          const std::string& expr, const Scope* scope = nullptr) {
  return configwrite_after(p, find_stmt(p, stmt), config, field, expr, scope);
}

inline Rewrite delete_config(const Proc& p, const std::string& stmt) { return delete_config(p, find_stmt(p, stmt)); }

inline Rewrite left_reassociate_expr(const Proc& p, const std::string& expr) {
  return left_reassociate_expr(p, find_cursor(p, expr));
}

inline Rewrite rewrite_expr(const Proc& p, const std::string& expr, const std::string& new_expr,
                     const Scope* scope = nullptr) {
  return rewrite_expr(p, find_cursor(p, expr), new_expr, scope);
}

inline Rewrite merge_writes(const Proc& p, const std::string& block) {
  return merge_writes(p, find_cursor(p, block));
}

inline Rewrite split_write(const Proc& p, const std::string& stmt) {
  return split_write(p, find_stmt(p, stmt));
}

inline Rewrite fold_into_reduce(const Proc& p, const std::string& assign) {
  return fold_into_reduce(p, find_stmt(p, assign));
}

inline Rewrite inline_assign(const Proc& p, const std::string& assign) {
  return inline_assign(p, find_stmt(p, assign));
}

inline Rewrite lift_reduce_constant(const Proc& p, const std::string& block) {
  return lift_reduce_constant(p, find_cursor(p, block));
}

inline Rewrite lift_loop_from_if(const Proc& p, const std::string& loop) {
  return lift_loop_from_if(p, find_loop(p, loop));
}

inline Rewrite divide_dim(const Proc& p, const std::string& alloc, int dim, long long quotient) {
  return divide_dim(p, find_alloc(p, alloc), dim, quotient);
}

inline Rewrite mult_dim(const Proc& p, const std::string& alloc, int dim) { return mult_dim(p, find_alloc(p, alloc), dim); }

inline Rewrite set_precision(const Proc& p, const std::string& name, ScalarKind type) {
  return set_precision(p, find_buffer("set_precision", p, name), type);
}

inline Rewrite set_window(const Proc& p, const std::string& name, bool is_window) {
  return set_window(p, find_buffer("set_window", p, name), is_window);
}

inline Rewrite set_memory(const Proc& p, const std::string& name, const MemoryPtr& mem) {
  return set_memory(p, find_buffer("set_memory", p, name), mem);
}

inline Rewrite reorder_stmts(const Proc& p, const std::string& first, const std::string& second) {
  return reorder_stmts(p, find_stmt(p, first), find_stmt(p, second));
}

inline Rewrite unroll_loop(const Proc& p, const std::string& loop) {
  return unroll_loop(p, find_loop(p, loop));
}

inline Rewrite split_loop(const Proc& p, const std::string& loop, long long c, const std::string& outer,
                   const std::string& inner, const std::string& tail = "guard",
                   bool perfect = false) {
  return split_loop(p, find_loop(p, loop), c, outer, inner, tail, perfect);
}

inline Rewrite remove_loop(const Proc& p, const std::string& loop) {
  return remove_loop(p, find_loop(p, loop));
}

inline Rewrite reorder_before(const Proc& p, const std::string& stmt) {
  return reorder_before(p, find_stmt(p, stmt));
}

inline Rewrite fuse_loop(const Proc& p, const std::string& first, const std::string& second) {
  auto ref = [&](const std::string& r) {
    return is_plain_name(r) ? find_loop(p, r) : find_stmt(p, r);
  };
  return fuse_loop(p, ref(first), ref(second));
}

inline Rewrite partition_loop(const Proc& p, const std::string& loop, long long num) {
  return partition_loop(p, find_loop(p, loop), num);
}

inline Rewrite fission_after(const Proc& p, const std::string& stmt, int n_lifts = 1) {
  return fission_after(p, find_stmt(p, stmt), n_lifts);
}

inline Rewrite lift_if(const Proc& p, const std::string& if_stmt, int n_lifts = 1) {
  return lift_if(p, find_stmt(p, if_stmt), n_lifts);
}

inline Rewrite assert_if(const Proc& p, const std::string& if_stmt, bool cond) {
  return assert_if(p, find_stmt(p, if_stmt), cond);
}

inline Rewrite replace(const Proc& p, const std::string& block, const Proc& subproc) {
  return replace(p, find_cursor(p, block), subproc);
}

inline Rewrite inline_call(const Proc& p, const std::string& call) { return inline_call(p, find_stmt(p, call)); }

inline Rewrite call_eqv(const Proc& p, const std::string& call, const Proc& eqv_proc) {
  return call_eqv(p, find_stmt(p, call), eqv_proc);
}

}  // namespace exo
