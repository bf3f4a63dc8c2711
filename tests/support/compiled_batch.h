#pragma once
// Many procs compiled into one C program and run once: the generated C of
// hundreds of scheduled versions is checked for the cost of one compiler
// invocation. A case that crashes the program (or hangs) is blamed and the rest
// still run; code that does not generate or compile is pinned to its case.
#include <string>
#include <vector>

#include "support/differential.h"

namespace exo::test {

class CompiledBatch {
 public:
  // Inputs several cases share (each case gets a fresh copy); returns their id.
  int add_inputs(const ProcInputs& in);
  // `p` (exported, its name unique in the batch) runs on inputs `inputs`; its
  // arguments must have the sizes of those inputs (dense or window tensors).
  // Returns the case's index.
  int add_case(const Proc& p, int inputs);
  size_t size() const { return cases_.size(); }
  void clear();

  struct Outcome {
    enum Kind { Ran, Crashed, CodegenError, CompileError } kind = Ran;
    std::string detail;  // the program's output, or the error ("<kind>: <message>" for codegen)
    std::vector<std::vector<uint8_t>> outputs;  // per argument (empty for control ones)
  };
  // Generates C for every case, compiles it with the test compiler
  // (test_cflags() plus `cflags`), runs it with `threads` OpenMP threads; one
  // outcome per case.
  std::vector<Outcome> run(const std::string& tag, const std::string& cflags, int threads = 2);

 private:
  struct Case {
    Proc proc;
    int inputs;
  };
  std::string main_source(const std::vector<size_t>& which, const std::string& header) const;
  bool compiles(const std::string& dir, const std::vector<size_t>& which,
                const std::string& cflags, std::string* err);

  std::vector<ProcInputs> inputs_;
  std::vector<Case> cases_;
};

}  // namespace exo::test
