// ccb/time.hpp — time for tasks (Go: time/sleep.go, time/tick.go, runtime/time.go).
//
// sleep_for/sleep_until park the task (not the worker) on its worker's timer heap; idle workers
// sleep until the next deadline, so only sleeping tasks use ~0% CPU. Durations <= 0 return at
// once (Go's time.Sleep). Throws NotInTask outside a task. A deadline past what the clock can hold
// (a duration near nanoseconds::max(), sleep_until(time_point::max())) saturates and never comes,
// as Go clamps an overflowing deadline, for sleeps, timers, tickers and context deadlines alike.
//
// Timers and tickers follow Go 1.23's semantics (tests/runtime/time_test.cpp, ticker_test.cpp):
//  - after(d) / Timer(d): the channel (capacity 1) receives Clock::now() once, at or after d.
//    d <= 0 fires at once, as in Go.
//  - Timer::stop() returns true if it prevented a delivery: the timer was pending, its fire was
//    in flight, or a delivered value was still buffered (stop drains it). reset(d) returns the same
//    "was active" answer and re-arms. After stop() or reset() returns, no value from before the
//    call is ever received: they drain the buffer under the timer's lock, and a fire racing them
//    finds its arming invalidated under that same lock and delivers nothing.
//  - Ticker(period): delivers Clock::now() every period; a slow receiver loses ticks (capacity 1,
//    non-blocking send) and the next tick is rescheduled on the period grid after now, as in Go.
//    stop() and reset(period) drain a buffered tick.
//  - after_func(d, f): runs f in a new task (Go: in its own goroutine) after d; the returned
//    Timer's c() is nil, stop() returns true iff f has not been started and never will be. The
//    Timer must be kept (it is [[nodiscard]]): unlike Go's, dropping it stops it (next point).
//  - Destroying a Timer/Ticker stops it. The shared timer state is reference-counted (one
//    reference per handle, one per pending heap entry), so destroying a handle while the worker
//    fires it is safe. Moved-from and default-constructed handles are inert.
// Errors: creating a timer outside a task throws NotInTask. A Ticker period <= 0 throws
// InvalidArgument ("non-positive interval for NewTicker" / "... for Ticker.Reset", Go's text), and
// so does after_func with an empty f ("ccb::after_func: f is empty (...)"; Go would panic later,
// in f's goroutine). InvalidArgument is declared in ccb/errors.hpp.
// Concurrency: a timer's generation/arming state is guarded by its own spin lock, taken before
// TimerHeap::mu and before the channel's lock (lock_order.md: primitive locks < TimerHeap::mu).
// stop/reset/destroy may be called from any task or thread; a call from a plain thread after the
// timer's run has ended only invalidates the timer (reset() then leaves it stopped), whether or
// not another run is in progress. (Before, a plain thread's reset() during a later run armed it
// in that run when, and only when, the later run's runtime object sat at the same address.)
// Runs: a timer belongs to the run that armed it. One still pending when that run ends is stopped
// with it (it never fires; a later stop() or reset() returns false), and reset() from a task of a
// later run arms it in that run. (Before, whether such a reset() armed the timer depended on
// whether the later run's runtime object sat at the same address, and a timer pending at the end
// of its run swallowed its next fire.)
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>

#include "ccb/chan.hpp"
#include "ccb/errors.hpp"

namespace ccb {

using Clock = std::chrono::steady_clock;

void sleep_for(std::chrono::nanoseconds d);
void sleep_until(Clock::time_point t);

namespace detail {
struct TimerShared;
struct TimerAccess;
}

// Timer: Go's *time.Timer. A move-only handle; see the guarantees above.
class Timer {
 public:
  Timer() noexcept = default;  // inert: stop() and reset() return false and do nothing
  // Timer(d) starts a timer that delivers on c() after d. Throws NotInTask outside a task.
  explicit Timer(std::chrono::nanoseconds d);
  Timer(Timer&& o) noexcept;
  Timer& operator=(Timer&& o) noexcept;
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  ~Timer();

  // stop() prevents the timer from firing; true if that prevented a delivery (see above).
  bool stop();
  // reset() re-arms the timer to fire after d; returns whether it had been active.
  bool reset(std::chrono::nanoseconds d);
  // c() is the receive channel (nil for after_func timers and inert handles).
  RecvChan<Clock::time_point> c() const;

 private:
  friend struct detail::TimerAccess;
  detail::TimerShared* s_ = nullptr;
};

// Ticker: Go's *time.Ticker. Throws InvalidArgument for period <= 0, NotInTask outside a task.
class Ticker {
 public:
  explicit Ticker(std::chrono::nanoseconds period);
  Ticker(Ticker&&) noexcept = default;
  Ticker& operator=(Ticker&&) noexcept = default;

  // stop() turns the ticker off and drops a buffered tick; no tick is received after it returns.
  void stop() { t_.stop(); }
  // reset() stops the ticker and restarts it with a new period (first tick after `period`).
  void reset(std::chrono::nanoseconds period);
  RecvChan<Clock::time_point> c() const { return t_.c(); }

 private:
  friend struct detail::TimerAccess;
  Timer t_;
};

// after() returns a channel that receives the time once after d (Go: time.After). The timer is
// owned by the heap until it fires. Throws NotInTask outside a task.
[[nodiscard("after(d) only returns a channel; nothing happens unless it is received from")]]
RecvChan<Clock::time_point> after(std::chrono::nanoseconds d);

// after_func() runs f in a new task after d; the Timer can stop it. Throws NotInTask, and
// InvalidArgument for an empty f (at the call, not when the timer fires). Unlike Go's
// time.AfterFunc, whose result is often dropped, the returned Timer must be kept: destroying it
// stops it, so f would never run; [[nodiscard]] makes the compiler say so.
[[nodiscard("destroying the returned ccb::Timer stops it, so f would never run: keep it until f has run")]]
Timer after_func(std::chrono::nanoseconds d, std::function<void()> f);

namespace detail {
// make_callback_timer() runs f inside the scheduler of the firing worker, without any lock held:
// on its loop, or on the stack of a task that is yielding or exiting there (TimerHeap::run_due
// from next_local), with no task of its own. f must not block, yield or wait for other tasks; it
// may ready tasks and spawn one. Used by context deadlines: their cancellation closes channels
// and leaves any wait for another canceller to a task it spawns (context.cpp, Wait::Never).
Timer make_callback_timer(std::chrono::nanoseconds d, std::function<void()> f);
// callback_timer_drops() counts the callback timers that were still armed when their run ended
// (they never fire: see "Runs" above). It only grows, so a context that checked its deadlines at
// one count needs no new check until it changes. Inline: contexts read it on every done()/err().
extern std::atomic<uint64_t> g_callback_drops;
inline uint64_t callback_timer_drops() noexcept { return g_callback_drops.load(std::memory_order_acquire); }
// revive_dropped() re-arms callback timer t to fire at `at` in the calling task's run if its run
// ended with it armed (not armed now, and no fire in flight): Rearmed. Expired: it was dropped and
// `at` has passed (the caller acts as the fire would). NotInTask: it was dropped and the caller is
// not a task of a run in progress, so it stays disarmed. Kept: armed, stopped or inert, unchanged.
// A timer that fired is also "not armed": callers call this only while the fire's effect (the
// context's cancellation) has not happened, which, before `at`, means it never fired.
enum class Revive { Kept, Rearmed, Expired, NotInTask };
Revive revive_dropped(Timer& t, Clock::time_point at);
}  // namespace detail

}  // namespace ccb
