// ccb/rate.hpp — rate limiting for tasks: a token bucket (Go: golang.org/x/time/rate.Limiter)
// and fixed / sliding window counters.
//
// Limiter(rate_per_sec, burst) guarantees (tests/runtime/rate_test.cpp):
//  - The bucket starts full (burst tokens) and refills at `rate` tokens per second, up to burst.
//    Refill is lazy: each call advances the bucket to now on Clock (steady, monotonic); there is
//    no background task.
//  - allow()/allow_n(n) take tokens only if all n are there now. n > burst is never allowed.
//  - reserve(n) always takes the tokens, possibly going into debt, and returns a Reservation
//    telling how long to wait before acting; Reservation::cancel() gives back the tokens that no
//    later reservation has come to depend on (Go's CancelAt). n > burst gives !ok().
//  - wait(ctx, n) reserves and parks the task until the reservation's time, or returns early
//    with the context's error (the reservation is then cancelled). It fails at once, taking no
//    tokens, when n > burst (ExceedsBurst) or when the context's deadline is before the time to
//    act (WouldExceedDeadline, Go: "rate: Wait(n=…) would exceed context deadline").
//  - set_limit/set_burst advance the bucket to now, then change the parameters.
//  - The *_at(t, …) overloads take the caller's notion of now (deterministic tests); times are
//    expected not to go backwards (an earlier t is treated as the last one seen).
// FixedWindow(limit, window): at most `limit` admissions per window [origin + k·window, …). Two
// bursts on either side of a boundary can admit 2·limit in a short span (the seeds' caveat).
// SlidingWindow(limit, window): the sliding-window counter (Cloudflare's): admits while
// prev_count·(1 − elapsed/window) + cur_count < limit, which caps any window-long span at about
// `limit` with O(1) state (a sliding log would be exact at O(limit) memory; rejected for that).
// Errors: rate, burst, limit or window <= 0 throws InvalidArgument naming the call and value.
// Concurrency: every object is thread-safe; its state is guarded by a detail::SpinLock held only
// for O(1) arithmetic (never across a park), so it is safe from tasks and plain threads alike.
#pragma once

#include <chrono>
#include <cstdint>

#include "ccb/context.hpp"
#include "ccb/detail/task_api.hpp"
#include "ccb/time.hpp"

namespace ccb::rate {

// WaitStatus: the outcome of Limiter::wait (Go returns nil or an error).
enum class WaitStatus { Ok, Canceled, DeadlineExceeded, ExceedsBurst, WouldExceedDeadline };
const char* message(WaitStatus s) noexcept;

class Limiter;

// Reservation: tokens taken by Limiter::reserve. Copyable value; cancel() acts once per copy.
// Requires: the Limiter outlives its reservations.
class Reservation {
 public:
  bool ok() const noexcept { return ok_; }
  // delay() is how long to wait from now before acting (zero when due or when !ok()).
  std::chrono::nanoseconds delay() const { return delay_from(Clock::now()); }
  std::chrono::nanoseconds delay_from(Clock::time_point now) const;
  Clock::time_point time_to_act() const noexcept { return act_; }
  // cancel() returns the reserved tokens that are still restorable (see above).
  void cancel() { cancel_at(Clock::now()); }
  void cancel_at(Clock::time_point now);

 private:
  friend class Limiter;
  Limiter* lim_ = nullptr;
  bool ok_ = false;
  int tokens_ = 0;
  Clock::time_point act_{};
  double limit_ = 0;  // the limit when reserved (Go: a reservation made under a stale limit is kept)
};

// alignas(64): a Limiter owns its cache line(s) (see ccb::Mutex): ratelimit tasks=4 procs 2,
// 5 alternated runs, medians 50.6-56.7 ns and one 138.8 unaligned, 39.3-49.6 aligned.
class alignas(64) Limiter {
 public:
  // Limiter() throws InvalidArgument unless rate_per_sec > 0 and burst > 0.
  Limiter(double rate_per_sec, int burst);
  Limiter(const Limiter&) = delete;
  Limiter& operator=(const Limiter&) = delete;

  bool allow() { return allow_n_at(Clock::now(), 1); }
  bool allow_n(int n) { return allow_n_at(Clock::now(), n); }
  bool allow_n_at(Clock::time_point now, int n);
  Reservation reserve(int n = 1) { return reserve_at(Clock::now(), n); }
  Reservation reserve_at(Clock::time_point now, int n);
  // wait() blocks the task until n tokens are its (or ctx is done). Blocks: parks the task.
  WaitStatus wait(const Context& ctx, int n = 1);
  void set_limit(double rate_per_sec);
  void set_burst(int burst);
  double limit() const;
  int burst() const;
  // tokens_at() is the number of tokens available at `now` (negative while in debt).
  double tokens_at(Clock::time_point now);

 private:
  friend class Reservation;
  void advance_locked(Clock::time_point now);  // requires mu_

  mutable detail::SpinLock mu_;
  // Guarded by mu_:
  double rate_;
  int burst_;
  double tokens_;
  Clock::time_point last_;        // time tokens_ was last advanced to
  Clock::time_point last_event_;  // latest time to act of any reservation
};

class FixedWindow {
 public:
  FixedWindow(int limit, std::chrono::nanoseconds window, Clock::time_point origin = Clock::now());
  bool allow() { return allow_at(Clock::now()); }
  bool allow_at(Clock::time_point now);

 private:
  detail::SpinLock mu_;
  // Immutable after construction:
  const int limit_;
  const int64_t window_;
  const Clock::time_point origin_;
  // Guarded by mu_:
  int64_t index_ = 0;  // current window number
  int count_ = 0;
};

class SlidingWindow {
 public:
  SlidingWindow(int limit, std::chrono::nanoseconds window, Clock::time_point origin = Clock::now());
  bool allow() { return allow_at(Clock::now()); }
  bool allow_at(Clock::time_point now);

 private:
  detail::SpinLock mu_;
  // Immutable after construction:
  const int limit_;
  const int64_t window_;
  const Clock::time_point origin_;
  // Guarded by mu_:
  int64_t index_ = 0;
  int count_ = 0;
  int prev_count_ = 0;
};

}  // namespace ccb::rate
