// tests/runtime/thrown_text.hpp — thrown_text<E>(f): the message of the E that f() throws, for
// tests that pin an error's exact text. f returning normally gives "(no E thrown)", which fails the
// test's EXPECT_EQ with a readable value; an exception of another type propagates (and fails it).
#pragma once

#include <string>

template <class E, class F>
std::string thrown_text(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "(no E thrown)";
}
