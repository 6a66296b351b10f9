// ccb/rate.hpp — rate limiting for tasks: a token bucket (Go: golang.org/x/time/rate.Limiter)
// and fixed / sliding window counters.
//
// Limiter(rate_per_sec, burst) guarantees (tests/runtime/rate_test.cpp):
//  - The bucket starts full (burst tokens) and refills at `rate` tokens per second, up to burst.
//    Refill is lazy: each call advances the bucket to now on Clock (steady, monotonic); there is
//    no background task.
//  - allow()/allow_n(n) take tokens only if all n are there now. n > burst is never allowed,
//    except at an infinite rate (Go's rate.Inf: +infinity as rate_per_sec), which admits every
//    allow, reserve and wait at once, whatever n, and takes no tokens.
//  - reserve(n) always takes the tokens, possibly going into debt, and returns a Reservation
//    telling how long to wait before acting; Reservation::cancel() gives back the tokens that no
//    later reservation has come to depend on (Go's CancelAt). n > burst gives !ok(), whose
//    delay() is nanoseconds::max() (Go's InfDuration). A time to act beyond the clock's range
//    (a tiny rate) saturates at time_point::max().
//  - wait(ctx, n) reserves and parks the task until the reservation's time, or returns early
//    with the context's error (the reservation is then cancelled). It fails at once, taking no
//    tokens, when n > burst (ExceedsBurst) or when the context's deadline is before the time to
//    act (WouldExceedDeadline, Go: "rate: Wait(n=…) would exceed context deadline").
//  - set_limit/set_burst advance the bucket to now, then change the parameters. When now is not
//    after the bucket's clock, they move that clock 1 ns forward without refilling (at most
//    rate × 1 ns tokens are lost): a parameter change always changes the bucket, so an allow()
//    that read the old parameters cannot commit (see the concurrency note).
//  - The *_at(t, …) overloads take the caller's notion of now (deterministic tests); times are
//    expected not to go backwards (an earlier t is treated as the last one seen). The first one
//    may be any time, negative too, as in Go: a new limiter has seen none (not even its
//    construction time). Times beyond ±2^62 ns (~146 years) from the clock's epoch count as
//    that bound, time_point::max() included.
//  - A negative n throws InvalidArgument (Go adds -n tokens, above the burst).
// FixedWindow(limit, window): at most `limit` admissions per window [origin + k·window, …). Two
// bursts on either side of a boundary can admit 2·limit in a short span (the seeds' caveat).
// SlidingWindow(limit, window): the sliding-window counter (Cloudflare's): admits while
// prev_count·(1 − elapsed/window) + cur_count < limit, with O(1) state. It smooths the fixed
// window's boundary burst but is an estimate, not a cap: it assumes the previous window's
// admissions were spread evenly, so `limit` admissions at the very end of one window followed by
// steady calls can put just under 2·limit into one window-long span (a limit-100, 1 s window
// measured 199). A sliding log would be exact at O(limit) memory; rejected for that.
// Errors: rate, burst, limit or window <= 0 (or a NaN rate) throws InvalidArgument naming the call
// and the value: integers as integers, a window in ns ("got -5ns"), a rate in the shortest form
// that reads back as the same double ("got -2.5", "got -1e-09", "got nan").
// Concurrency: every object is thread-safe and safe from tasks and plain threads alike (no lock is
// held across a park). Limiter: the bucket {tokens, last} is one detail::AtomicPair; allow() and
// allow_n() read it and the parameters, compute, and commit with one 16-byte compare-and-swap
// (lock-free on x86-64; no lock to hand between cores). A call whose swap fails busy-waits ~1 us
// before its next pair of attempts (contended throughput: see rate.cpp). Every other member
// (reserve, cancel, set_limit, set_burst) takes the bucket itself as a lock (a marker value that
// allow() waits out) and changes rate_, burst_ and last_event_ only while holding it. A parameter
// change strictly advances `last` and nothing moves it back, so an allow() whose compare-and-swap
// finds the pair it read (even a torn read) has read the parameters stored with that pair: no ABA
// on the parameters. tokens_at() computes from a validated snapshot without changing it. The
// windows guard their counters with a detail::SpinLock held for O(1) arithmetic.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <utility>

