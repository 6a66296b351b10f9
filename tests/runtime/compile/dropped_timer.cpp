// tests/runtime/compile/dropped_timer.cpp — compiled (not run) by nodiscard_check.cmake: dropping
// the Timer of ccb::after_func (which would stop it at once, so f never runs) must be diagnosed.
// With -DKEEP_IT the Timer is kept and the file must compile cleanly (the check's control).
#include <ccb/time.hpp>

void f() {
#ifdef KEEP_IT
  ccb::Timer t = ccb::after_func(std::chrono::milliseconds(1), [] {});
  (void)t;
#else
  ccb::after_func(std::chrono::milliseconds(1), [] {});
#endif
}
