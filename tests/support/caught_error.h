#pragma once
// The exo::Error a piece of code throws, as the tests of refusals check it.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "exo/error.h"

namespace exo::test {

// The error `f` throws (kind, line:col, message); fails the test if none.
struct Caught {
  ErrorKind kind = ErrorKind::Internal;
  int line = 0, col = 0;
  std::string message = "<no error>";
};

inline Caught caught(const std::function<void()>& f) {
  Caught c;
  try {
    f();
    ADD_FAILURE() << "expected an exo::Error";
  } catch (const Error& e) {
    c.kind = e.kind();
    c.line = e.where().line;
    c.col = e.where().col;
    c.message = e.message();
  }
  return c;
}

}  // namespace exo::test