#include "ccb/context.hpp"
#include "ccb/detail/atomic_pair.hpp"
#include "ccb/detail/task_api.hpp"
#include "ccb/time.hpp"

namespace ccb::rate {

// WaitStatus: the outcome of Limiter::wait (Go returns nil or an error).
enum class WaitStatus { Ok, Canceled, DeadlineExceeded, ExceedsBurst, WouldExceedDeadline };
const char* message(WaitStatus s) noexcept;

class Limiter;

// Reservation: tokens taken by Limiter::reserve. Move-only, as Go hands out one *Reservation:
// copies, each cancelling once, gave the tokens back once per copy (a burst-10 limiter emptied,
// reserve(5), copied and both cancelled, held 10 tokens). A moved-from reservation still answers
// ok(), delay() and time_to_act(); its cancel() gives nothing back. cancel() acts once.
// Requires: the Limiter outlives its reservations.
class Reservation {
 public:
  Reservation() = default;  // !ok(), nothing to cancel
  Reservation(Reservation&& o) noexcept { *this = std::move(o); }
  Reservation& operator=(Reservation&& o) noexcept {
    if (this != &o) {
      lim_ = o.lim_, ok_ = o.ok_, act_ = o.act_, limit_ = o.limit_;
      tokens_ = o.tokens_;
      o.tokens_ = 0;
    }
    return *this;
  }
  Reservation(const Reservation&) = delete;
  Reservation& operator=(const Reservation&) = delete;
  bool ok() const noexcept { return ok_; }
  // delay() is how long to wait from now before acting: zero when due, nanoseconds::max() when
  // !ok() (never: Go's InfDuration).
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
// The bucket's pair is the first member, so it shares its line only with the parameters that
// allow() reads with it.
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
  // From a plain thread, a wait that would block throws NotInTask and takes no tokens (one that
  // can take them at once returns Ok).
  WaitStatus wait(const Context& ctx, int n = 1);
  void set_limit(double rate_per_sec);
  void set_burst(int burst);
  double limit() const;
  int burst() const;
  // tokens_at() is the number of tokens available at `now` (negative while in debt).
  double tokens_at(Clock::time_point now);

 private:
  friend class Reservation;
  // Bucket: the value held in bucket_. last is the Clock time (ns) tokens was last advanced to.
  struct Bucket {
    double tokens;
    int64_t last;
  };
  static detail::Pair64 pack(Bucket b) noexcept;
  static Bucket unpack(detail::Pair64 p) noexcept;
  static bool is_locked(detail::Pair64 p) noexcept;
  // advanced() is b advanced to now (no change when now <= b.last): refill capped at burst.
  static Bucket advanced(Bucket b, int64_t now, double rate, int burst) noexcept;
  // reserve_within() is reserve_at() refusing (!ok, nothing taken) to act after now + max_wait.
  Reservation reserve_within(Clock::time_point now, int n, Clock::duration max_wait);
  Bucket lock_bucket() noexcept;                       // waits for, then takes, the bucket lock
  void unlock_bucket(Bucket b) noexcept;               // stores b, releasing the lock
  detail::Pair64 wait_unlocked(detail::Pair64 guess) noexcept;  // a guess that is not the marker

  detail::AtomicPair bucket_;  // Bucket, or the lock marker while a non-allow member holds it
  // Written only while holding the bucket lock; allow() reads them after reading the pair.
  std::atomic<double> rate_;
  std::atomic<int> burst_;
  // Guarded by the bucket lock: the time to act of the last reservation made (Go's lastEvent).
  Clock::time_point last_event_;
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
