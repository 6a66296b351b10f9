// ccb/once.hpp — ccb::Once, Go's sync.Once: call() runs f exactly once across all callers; every
// caller returns only after that first f has returned (or thrown: as in Go, a panicking f counts
// as done and the exception propagates to its caller only; an f whose task is abandoned at the
// end of a run does not count). Fast path: one acquire load. An empty f (an empty std::function,
// a null function pointer) throws InvalidArgument ("ccb::Once::call: f is empty (...)") whether or
// not the Once is done, and does not make it done.
// Destruction, as for std::once_flag: only once every call() has returned. A caller that returns
// on the fast path (done) does not know that the caller that ran f has left call(): it marks the
// Once done before releasing its mutex.
#pragma once

#include <atomic>
#include <exception>
#include <mutex>
#include <utility>

#include "ccb/detail/task_api.hpp"
#include "ccb/errors.hpp"
#include "ccb/mutex.hpp"

namespace ccb {

class Once {
 public:
  template <class F>
  void call(F&& f) {
    detail::check_callable(f, "ccb::Once::call: f");
    if (done_.load(std::memory_order_acquire)) return;
    m_.lock_as(detail::WaitReason::Once, this);  // blocked: "sync.Once.Do on <this Once>", not the Mutex's
    std::lock_guard<Mutex> g(m_, std::adopt_lock);
    if (done_.load(std::memory_order_relaxed)) return;
    // An f interrupted because its task is abandoned at the end of a run (the runtime's internal
    // unwinding, not a panic of f) did not run: the Once stays not done, so a later run's call()
    // runs f. Any other exit of f, a throw included, counts as done.
    struct SetDone {
      std::atomic<bool>& d;
      int uncaught = std::uncaught_exceptions();
      ~SetDone() {
        if (std::uncaught_exceptions() > uncaught && detail::current_task_unwinding()) return;
        d.store(true, std::memory_order_release);
      }
    } set{done_};
    std::forward<F>(f)();
  }
  // do_() is Go's spelling (`do` is a C++ keyword).
  template <class F>
  void do_(F&& f) { call(std::forward<F>(f)); }
  bool done() const noexcept { return done_.load(std::memory_order_acquire); }

 private:
  std::atomic<bool> done_{false};
  Mutex m_;
};

}  // namespace ccb
