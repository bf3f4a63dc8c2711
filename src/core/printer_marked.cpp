// print_proc_marked: the proc's text with one position flagged, for scheduling
// errors. It reuses print_proc/print_stmt and finds the marked lines by counting
// the lines each statement prints, so the marked text is exactly print_proc's.
#include <algorithm>
#include <optional>

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

// Where the statements `path` points at are printed in print_proc's lines.
struct Located {
  const Block* block = nullptr;  // the block holding them
  int line = 0;                  // first line of path.back().index (or of the gap)
};

// Follows `path` through print_proc's lines; `gap` allows the index one past the
// block's end. Empty when the path does not fit the proc.
std::optional<Located> locate(const Proc& p, const std::vector<StmtPathStep>& path, bool gap,
                              const std::vector<std::string>& lines) {
  if (!p || path.empty() || path.front().orelse) return std::nullopt;
  int body_lines = p->body.empty() ? 0 : count_lines(print_block(p->body, 1));
  Located at{&p->body, static_cast<int>(lines.size()) - body_lines};  // first line of the body
  for (size_t k = 0; k < path.size(); ++k) {
    int idx = path[k].index;
    bool last = k + 1 == path.size();
    int limit = static_cast<int>(at.block->size()) + (last && gap ? 1 : 0);
    if (idx < 0 || idx >= limit) return std::nullopt;
    for (int j = 0; j < idx; ++j) at.line += count_lines(print_stmt((*at.block)[j]));
    if (last) break;
    const Stmt& s = (*at.block)[idx];
    bool orelse = path[k + 1].orelse;
    const Block* next = child_block(s, orelse);
    if (!next) return std::nullopt;
    at.line += 1;  // the `for`/`if` header
    if (orelse) at.line += count_lines(print_block(s.as<IfNode>()->body)) + 1;  // body, `else:`
    at.block = next;
  }
  return at;
}

std::string join(const std::vector<std::string>& lines, bool final_newline) {
  std::string out;
  for (size_t k = 0; k < lines.size(); ++k) out += lines[k] + (k + 1 < lines.size() || final_newline ? "\n" : "");
  return out;
}

}  // namespace

std::string print_proc_marked(const Proc& p, const std::vector<StmtPathStep>& path, int count,
                              const std::string& note) {
  std::string text = print_proc(p);
  std::vector<std::string> lines = split_lines(text);
  std::optional<Located> at = locate(p, path, count == 0, lines);
  if (!at) return text;
  int line = at->line;
  int depth = static_cast<int>(path.size());
  std::string suffix = note.empty() ? "" : "  # <-- " + note;
  if (count == 0) {
    std::string marker = std::string(4 * depth, ' ') + "# <-- here" + (note.empty() ? "" : ": " + note);
    lines.insert(lines.begin() + std::min<int>(line, static_cast<int>(lines.size())), marker);
  } else {
    int first = path.back().index;
    int end = std::min<int>(first + count, static_cast<int>(at->block->size()));
    for (int j = first; j < end; ++j) {
      if (line >= static_cast<int>(lines.size())) break;
      std::string& l = lines[line];
      if (l.size() >= 2 && l[0] == ' ' && l[1] == ' ') l.replace(0, 2, "> ");
      if (j == first) l += suffix;
      line += count_lines(print_stmt((*at->block)[j]));
    }
  }
  return join(lines, true);
}

std::string print_proc_showing(const Proc& p, const std::vector<StmtPathStep>& path, int count) {
  std::string text = print_proc(p);
  std::vector<std::string> lines = split_lines(text);
  if (path.empty()) {  // the proc itself
    if (!lines.empty()) lines[0] += "  # <-- NODE";
    return join(lines, false);
  }
  std::optional<Located> at = locate(p, path, count == 0, lines);
  if (!at) return join(lines, false);
  std::string indent(4 * path.size(), ' ');
  int first = path.back().index, size = static_cast<int>(at->block->size());
  auto line_at = [&](int k) { return lines.begin() + std::min<int>(k, static_cast<int>(lines.size())); };
  if (count == 0) {
    // A gap before a statement, or after the last one of its block.
    if (first < size) {
      lines.insert(line_at(at->line), indent + "[GAP - Before]");
    } else {
      lines.insert(line_at(at->line), indent + "[GAP - After]");
    }
    return join(lines, false);
  }
  int end = std::min(first + count, size);
  int last_line = at->line;
  for (int j = first; j < end; ++j) last_line += count_lines(print_stmt((*at->block)[j]));
  if (count == 1) {
    if (at->line < static_cast<int>(lines.size())) lines[at->line] += "  # <-- NODE";
    return join(lines, false);
  }
  lines.insert(line_at(last_line), indent + "# BLOCK END");
  lines.insert(line_at(at->line), indent + "# BLOCK START");
  return join(lines, false);
}

}  // namespace exo
