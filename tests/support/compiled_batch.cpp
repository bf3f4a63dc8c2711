#include "support/compiled_batch.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <sstream>
#include <stdexcept>

#include "support/harness.h"
#include "support/random_data.h"

namespace exo::test {

namespace fs = std::filesystem;

namespace {

bool is_data_arg(const FnArg& a) { return a.type.is_tensor || is_data_kind(a.type.base); }

std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \n\t"), b = s.find_last_not_of(" \n\t");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// The parameter declarations of `name`'s prototype in the generated header
// (the context first), e.g. {"void *ctxt", "int_fast32_t n", "struct exo_win_1f32 x"}.
std::vector<std::string> prototype_params(const std::string& header, const std::string& name) {
  const std::string head = "void " + name + "(";
  size_t at = header.find(head);
  if (at == std::string::npos) throw std::runtime_error("no prototype for " + name);
  size_t open = at + head.size(), close = header.find(");", open);
  std::vector<std::string> out;
  std::stringstream ss(header.substr(open, close - open));
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(trim(item));
  return out;
}

// Row-major strides of a dense shape, as C initializers.
std::string dense_strides(const std::vector<int64_t>& shape) {
  std::vector<int64_t> st(shape.size(), 1);
  for (size_t k = shape.size(); k-- > 1;) st[k - 1] = st[k] * shape[k];
  std::string out;
  for (size_t k = 0; k < st.size(); ++k) out += (k ? ", " : "") + std::to_string(st[k]);
  return out;
}

const char* kMainPrelude = R"(#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "batch.h"

static unsigned char* blob;
static char ctxt[4096]; /* zeroed before each case: config fields start at 0 */

static void* copy_in(size_t off, size_t n) {
  void* p = malloc(n ? n : 1);
  memcpy(p, blob + off, n);
  return p;
}

int main(int argc, char** argv) {
  if (argc != 4) return 2;
  FILE* in = fopen(argv[1], "rb");
  if (!in) return 4;
  fseek(in, 0, SEEK_END);
  long size = ftell(in);
  fseek(in, 0, SEEK_SET);
  blob = malloc(size ? (size_t)size : 1);
  if (size && fread(blob, 1, (size_t)size, in) != (size_t)size) return 3;
  fclose(in);
  FILE* out = fopen(argv[2], "ab");
  if (!out) return 5;
  for (int32_t k = atoi(argv[3]); k < NCASES; k++) {
    memset(ctxt, 0, sizeof ctxt);
    fwrite(&k, sizeof k, 1, out);
    switch (k) {
)";

}  // namespace

int CompiledBatch::add_inputs(const ProcInputs& in) {
  inputs_.push_back(in);
  return static_cast<int>(inputs_.size()) - 1;
}

int CompiledBatch::add_case(const Proc& p, int inputs) {
  cases_.push_back({p, inputs});
  return static_cast<int>(cases_.size()) - 1;
}

void CompiledBatch::clear() {
  inputs_.clear();
  cases_.clear();
}

std::string CompiledBatch::main_source(const std::vector<size_t>& which,
                                       const std::string& header) const {
  // Where each input buffer starts in in.bin.
  std::vector<std::vector<size_t>> offsets(inputs_.size());
  size_t off = 0;
  for (size_t i = 0; i < inputs_.size(); ++i)
    for (auto& d : inputs_[i].data) {
      offsets[i].push_back(off);
      off += d.size();
    }
  std::ostringstream m;
  m << "#define NCASES " << which.size() << "\n" << kMainPrelude;
  for (size_t pos = 0; pos < which.size(); ++pos) {
    const Case& c = cases_[which[pos]];
    const ProcInputs& in = inputs_[c.inputs];
    auto params = prototype_params(header, c.proc->name);
    m << "    case " << pos << ": {\n";
    std::string call = c.proc->name + "((void*)ctxt";
    std::vector<size_t> data;
    for (size_t i = 0; i < c.proc->args.size(); ++i) {
      const FnArg& a = c.proc->args[i];
      if (!is_data_arg(a)) {
        call += a.type.base == ScalarKind::Bool ? (in.control[i] ? ", true" : ", false")
                                                : ", " + std::to_string(in.control[i]);
        continue;
      }
      std::string b = "b" + std::to_string(i), ctype = c_element_type(a.type.base);
      m << "      " << ctype << "* " << b << " = copy_in(" << offsets[c.inputs][i] << ", "
        << in.data[i].size() << ");\n";
      data.push_back(i);
      const std::string& decl = i + 1 < params.size() ? params[i + 1] : "";
      if (decl.rfind("struct exo_win_", 0) == 0) {
        std::string type = decl.substr(0, decl.find(' ', 7));
        call += ", (" + type + "){ " + b + ", { " + dense_strides(in.shapes[i]) + " } }";
      } else {
        call += ", " + b;
      }
    }
    m << "      " << call << ");\n";
    for (size_t i : data) m << "      fwrite(b" << i << ", 1, " << in.data[i].size() << ", out);\n";
    for (size_t i : data) m << "      free(b" << i << ");\n";
    m << "      break;\n    }\n";
  }
  m << "    }\n    fflush(out);\n  }\n  fclose(out);\n  free(blob);\n  return 0;\n}\n";
  return m.str();
}

// Writes the C of `which` into `dir` and compiles it; false (with the
// compiler's output in *err) when it does not compile.
bool CompiledBatch::compiles(const std::string& dir, const std::vector<size_t>& which,
                             const std::string& cflags, std::string* err) {
  std::vector<Proc> procs;
  for (size_t k : which) procs.push_back(cases_[k].proc);
  CCode code = compile_to_c(procs, "batch");
  write_file(dir + "/batch.c", code.c);
  write_file(dir + "/batch.h", code.h);
  write_file(dir + "/main.c", main_source(which, code.h));
  try {
    compile_c_program(dir, cflags);
    return true;
  } catch (const std::exception& e) {
    *err = e.what();
    return false;
  }
}

std::vector<CompiledBatch::Outcome> CompiledBatch::run(const std::string& tag,
                                                       const std::string& cflags, int threads) {
  std::vector<Outcome> out(cases_.size());
  if (cases_.empty()) return out;
  std::string dir = make_temp_dir(tag);

  // Cases whose C does not generate (a memory refusing a buffer) are left out.
  std::vector<size_t> ok;
  for (size_t k = 0; k < cases_.size(); ++k) ok.push_back(k);
  try {
    std::vector<Proc> all;
    for (auto& c : cases_) all.push_back(c.proc);
    (void)compile_to_c(all, "batch");
  } catch (const Error&) {
    ok.clear();
    for (size_t k = 0; k < cases_.size(); ++k) {
      try {
        (void)compile_to_c({cases_[k].proc}, "batch");
        ok.push_back(k);
      } catch (const Error& e) {
        out[k].kind = Outcome::CodegenError;
        out[k].detail = std::string(error_kind_name(e.kind())) + ": " + e.what();
      }
    }
  }

  // Cases whose C does not compile are found by halving.
  std::string err;
  if (!ok.empty() && !compiles(dir, ok, cflags, &err)) {
    std::vector<size_t> good;
    std::function<void(const std::vector<size_t>&, std::string)> split =
        [&](const std::vector<size_t>& set, std::string why) {
          if (set.size() == 1) {
            out[set[0]].kind = Outcome::CompileError;
            out[set[0]].detail = why;
            return;
          }
          std::vector<size_t> lo(set.begin(), set.begin() + set.size() / 2),
              hi(set.begin() + set.size() / 2, set.end());
          for (auto* half : {&lo, &hi}) {
            std::string e;
            if (compiles(dir, *half, cflags, &e))
              good.insert(good.end(), half->begin(), half->end());
            else
              split(*half, e);
          }
        };
    split(ok, err);
    ok = good;
    std::sort(ok.begin(), ok.end());
    if (!ok.empty() && !compiles(dir, ok, cflags, &err))
      throw std::runtime_error("a batch of cases that each compile does not:\n" + err);
  }

  // Run; after a crash, go on from the next case.
  std::string in_bytes;
  for (auto& in : inputs_)
    for (auto& d : in.data) in_bytes.append(d.begin(), d.end());
  write_file(dir + "/in.bin", in_bytes);
  fs::remove(dir + "/out.bin");
  size_t done = 0;  // cases (positions in ok) with a complete record
  size_t parsed = 0;  // bytes of out.bin read
  while (done < ok.size()) {
    auto [code, output] =
        run_command("OMP_NUM_THREADS=" + std::to_string(threads) + " timeout 300 '" + dir +
                    "/prog' '" + dir + "/in.bin' '" + dir + "/out.bin' " + std::to_string(done));
    std::string bytes = fs::exists(dir + "/out.bin") ? read_file(dir + "/out.bin") : "";
    // Records: the position (int32), then the case's data buffers.
    while (done < ok.size()) {
      const Case& c = cases_[ok[done]];
      const ProcInputs& in = inputs_[c.inputs];
      size_t need = 4;
      for (size_t i = 0; i < c.proc->args.size(); ++i)
        if (is_data_arg(c.proc->args[i])) need += in.data[i].size();
      if (parsed + need > bytes.size()) break;
      int32_t pos;
      std::memcpy(&pos, bytes.data() + parsed, 4);
      if (pos != static_cast<int32_t>(done)) throw std::runtime_error("batch output out of step");
      Outcome& o = out[ok[done]];
      o.outputs.resize(c.proc->args.size());
      size_t at = parsed + 4;
      for (size_t i = 0; i < c.proc->args.size(); ++i) {
        if (!is_data_arg(c.proc->args[i])) continue;
        o.outputs[i].assign(bytes.begin() + at, bytes.begin() + at + in.data[i].size());
        at += in.data[i].size();
      }
      parsed += need;
      ++done;
    }
    if (code == 0) break;
    if (done >= ok.size()) break;
    // The case at `done` started (its position may be written) and did not finish.
    Outcome& o = out[ok[done]];
    o.kind = Outcome::Crashed;
    o.detail = "exit code " + std::to_string(code) + (code == 124 ? " (timed out)" : "") + ":\n" +
               output.substr(0, 4000);
    ++done;
    // Drop a partial record of the crashed case.
    fs::resize_file(dir + "/out.bin", parsed);
  }
  if (!std::getenv("EXO_KEEP_TEMP")) fs::remove_all(dir);
  return out;
}

}  // namespace exo::test
