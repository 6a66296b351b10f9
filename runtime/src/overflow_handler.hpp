// runtime/src/overflow_handler.hpp — turning a task stack overflow into a clear fatal report.
//
// install_overflow_handler() (idempotent) installs a SIGSEGV handler that runs on an alternate
// signal stack; each worker thread calls enable_alt_stack() for itself. A fault inside the current
// task's guard page is reported as
//   "ccb: fatal: task stack overflow (stack size N bytes); raise ccb::Config::stack_size"
// and the process aborts. Other faults go to the previous handler (or the default action).
#pragma once

#include <cstddef>

namespace ccb::detail {

void install_overflow_handler();
// AltStack: the calling thread's alternate signal stack while in scope.
class AltStack {
 public:
  AltStack();
  ~AltStack();
  AltStack(const AltStack&) = delete;
  AltStack& operator=(const AltStack&) = delete;

 private:
  void* mem_ = nullptr;
  bool installed_ = false;
};
[[noreturn]] void report_stack_overflow(std::size_t stack_size) noexcept;

}  // namespace ccb::detail
