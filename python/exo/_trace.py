"""A record of every scheduling primitive applied: `exo.trace()`.

    with exo.trace() as t:
        p = schedule(p)
    t.write_html("trace.html")     # one self-contained page
    t.write_text("trace.txt")      # the same as plain text
    t.steps                         # [Step(name, site, args, before, after, error)]

Each step is a primitive call (methods and exo.API_scheduling functions
alike, also those made inside exo.stdlib helpers): its name, the line of the
user's script that led to it, its arguments, the procedure before and after
(or the error when it was refused). `exocc --trace DIR` records the whole run.
"""

from __future__ import annotations

import difflib
import html
import json
from dataclasses import dataclass
from pathlib import Path

_ACTIVE = []  # the recorders of the enclosing `with exo.trace()` blocks


@dataclass
class Step:
    name: str
    site: tuple  # (file, line, source text) or None
    args: list  # the arguments as short strings
    before: str
    after: str  # "" when refused
    error: str  # "" when accepted

    def diff(self):
        return list(difflib.unified_diff(self.before.splitlines(), self.after.splitlines(), "before", "after",
                                         lineterm="", n=2))

    def changed_lines(self):
        """Line numbers (0-based) of `after` that are new or changed."""
        out = set()
        sm = difflib.SequenceMatcher(a=self.before.splitlines(), b=self.after.splitlines(), autojunk=False)
        for tag, _, _, j1, j2 in sm.get_opcodes():
            if tag in ("replace", "insert"):
                out.update(range(j1, j2))
        return sorted(out)


# Procedures and cursors are told apart by their attributes: importing their
# modules here would make an import cycle (they import the primitives).
def _is_proc(v):
    return hasattr(v, "_handle") and hasattr(v, "c_code_str")


def _short(v):
    if _is_proc(v):
        return v.name()
    if type(v).__name__ == "GapCursor":
        try:
            anchor = v.anchor().code().splitlines()[0].strip()
            return f"{'after' if 'After' in str(v.type()) else 'before'} `{anchor}`"
        except Exception:
            return repr(v)
    if hasattr(v, "_impl") and hasattr(v, "code"):
        try:
            first = v.code().splitlines()[0].strip()
        except Exception:
            return repr(v)
        return f"`{first}`"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_short(x) for x in v) + "]"
    text = repr(v)
    return text if len(text) <= 60 else text[:57] + "..."


def _proc_of(v):
    if _is_proc(v):
        return v
    if isinstance(v, (list, tuple)):
        for x in v:
            if _is_proc(x):
                return x
    return None


def record(name, site, first, args, out, error):
    """Called for each primitive while a trace is active (see _primitives)."""
    before = _proc_of(first)
    after = _proc_of(out)
    step = Step(name, site, [_short(a) for a in args if a is not None],
                str(before) if before is not None else "", str(after) if after is not None else "",
                error)
    for t in _ACTIVE:
        t.steps.append(step)


