// runtime/src/eh_globals.hpp — the C++ runtime's per-thread exception-handling state, which a task
// must carry with it from thread to thread.
//
// The C++ runtime keeps, per thread, the stack of exceptions being handled (a `catch` block that
// has not ended yet: what `throw;` and std::current_exception() see) and the count of exceptions
// in flight (std::uncaught_exceptions()). A task that blocks inside a catch block, or inside a
// destructor run while an exception propagates, parks with its entries in the thread's state; the
// next task on that thread would push and pop on top of them, and the parked task, resumed on
// another worker, would end its catch block against that thread's state. A task that rethrew
// after a park inside its handler got another task's exception, or std::terminate ("terminate
// called without an active exception": tests/runtime/exception_state_test.cpp).
// switch_to() (fiber_switch.hpp) therefore moves the state into the suspended context's frame and
// leaves the thread's clear; the resumed context puts its own back. Every context starts clear.
// The layout is the Itanium C++ ABI's __cxa_eh_globals (section 2.2.2; libstdc++ and libc++abi
// both follow it), which <cxxabi.h> declares without its members. ARM's EH ABI adds a field:
// refused there.
// Owner: the thread the globals belong to (Worker::eh is set on the worker's own thread).
#pragma once

#include <cxxabi.h>

namespace ccb::detail {

#if defined(__ARM_EABI_UNWINDER__)
#error "ccb: the ARM EH ABI's __cxa_eh_globals has a third field; EhGlobals does not mirror it"
#endif

struct EhGlobals {
  void* caught = nullptr;    // __cxa_exception* caughtExceptions
  unsigned int uncaught = 0;  // uncaughtExceptions
};

// this_thread_eh() is the calling thread's state (created on first use by the C++ runtime).
inline EhGlobals* this_thread_eh() noexcept {
  return reinterpret_cast<EhGlobals*>(abi::__cxa_get_globals());
}

}  // namespace ccb::detail
