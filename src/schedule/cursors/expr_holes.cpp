// Expression text with `_` holes filled from cursors (FormattedExprStr).
#include <cctype>

#include "exo/error.h"
#include "exo/ir_mutator.h"
#include "exo/printer.h"
#include "exo/schedule/cursor.h"
#include "schedule/cursors/visible_names.h"

namespace exo {

namespace {

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Offsets of the `_` tokens of text.
std::vector<size_t> hole_offsets(const std::string& text) {
  std::vector<size_t> out;
  for (size_t k = 0; k < text.size(); ++k) {
    if (text[k] != '_') continue;
    bool alone = (k == 0 || !name_char(text[k - 1])) && (k + 1 == text.size() || !name_char(text[k + 1]));
    if (alone) out.push_back(k);
  }
  return out;
}

// The variables e reads (reads, windows, strides).
class ReadVars : public IRVisitor {
 public:
  using IRVisitor::visit;
  std::vector<Sym> vars;

 protected:
  void visit(const ReadNode& n) override {
    vars.push_back(n.name);
    IRVisitor::visit(n);
  }
  void visit(const WindowExprNode& n) override {
    vars.push_back(n.name);
    IRVisitor::visit(n);
  }
  void visit(const StrideExprNode& n) override { vars.push_back(n.name); }
};

}  // namespace

bool has_expr_hole(const std::string& text) { return !hole_offsets(text).empty(); }

std::string fill_expr_holes(const Proc& p, const std::string& pattern, const std::vector<Cursor>& holes,
                            const StmtPath& at) {
  std::vector<size_t> at_holes = hole_offsets(pattern);
  if (at_holes.size() > holes.size())
    throw Error(ErrorKind::ParseFragment, SrcInfo(),
                "String contains more holes than expressions provided: '" + pattern + "' has " +
                    std::to_string(at_holes.size()) + ", given " + std::to_string(holes.size()));
  if (at_holes.size() < holes.size())
    throw Error(ErrorKind::ParseFragment, SrcInfo(),
                "String contains fewer holes than expressions provided: '" + pattern + "' has " +
                    std::to_string(at_holes.size()) + ", given " + std::to_string(holes.size()));
  std::vector<VisibleVar> visible = rewrite_detail::visible_vars(p, at);
  std::string out;
  size_t from = 0;
  for (size_t k = 0; k < at_holes.size(); ++k) {
    Expr e = resolve_expr(p, holes[k]);
    ReadVars reads;
    reads.visit(e);
    for (const Sym& v : reads.vars) {
      const VisibleVar* seen = rewrite_detail::find_visible(visible, v.name());
      if (!seen || seen->sym != v)
        throw Error(ErrorKind::ParseFragment, SrcInfo(),
                    v.name() + " not found in current environment: hole " + std::to_string(k + 1) + " ('" +
                        print_expr(e) + "') reads a '" + v.name() + "' that is not the one visible there");
    }
    out += pattern.substr(from, at_holes[k] - from) + "(" + print_expr(e) + ")";
    from = at_holes[k] + 1;
  }
  return out + pattern.substr(from);
}

}  // namespace exo