class Trace:
    def __init__(self):
        self.steps = []

    def __enter__(self):
        _ACTIVE.append(self)
        return self

    def __exit__(self, *exc):
        _ACTIVE.remove(self)
        return False

    # ---- output ----
    def text(self):
        out = []
        for k, s in enumerate(self.steps, 1):
            where = f"{s.site[0]}:{s.site[1]}: {s.site[2]}" if s.site else "(no script line)"
            out.append(f"== step {k}: {s.name}({', '.join(s.args)})")
            out.append(f"   at {where}")
            diff = s.diff()[2:]  # without the ---/+++ header
            if s.error:
                out.append("   refused: " + s.error.splitlines()[0])
            elif diff:
                out.extend("   " + line for line in diff)
            else:
                out.append("   (no change)")
            out.append("")
        return "\n".join(out)

    def write_text(self, path):
        Path(path).write_text(self.text())

    def write_html(self, path):
        steps = []
        for k, s in enumerate(self.steps, 1):
            steps.append({
                "n": k, "name": s.name, "args": ", ".join(s.args),
                "site": f"{Path(s.site[0]).name}:{s.site[1]}" if s.site else "",
                "call": s.site[2] if s.site else "", "file": s.site[0] if s.site else "",
                "after": s.after or s.before, "changed": s.changed_lines() if s.after else [],
                "error": s.error, "diff": "\n".join(s.diff()),
            })
        data = json.dumps(steps).replace("</", "<\\/")
        Path(path).write_text(_PAGE.replace("__STEPS__", data).replace("__TITLE__", html.escape(
            f"Exo schedule trace ({len(steps)} steps)")))


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>__TITLE__</title>
<style>
body { margin: 0; font: 14px system-ui, sans-serif; display: flex; height: 100vh; }
#side { width: 34%; overflow-y: auto; border-right: 1px solid #ccc; background: #f7f7f7; }
#search { width: calc(100% - 16px); margin: 8px; padding: 4px; box-sizing: border-box; }
.step { padding: 4px 8px; cursor: pointer; border-bottom: 1px solid #e4e4e4; }
.step.sel { background: #dbe9ff; }
.step.refused .name { color: #b00; }
.step .site { color: #666; font-size: 12px; }
#main { flex: 1; overflow: auto; padding: 8px 16px; }
pre { font: 13px ui-monospace, monospace; margin: 0; }
.line { white-space: pre; }
.line.changed { background: #fff3b0; }
.line .no { color: #999; display: inline-block; width: 3em; text-align: right; margin-right: 1em; }
#error { color: #b00; white-space: pre-wrap; }
h2 { font-size: 16px; margin: 8px 0; }
#call { color: #444; font: 13px ui-monospace, monospace; margin-bottom: 8px; }
</style></head><body>
<div id="side"><input id="search" placeholder="search steps (name, arguments, file)"><div id="list"></div></div>
<div id="main"><h2 id="title"></h2><div id="call"></div><div id="error"></div><pre id="code"></pre>
<details><summary>diff</summary><pre id="diff"></pre></details></div>
<script>
const STEPS = __STEPS__;
const list = document.getElementById("list");
function show(k) {
  const s = STEPS[k];
  document.querySelectorAll(".step").forEach((e, i) => e.classList.toggle("sel", i === k));
  document.getElementById("title").textContent = "Step " + s.n + ": " + s.name + "(" + s.args + ")";
  document.getElementById("call").textContent = s.file ? s.file + ":" + s.site.split(":").pop() + ": " + s.call : "";
  document.getElementById("error").textContent = s.error ? "refused: " + s.error : "";
  const code = document.getElementById("code");
  code.textContent = "";
  const changed = new Set(s.changed);
  s.after.split("\\n").forEach((text, i) => {
    const div = document.createElement("div");
    div.className = "line" + (changed.has(i) ? " changed" : "");
    const no = document.createElement("span");
    no.className = "no";
    no.textContent = i + 1;
    div.appendChild(no);
    div.appendChild(document.createTextNode(text));
    code.appendChild(div);
  });
  document.getElementById("diff").textContent = s.diff || "(no change)";
}
STEPS.forEach((s, k) => {
  const div = document.createElement("div");
  div.className = "step" + (s.error ? " refused" : "");
  div.dataset.text = (s.name + " " + s.args + " " + s.site + " " + s.call).toLowerCase();
  const name = document.createElement("div");
  name.className = "name";
  name.textContent = s.n + ". " + s.name + "(" + s.args + ")";
  const site = document.createElement("div");
  site.className = "site";
  site.textContent = s.site + (s.error ? "  refused" : "");
  div.appendChild(name);
  div.appendChild(site);
  div.onclick = () => show(k);
  list.appendChild(div);
});
document.getElementById("search").oninput = (e) => {
  const q = e.target.value.toLowerCase();
  document.querySelectorAll(".step").forEach((d) => { d.style.display = d.dataset.text.includes(q) ? "" : "none"; });
};
if (STEPS.length) show(0);
</script></body></html>
"""


def trace():
    """A context manager recording the primitives applied inside it."""
    return Trace()
