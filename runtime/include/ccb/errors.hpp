// ccb/errors.hpp — the exceptions the runtime throws.
//
// Misuse of the API is Go's `panic`: a ccb::Panic subclass, thrown in every build type, with Go's
// message verbatim. The object that was misused is left valid (checks happen before mutation).
// Broken runtime invariants are not exceptions: they abort with file:line (CCB_CHECK).
// An empty callable (an empty std::function, a null function pointer) given to an API that calls
// it later (ccb::go, after_func, ErrGroup::go, WorkerPool, stage, Once::call, select's cases)
// throws InvalidArgument at the call, naming the call ("ccb::go: f is empty (...)"), before
// anything is created or started.
//  - Panic                      base of every misuse error (std::logic_error); thrown as itself by
//                               ccb::run called from inside a task ("ccb::run called from inside a
//                               task (run is not reentrant)") or while another thread's run is in
//                               progress ("ccb::run: another run is in progress in this process"),
//                               and by ccb::release_stacks during a run
//  - SendOnClosedChannel        "send on closed channel"
//  - CloseOfClosedChannel       "close of closed channel"
//  - CloseOfNilChannel          "close of nil channel"
//  - NegativeWaitGroupCounter   "sync: negative WaitGroup counter"
//  - UnlockOfUnlockedMutex      "sync: unlock of unlocked mutex" (also RWMutex variants)
//  - NotInTask                  a blocking runtime call made outside ccb::run's tasks
//  - InvalidArgument            a bad argument (Go panics on it): a non-positive ticker period,
//                               rate, burst, window or worker count, a null ContextKey, an empty
//                               callable (above), a moved-from Ticker's reset or ErrGroup, a
//                               channel capacity over Go's limit ("makechan: size out of range");
//                               names the call and the value, or is Go's text where Go has one
//  - ConfigError                an invalid ccb::Config field (std::invalid_argument), names field and
//                               range; also ccb::run with an empty main
//  - Deadlock                   thrown by ccb::run when every task is blocked and nothing can wake them
//  - ThreadStartFailed          thrown by ccb::run when the OS refuses one of its worker threads
//                               (std::system_error, its code the OS's: EAGAIN under a thread or
//                               memory limit); the workers already started are stopped and joined
//                               first, main never runs, and the runtime is usable for a later run
// A run that cannot get memory (a task's stack, a slab of task slots) throws std::bad_alloc from
// ccb::run after ending the run, as a task's own exception would.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>

namespace ccb {

class Panic : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

class SendOnClosedChannel : public Panic {
 public:
  SendOnClosedChannel() : Panic("send on closed channel") {}
};

class CloseOfClosedChannel : public Panic {
 public:
  CloseOfClosedChannel() : Panic("close of closed channel") {}
};

class CloseOfNilChannel : public Panic {
 public:
  CloseOfNilChannel() : Panic("close of nil channel") {}
};

class NegativeWaitGroupCounter : public Panic {
 public:
  NegativeWaitGroupCounter() : Panic("sync: negative WaitGroup counter") {}
};

class UnlockOfUnlockedMutex : public Panic {
 public:
  explicit UnlockOfUnlockedMutex(const char* what = "sync: unlock of unlocked mutex") : Panic(what) {}
};

class NotInTask : public Panic {
 public:
  explicit NotInTask(const std::string& op)
      : Panic("ccb: " + op + " called outside a task (call it from inside ccb::run)") {}
};

class InvalidArgument : public Panic {
 public:
  using Panic::Panic;
};

class ConfigError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class Deadlock : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ThreadStartFailed : public std::system_error {
 public:
  using std::system_error::system_error;
};

namespace detail {

template <class F> struct IsStdFunction : std::false_type {};
template <class Sig> struct IsStdFunction<std::function<Sig>> : std::true_type {};

// is_empty_callable(f): f is an empty std::function, a null function pointer or a null pointer to
// member. For any other type (lambdas, function objects, function references) it is false at
// compile time, so check_callable() compiles to nothing for them.
template <class F>
constexpr bool is_empty_callable(const F& f) noexcept {
  using D = std::remove_cvref_t<F>;
  if constexpr (IsStdFunction<D>::value || std::is_pointer_v<D> || std::is_member_pointer_v<D>)
    return !f;
  else
    return false;
}

[[noreturn, gnu::cold, gnu::noinline]] inline void throw_empty_callable(const char* what) {
  throw InvalidArgument(std::string(what) + " is empty (an empty std::function or a null function pointer)");
}

// check_callable() throws InvalidArgument("<what> is empty (...)") when f is an empty callable.
template <class F>
void check_callable(const F& f, const char* what) {
  if (is_empty_callable(f)) [[unlikely]] throw_empty_callable(what);
}

}  // namespace detail

}  // namespace ccb
