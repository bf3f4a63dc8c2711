#include <gtest/gtest.h>
#include "exo/frontend.h"
using namespace exo;
TEST(Parser, Smoke) {
  auto m = parse_module("@proc\ndef f(n: size, x: f32[n] @ DRAM):\n    for i in seq(0, n):\n        x[i] = 0.0\n");
  EXPECT_EQ(m.decls.size(), 1u);
}
