// runtime/src/check.hpp — CCB_CHECK: a broken runtime invariant (Go's `throw`) aborts with
// file:line and a message, in every build type. Misuse by callers throws ccb::Panic instead.
#pragma once

#include <cstdio>
#include <cstdlib>

#define CCB_CHECK(cond, msg)                                                          \
  do {                                                                                \
    if (__builtin_expect(!(cond), 0)) {                                               \
      std::fprintf(stderr, "ccb: fatal: %s (%s:%d: %s)\n", msg, __FILE__, __LINE__, #cond); \
      std::abort();                                                                   \
    }                                                                                 \
  } while (0)
