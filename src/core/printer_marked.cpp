// print_proc_marked: the proc's text with one position flagged, for scheduling
// errors. It reuses print_proc/print_stmt and finds the marked lines by counting
// the lines each statement prints, so the marked text is exactly print_proc's.
#include <algorithm>

#include "exo/printer.h"

namespace exo {
namespace {

int count_lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string::npos) nl = s.size();
    out.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

const Block* child_block(const Stmt& s, bool orelse) {
  if (auto* f = s.as<ForNode>()) return orelse ? nullptr : &f->body;
  if (auto* i = s.as<IfNode>()) return orelse ? &i->orelse : &i->body;
  return nullptr;
}

}  // namespace

std::string print_proc_marked(const Proc& p, const std::vector<StmtPathStep>& path, int count,
                              const std::string& note) {
  std::string text = print_proc(p);
  if (!p || path.empty() || path.front().orelse) return text;
  std::vector<std::string> lines = split_lines(text);
  int body_lines = p->body.empty() ? 0 : count_lines(print_block(p->body, 1));
  int line = static_cast<int>(lines.size()) - body_lines;  // first line of the body

  const Block* block = &p->body;
  for (size_t k = 0; k < path.size(); ++k) {
    int idx = path[k].index;
    bool last = k + 1 == path.size();
    int limit = static_cast<int>(block->size()) + (last && count == 0 ? 1 : 0);
    if (idx < 0 || idx >= limit) return text;
    for (int j = 0; j < idx; ++j) line += count_lines(print_stmt((*block)[j]));
    if (last) break;
    const Stmt& s = (*block)[idx];
    bool orelse = path[k + 1].orelse;
    const Block* next = child_block(s, orelse);
    if (!next) return text;
    line += 1;  // the `for`/`if` header
    if (orelse) line += count_lines(print_block(s.as<IfNode>()->body)) + 1;  // body, `else:`
    block = next;
  }

  int depth = static_cast<int>(path.size());
  std::string suffix = note.empty() ? "" : "  # <-- " + note;
  if (count == 0) {
    std::string marker = std::string(4 * depth, ' ') + "# <-- here" + (note.empty() ? "" : ": " + note);
    lines.insert(lines.begin() + std::min<int>(line, static_cast<int>(lines.size())), marker);
  } else {
    int first = path.back().index;
    int end = std::min<int>(first + count, static_cast<int>(block->size()));
    for (int j = first; j < end; ++j) {
      if (line >= static_cast<int>(lines.size())) break;
      std::string& l = lines[line];
      if (l.size() >= 2 && l[0] == ' ' && l[1] == ' ') l.replace(0, 2, "> ");
      if (j == first) l += suffix;
      line += count_lines(print_stmt((*block)[j]));
    }
  }
  std::string out;
  for (auto& l : lines) out += l + "\n";
  return out;
}

}  // namespace exo
