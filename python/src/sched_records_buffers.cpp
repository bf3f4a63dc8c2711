// Records of the buffer primitives (exo/buffers.h, exo/buffers_extra.h,
// exo/reshape.h). See sched_records.h for the form of a record.
#include "exo/schedule/buffers.h"
#include "exo/schedule/allocations.h"
#include "exo/names.h"
#include "exo/schedule/reshape.h"
#include "sched_records.h"

namespace exo::python {

using K = ArgKind;

namespace {

// Procedure.stage_mem takes (win_expr, new_name, stmt_start, stmt_end=None,
// accum=False) and also exo-lang's newer order (block, win_expr, new_name,
// accum=False): a block first, or a second argument that is a window rather
// than a name, selects the newer order.
py::object stage_mem_method(Call& c) {
  py::handle a0 = c.a[0].obj, a1 = c.a[1].obj, a2 = c.a[2].obj, a3 = c.a[3].obj;
  bool newer = !py::isinstance<py::str>(a0) ||
               (py::isinstance<py::str>(a1) && !is_identifier(py::str(a1.attr("strip")()).cast<std::string>()));
  if (newer) {
    Cursor block = c.convert(0, a0, P("block", K::AnyRef)).cursor;
    std::string win = c.convert(1, a1, P("win_expr", K::Text)).s;
    std::string name = c.convert(2, a2, P("new_name", K::Ident)).s;
    bool accum = PyBool_Check(a3.ptr()) ? a3.ptr() == Py_True : c.a[4].b;
    return c.derive(stage_mem(c.h.proc, block, win, name, accum));
  }
  if (c.a[2].none) c.fail(2, "missing required argument 'stmt_start'", true);
  std::string win = c.convert(0, a0, P("win_expr", K::Text)).s;
  std::string name = c.convert(1, a1, P("new_name", K::Ident)).s;
  Cursor block = c.convert(2, a2, P("stmt_start", K::AnyRef)).cursor;
  if (!c.a[3].none) block = stmt_range(c.h.proc, block, c.convert(3, a3, P("stmt_end", K::Stmt)).cursor);
  return c.derive(stage_mem(c.h.proc, block, win, name, c.a[4].b));
}

}  // namespace

void add_buffer_records(std::vector<Record>& out) {
  out.push_back({"stage_mem", "stage_mem",
                 "Stages window `win_expr` into a new buffer `new_name` around the statements "
                 "stmt_start..stmt_end (or the block stmt_start); exo-lang's order (block, win_expr, "
                 "new_name, accum) is recognized too.",
                 {P("win_expr", K::Raw), P("new_name", K::Raw), P("stmt_start", K::Raw, "None"),
                  P("stmt_end", K::Raw, "None"), P("accum", K::Bool, "False")},
                 {at(2, P("block_cursor", K::AnyRef)), at(0, text("win_expr", "a window expression string")),
                  at(1, P("new_buf_name", K::Ident)), at(4, "accum")},
                 [](Call& c) {
                   if (!c.surface.api) return stage_mem_method(c);
                   return c.derive(stage_mem(c.h.proc, c.a[2].cursor, c.a[0].s, c.a[1].s, c.a[4].b));
                 }});
  out.push_back({"bind_expr", "bind_expr",
                 "Binds expression(s) `expr` (a pattern: all its matches; or cursors) to a new scalar "
                 "`new_name` assigned before the first occurrence.",
                 {P("new_name", K::Ident), P("expr", K::ExprRefs), P("cse", K::Bool, "False")},
                 {at(1, "expr_cursors"), at(0, "new_name")},
                 [](Call& c) {
                   if (c.a[1].cursors.empty()) return c.derive(bind_expr(c.h.proc, c.a[1].s, c.a[0].s, c.a[2].b));
                   return c.derive(bind_expr(c.h.proc, c.a[1].cursors, c.a[0].s, c.a[2].b));
                 }});
  out.push_back({"expand_dim", "expand_dim",
                 "Adds a leading dimension `alloc_dim` to the allocation, indexed by `indexing`.",
                 {P("stmt", K::Alloc), P("alloc_dim", K::IntOrText), P("indexing", K::IntOrText)},
                 {at(0, "buf_cursor"), at(1, "alloc_dim"), at(2, "indexing_expr")},
                 [](Call& c) { return c.derive(expand_dim(c.h.proc, c.a[0].cursor, c.a[1].s, c.a[2].s)); }});
  out.push_back({"rearrange_dim", "rearrange_dim",
                 "Permutes the dimensions of the allocation: new dimension k is old dimension dimensions[k].",
                 {P("alloc", K::Alloc), P("dimensions", K::DimList)}, {at(0, "buf_cursor"), at(1, "permute_vector")},
                 [](Call& c) { return c.derive(rearrange_dim(c.h.proc, c.a[0].cursor, c.a[1].ints)); }});
  out.push_back({"lift_alloc", "lift_alloc",
                 "Moves the allocation out of `n_lifts` enclosing loops/ifs (keep_dims: one copy per iteration).",
                 {P("alloc", K::Alloc), P("n_lifts", K::Count, "1"), P("keep_dims", K::Bool, "False")},
                 {at(0, "alloc_cursor"), at(1, "n_lifts")},
                 [](Call& c) {
                   return c.derive(lift_alloc(c.h.proc, c.a[0].cursor, static_cast<int>(c.a[1].i), c.a[2].b));
                 }});
  out.push_back({"", "autolift_alloc",
                 "Lifts the allocation out of `n_lifts` statements; with keep_dims, one dimension per lifted loop "
                 "its values depend on (first, or last with mode='col'), of extent `size` if given.",
                 {P("alloc_cursor", K::Alloc), P("n_lifts", K::Count, "1"), choice("mode", {"row", "col"}, "'row'"),
                  P("size", K::Raw, "None"), P("keep_dims", K::Bool, "False")},
                 {},
                 [](Call& c) -> py::object {
                   std::optional<long long> size;
                   if (!c.a[3].none) size = py::cast<long long>(c.a[3].obj);
                   return c.derive(autolift_alloc(c.h.proc, c.a[0].cursor, static_cast<int>(c.a[1].i),
                                                  c.a[2].s == "col", size, c.a[4].b));
                 }});
  out.push_back({"data_reuse", "reuse_buffer",
                 "Reuses buffer buf1's storage for buf2 (buf2's allocation removed).",
                 {P("buf1", K::Alloc), P("buf2", K::Alloc)}, {at(0, "buf_cursor"), at(1, "replace_cursor")},
                 [](Call& c) { return c.derive(data_reuse(c.h.proc, c.a[0].cursor, c.a[1].cursor)); }});
  out.push_back({"inline_window", "inline_window",
                 "Removes the window statement, rewriting its uses as accesses of the source.",
                 {P("win_stmt", K::Stmt)}, {at(0, "winstmt_cursor")},
                 [](Call& c) { return c.derive(inline_window(c.h.proc, c.a[0].cursor)); }});
  out.push_back({"resize_dim", "resize_dim",
                 "Dimension `dim_idx` of the allocation becomes `size`, accesses shifted by -`offset`; "
                 "with fold=True, a circular buffer of constant `size`.",
                 {P("buf_cursor", K::Alloc), P("dim_idx", K::Dim), P("size", K::IntOrText), P("offset", K::IntOrText),
                  P("fold", K::Bool, "False")},
                 {},
                 [](Call& c) {
                   return c.derive(resize_dim(c.h.proc, c.a[0].cursor, static_cast<int>(c.a[1].i), c.a[2].s,
                                              c.a[3].s, c.a[4].b));
                 }});
  out.push_back({"unroll_buffer", "unroll_buffer",
                 "Splits the constant dimension `dimension` of the allocation into buffers x_0, x_1, ...",
                 {P("alloc_cursor", K::Alloc), P("dimension", K::Dim)}, {},
                 [](Call& c) {
                   return c.derive(unroll_buffer(c.h.proc, c.a[0].cursor, static_cast<int>(c.a[1].i)));
                 }});
  out.push_back({"sink_alloc", "sink_alloc", "Moves the allocation into the loop or if statement right after it.",
                 {P("alloc_cursor", K::Alloc)}, {},
                 [](Call& c) { return c.derive(sink_alloc(c.h.proc, c.a[0].cursor)); }});
  out.push_back({"delete_buffer", "delete_buffer", "Removes the allocation, which nothing uses.",
                 {P("buf_cursor", K::Alloc)}, {},
                 [](Call& c) { return c.derive(delete_buffer(c.h.proc, c.a[0].cursor)); }});
  out.push_back({"extract_subproc", "extract_subproc",
                 "Makes `block` a new procedure `subproc_name` called in its place. Returns (new proc, subproc).",
                 {P("block", K::AnyRef), P("subproc_name", K::Ident), P("include_asserts", K::Bool, "True")}, {},
                 [](Call& c) -> py::object {
                   ExtractedSubproc r = extract_subproc(c.h.proc, c.a[0].cursor, c.a[1].s, c.a[2].b);
                   return py::make_tuple(c.derive(r.rewrite), c.wrap(ProcHandle{r.subproc, nullptr, {}}));
                 }});
  out.push_back({"divide_dim", "divide_dim",
                 "Dimension `hi_dim` of the allocation becomes [n / quotient, quotient].",
                 {P("alloc", K::Alloc), P("hi_dim", K::Dim), P("quotient", K::PosInt)},
                 {at(0, "alloc_cursor"), at(1, "dim_idx"), at(2, "quotient")},
                 [](Call& c) {
                   return c.derive(divide_dim(c.h.proc, c.a[0].cursor, static_cast<int>(c.a[1].i), c.a[2].i));
                 }});
  out.push_back({"mult_dim", "mult_dim",
                 "Dimensions hi_dim and lo_dim (default hi_dim + 1; of constant extent) of the allocation merge "
                 "into dimension hi_dim.",
                 {P("alloc", K::Alloc), P("hi_dim", K::Dim), P("lo_dim", K::Dim, "None")},
                 {at(0, "alloc_cursor"), at(1, "hi_dim_idx"), at(2, P("lo_dim_idx", K::Dim))},
                 [](Call& c) {
                   long long hi = c.a[1].i;
                   if (!c.a[2].none && c.a[2].i == hi)
                     c.fail(2, "Cannot multiply dimension " + std::to_string(hi) + " by itself");
                   long long lo = c.a[2].none ? hi + 1 : c.a[2].i;
                   return c.derive(mult_dim(c.h.proc, c.a[0].cursor, static_cast<int>(hi), static_cast<int>(lo)));
                 }});
}

}  // namespace exo::python
