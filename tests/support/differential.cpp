#include "support/differential.h"

#include <cmath>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>

#include "support/harness.h"
#include "support/random_data.h"

namespace exo::test {

namespace {

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

bool is_data_arg(const FnArg& a) { return a.type.is_tensor || is_data_kind(a.type.base); }

size_t num_elements(const std::vector<int64_t>& shape) {
  size_t n = 1;
  for (auto d : shape) n *= static_cast<size_t>(d < 0 ? 0 : d);
  return n;
}

}  // namespace

int64_t eval_index(const Expr& e, const std::map<Sym, int64_t>& env) {
  if (auto* c = e.as<ConstNode>()) return c->ival;
  if (auto* r = e.as<ReadNode>()) {
    auto it = env.find(r->name);
    if (it == env.end()) throw std::runtime_error("unbound control variable " + r->name.name());
    return it->second;
  }
  if (auto* u = e.as<USubNode>()) return -eval_index(u->arg, env);
  if (auto* b = e.as<BinOpNode>()) {
    int64_t l = eval_index(b->lhs, env), r = eval_index(b->rhs, env);
    switch (b->op) {
      case BinOpKind::Add: return l + r;
      case BinOpKind::Sub: return l - r;
      case BinOpKind::Mul: return l * r;
      case BinOpKind::Div: return floor_div(l, r);
      case BinOpKind::Mod: return l - floor_div(l, r) * r;
      default: break;
    }
  }
  throw std::runtime_error("cannot evaluate shape expression " + print_expr(e));
}

ProcInputs make_random_inputs(const Proc& p, const ControlArgs& args, unsigned seed) {
  std::mt19937 rng(seed);
  ProcInputs in;
  std::map<Sym, int64_t> env;
  for (auto& a : p->args) {
    if (is_data_arg(a)) {
      std::vector<int64_t> shape;
      for (auto& d : a.type.shape) shape.push_back(eval_index(d, env));
      in.control.push_back(0);
      in.data.push_back(random_elements(a.type.base, num_elements(shape), rng));
      in.shapes.push_back(shape);
      continue;
    }
    auto it = args.find(a.name.name());
    if (it == args.end())
      throw std::runtime_error("no test value given for argument '" + a.name.name() + "' of " + p->name);
    env[a.name] = it->second;
    in.control.push_back(it->second);
    in.data.emplace_back();
    in.shapes.emplace_back();
  }
  return in;
}

std::vector<std::vector<uint8_t>> run_interpreted(const Proc& p, const ProcInputs& in,
                                                  const std::vector<ConfigPtr>& configs) {
  std::vector<std::vector<uint8_t>> bufs = in.data;
  std::vector<InterpValue> vals;
  for (size_t i = 0; i < p->args.size(); i++) {
    const FnArg& a = p->args[i];
    if (is_data_arg(a)) {
      vals.emplace_back(InterpBuffer::dense(a.type.base, bufs[i].data(), in.shapes[i]));
    } else if (a.type.base == ScalarKind::Bool) {
      vals.emplace_back(in.control[i] != 0);
    } else {
      vals.emplace_back(in.control[i]);
    }
  }
  ConfigState state;
  for (auto& c : configs)
    for (auto& f : c->fields()) state[{c->name(), f.name}] = 0.0;
  interpret(p, vals, &state);
  return bufs;
}

std::vector<std::vector<uint8_t>> run_compiled(const Proc& p, const ProcInputs& in,
                                               const std::string& tag,
                                               const std::string& extra_cflags,
                                               const CTarget* target) {
  std::vector<CTarget> targets;
  if (target) targets.push_back(*target);
  return run_compiled_each(p, {in}, tag, extra_cflags, targets).front().front();
}

std::vector<std::vector<Buffers>> run_compiled_each(
    const Proc& p, const std::vector<ProcInputs>& ins, const std::string& tag,
    const std::string& extra_cflags, const std::vector<CTarget>& targets) {
  if (ins.empty()) return {};
  const ProcInputs& in = ins.front();
  for (const ProcInputs& other : ins)
    if (other.control != in.control)
      throw std::runtime_error("run_compiled_each: the inputs differ in their control values");
  std::string dir = make_temp_dir(tag);
  const std::string stem = "kernel";
  CCode code = compile_to_c({p}, stem);
  write_file(dir + "/" + stem + ".c", code.c);
  write_file(dir + "/" + stem + ".h", code.h);

  std::ostringstream m;
  m << "#include <stdio.h>\n#include <stdlib.h>\n#include <stdint.h>\n#include <stdbool.h>\n"
    << "#include \"" << stem << ".h\"\n\n"
    << "static void* load(FILE* f, size_t n) {\n"
    << "  void* p = malloc(n ? n : 1);\n"
    << "  if (n && fread(p, 1, n, f) != n) exit(3);\n"
    << "  return p;\n}\n\n"
    << "int main(int argc, char** argv) {\n"
    << "  if (argc != 3) return 2;\n"
    << "  FILE* in = fopen(argv[1], \"rb\");\n  if (!in) return 4;\n";
  std::string call_args;
  std::vector<size_t> data_idx;
  for (size_t i = 0; i < p->args.size(); i++) {
    const FnArg& a = p->args[i];
    if (is_data_arg(a)) {
      if (a.type.is_window)
        throw std::runtime_error("the differential harness does not pass window arguments");
      m << "  void* b" << i << " = load(in, " << in.data[i].size() << ");\n";
      call_args += ", (" + c_element_type(a.type.base) + "*)b" + std::to_string(i);
      data_idx.push_back(i);
    } else if (a.type.base == ScalarKind::Bool) {
      call_args += in.control[i] ? ", true" : ", false";
    } else {
      call_args += ", " + std::to_string(in.control[i]);
    }
  }
  m << "  fclose(in);\n"
    << "  static char ctxt[4096];  /* zeroed: every config field starts at 0 */\n"
    << "  " << p->name << "((void*)ctxt" << call_args << ");\n"
    << "  FILE* out = fopen(argv[2], \"wb\");\n  if (!out) return 5;\n";
  for (size_t i : data_idx)
    m << "  fwrite(b" << i << ", 1, " << in.data[i].size() << ", out);\n";
  m << "  fclose(out);\n";
  for (size_t i : data_idx) m << "  free(b" << i << ");\n";  // no leaks for LeakSanitizer
  m << "  return 0;\n}\n";
  write_file(dir + "/main.c", m.str());

  // One directory per distinct build; the host when there is no target.
  std::vector<const CTarget*> runs;
  for (const CTarget& t : targets) runs.push_back(&t);
  if (runs.empty()) runs.push_back(nullptr);
  std::map<std::string, std::string> built;  // compiler and flags -> directory
  std::vector<std::vector<Buffers>> results;
  for (const CTarget* target : runs) {
    std::string build = target ? target->compiler + "|" + target->flags : "";
    std::string prog_dir = dir;
    if (built.count(build)) {
      prog_dir = built[build];
    } else {
      if (!built.empty()) {  // another build: its own copy of the sources
        prog_dir = dir + "/build" + std::to_string(built.size());
        for (std::string f : {"/" + stem + ".c", "/" + stem + ".h", std::string("/main.c")})
          write_file(prog_dir + f, read_file(dir + f));
      }
      compile_c_program(prog_dir, extra_cflags, target);
      built[build] = prog_dir;
    }
    std::vector<Buffers> per_input;
    for (size_t r = 0; r < ins.size(); ++r) {
      std::string in_path = dir + "/in" + std::to_string(r) + ".bin";
      std::string out_path = dir + "/out" + std::to_string(r) + ".bin";
      std::string in_bytes;
      for (size_t i : data_idx) in_bytes.append(ins[r].data[i].begin(), ins[r].data[i].end());
      write_file(in_path, in_bytes);
      run_program(prog_dir, "'" + in_path + "' '" + out_path + "'", target);
      std::string out_bytes = read_file(out_path);

      Buffers bufs(p->args.size());
      size_t off = 0;
      for (size_t i : data_idx) {
        size_t n = ins[r].data[i].size();
        if (off + n > out_bytes.size()) throw std::runtime_error("short output from compiled program");
        bufs[i].assign(out_bytes.begin() + off, out_bytes.begin() + off + n);
        off += n;
      }
      per_input.push_back(std::move(bufs));
    }
    results.push_back(std::move(per_input));
  }
  return results;
}

std::string compare_outputs(const Proc& p, const std::vector<std::vector<uint8_t>>& expected,
                            const std::vector<std::vector<uint8_t>>& actual) {
  std::ostringstream report;
  int shown = 0;
  for (size_t i = 0; i < p->args.size(); i++) {
    const FnArg& a = p->args[i];
    if (!is_data_arg(a)) continue;
    ScalarKind k = a.type.base;
    if (expected[i].size() != actual[i].size()) {
      report << a.name.name() << ": buffer sizes differ\n";
      continue;
    }
    size_t n = expected[i].size() / element_size(k);
    double tol = k == ScalarKind::F16 ? 1e-2 : (k == ScalarKind::F64 ? 1e-10 : 1e-4);
    for (size_t e = 0; e < n; e++) {
      double x = element_value(k, expected[i].data(), e), y = element_value(k, actual[i].data(), e);
      bool same = is_real_kind(k) ? (x == y || std::fabs(x - y) <= tol * (1.0 + std::fabs(x)) ||
                                     (std::isnan(x) && std::isnan(y)))
                                  : x == y;
      if (!same && shown < 8) {
        report << a.name.name() << "[" << e << "]: expected " << x << ", got " << y << "\n";
        shown++;
      }
    }
  }
  return report.str();
}

}  // namespace exo::test
