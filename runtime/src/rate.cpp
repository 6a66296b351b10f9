// runtime/src/rate.cpp — see ccb/rate.hpp. Limiter follows golang.org/x/time/rate (advance,
// reserveN, CancelAt, WaitN) with float token counts; windows are O(1) counters.
#include "ccb/rate.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <limits>
#include <mutex>
#include <optional>
#include <string>

#include "ccb/select.hpp"

namespace ccb::rate {

namespace {

using Ns = std::chrono::nanoseconds;

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// The bucket's clock: ns() clamps a caller's time into [kEarliestNs, kLatestNs], half of int64's
// range each way, so that `now - last` never overflows and a setter's 1 ns bump of `last` has
// room even after a call at time_point::max() (a saturated time to act passed back in: before,
// the bump wrapped to INT64_MIN and every later refill was hugely negative). kNeverNs, below the
// range, is a new bucket's `last`: no time seen yet (Limiter::advanced).
constexpr int64_t kLatestNs = std::numeric_limits<int64_t>::max() / 2;
constexpr int64_t kEarliestNs = -kLatestNs;
constexpr int64_t kNeverNs = std::numeric_limits<int64_t>::min();

int64_t ns(Clock::time_point t) {
  return std::clamp<int64_t>(std::chrono::duration_cast<Ns>(t.time_since_epoch()).count(), kEarliestNs, kLatestNs);
}

Clock::time_point from_ns(int64_t v) {
  return Clock::time_point(std::chrono::duration_cast<Clock::duration>(Ns(v)));
}

// from_tokens() is the time `tokens` take to refill at `rate`, saturated at Clock::duration::max()
// (a tiny rate would overflow the conversion); 0 at an infinite rate.
Clock::duration from_tokens(double tokens, double rate) {
  const std::chrono::duration<double, Clock::period> d = std::chrono::duration<double>(tokens / rate);
  if (!(d.count() < static_cast<double>(Clock::duration::max().count()))) return Clock::duration::max();
  return std::chrono::duration_cast<Clock::duration>(d);
}

// after() is t + d, saturated at time_point::max() (d >= 0).
Clock::time_point after(Clock::time_point t, Clock::duration d) {
  return d > Clock::time_point::max() - t ? Clock::time_point::max() : t + d;
}

// unlimited(): Go's rate.Inf, "allows all events, even if burst is zero": no token accounting.
bool unlimited(double rate) { return std::isinf(rate); }

[[noreturn]] void throw_not_positive(const char* what, const std::string& got) {
  throw InvalidArgument(std::string(what) + " must be > 0, got " + got);
}

// check_rate() refuses a rate that is not > 0 (NaN included), printed in the shortest form that
// reads back as the same double ("-2.5", "-1e-09", "nan"; std::to_string would print "-0.000000").
void check_rate(double v, const char* what) {
  if (v > 0) return;
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  throw_not_positive(what, std::string(buf, r.ptr));
}

// check_count() refuses a burst or limit that is not > 0, printed as an integer.
void check_count(int v, const char* what) {
  if (v <= 0) throw_not_positive(what, std::to_string(v));
}

// check_tokens() refuses a negative token count n (Go's AllowN/ReserveN/WaitN take one and add
// -n tokens, above the burst: a misuse here, not a way to refill).
void check_tokens(int n, const char* what) {
  if (n < 0) throw InvalidArgument(std::string(what) + ": n must be >= 0, got " + std::to_string(n));
}

// check_window() refuses a window that is not > 0, printed in nanoseconds with its unit.
void check_window(Ns window, const char* what) {
  if (window.count() <= 0) throw_not_positive(what, std::to_string(window.count()) + "ns");
}

// window_index() numbers the window that `now` falls in (times before origin count as window 0).
int64_t window_index(Clock::time_point origin, Clock::time_point now, int64_t window) {
  int64_t d = std::chrono::duration_cast<Ns>(now - origin).count();
  return d <= 0 ? 0 : d / window;
}

}  // namespace

const char* message(WaitStatus s) noexcept {
  switch (s) {
    case WaitStatus::Ok: return "";
    case WaitStatus::Canceled: return "context canceled";
    case WaitStatus::DeadlineExceeded: return "context deadline exceeded";
    case WaitStatus::ExceedsBurst: return "rate: Wait(n) exceeds limiter's burst";
    case WaitStatus::WouldExceedDeadline: return "rate: Wait(n) would exceed context deadline";
  }
  return "";
}

// ---------------------------------------------------------------------------------------------
// Reservation

std::chrono::nanoseconds Reservation::delay_from(Clock::time_point now) const {
  if (!ok_) return Ns::max();  // Go: InfDuration
  if (act_ <= now) return Ns::zero();
  return std::chrono::duration_cast<Ns>(act_ - now);
}

void Reservation::cancel_at(Clock::time_point now) {
  if (!ok_ || tokens_ == 0 || act_ < now) return;
  Limiter::Bucket b = lim_->lock_bucket();
  // Tokens reserved after this one were granted against these tokens; they cannot come back.
  const int n = tokens_;
  double restore = n - seconds(lim_->last_event_ - act_) * limit_;
  tokens_ = 0;
  if (restore > 0) {
    const int burst = lim_->burst_.load(std::memory_order_relaxed);
    b = Limiter::advanced(b, ns(now), lim_->rate_.load(std::memory_order_relaxed), burst);
    b.tokens = std::min(b.tokens + restore, static_cast<double>(burst));
    if (act_ == lim_->last_event_) {
      Clock::time_point prev = act_ - from_tokens(n, limit_);
      if (prev >= now) lim_->last_event_ = prev;
    }
  }
  lim_->unlock_bucket(b);
}

// ---------------------------------------------------------------------------------------------
// Limiter

namespace {
// The lock marker's first word: a NaN bit pattern that no arithmetic here produces (x86 and ARM
// produce the default NaN), so no Bucket ever packs to it.
constexpr uint64_t kLockedTokens = 0x7ff0'ccb0'10c4'ed00ULL;
}  // namespace

Limiter::Limiter(double rate_per_sec, int burst) {
  check_rate(rate_per_sec, "rate::Limiter: rate_per_sec");
  check_count(burst, "rate::Limiter: burst");
  rate_.store(rate_per_sec, std::memory_order_relaxed);
  burst_.store(burst, std::memory_order_relaxed);
  last_event_ = Clock::now();
  // Full, and as if it had seen no time yet (Go's zero `last`): the first call's t, even one taken
  // before this constructor ran (or a negative one), refills nothing (the bucket is full) and
  // becomes the last seen.
  unlock_bucket(Bucket{static_cast<double>(burst), kNeverNs});
}

detail::Pair64 Limiter::pack(Bucket b) noexcept {
  return detail::Pair64{std::bit_cast<uint64_t>(b.tokens), static_cast<uint64_t>(b.last)};
}

Limiter::Bucket Limiter::unpack(detail::Pair64 p) noexcept {
  return Bucket{std::bit_cast<double>(p.lo), static_cast<int64_t>(p.hi)};
}

bool Limiter::is_locked(detail::Pair64 p) noexcept { return p.lo == kLockedTokens; }

// Elapsed ns × 1e-9 (a multiply, not Go's division by 1e9, which can differ in the last bit):
// allow() computes this between reading the pair and swapping it, where the division's latency
// costs failed swaps (the measurement quoted in allow_n_at).
// A bucket that has seen no time (kNeverNs) only takes `now` as its clock. Before, a new bucket's
// clock was 0, and calls at negative times (tests may pass any time) never refilled it.
Limiter::Bucket Limiter::advanced(Bucket b, int64_t now, double rate, int burst) noexcept {
  if (b.last == kNeverNs) return Bucket{b.tokens, now};
  if (now <= b.last) return b;
  const double refill = static_cast<double>(now - b.last) * 1e-9 * rate;
  return Bucket{std::min(b.tokens + refill, static_cast<double>(burst)), now};
}

detail::Pair64 Limiter::wait_unlocked(detail::Pair64 guess) noexcept {
  for (unsigned spins = 0; is_locked(guess); guess = bucket_.load_guess()) detail::spin_wait(spins);
  return guess;
}

Limiter::Bucket Limiter::lock_bucket() noexcept {
  detail::Pair64 cur = bucket_.load_guess();
  for (;;) {
    cur = wait_unlocked(cur);
    if (bucket_.compare_exchange(cur, detail::Pair64{kLockedTokens, cur.hi})) return unpack(cur);
  }
}

void Limiter::unlock_bucket(Bucket b) noexcept {
  // Only the holder changes a locked pair (and the constructor stores the first value).
  detail::Pair64 cur = bucket_.load_guess();
  while (!bucket_.compare_exchange(cur, pack(b))) {
  }
}

namespace {
// How long allow() backs off after a failed compare-and-swap. While one core backs off, the other
// runs its calls with the bucket's line in its own cache (~40 ns each, as at procs 1) instead of
// moving the line for every call. ratelimit --procs 1,2,4,8 --set tasks=4,8 --repetitions 5
// (scratch build, backoff as an environment variable, 2 rounds): no back-off 83.6-98.4 ns per
// call at procs 2-8, 300 ns 63.1-71.3, 1000 ns 51.8-56.4, 3000 ns 44.6-46.7 (procs 1: 41-46 in
// all). 1000 ns keeps the delay a loser can see small: a scratch 4-task procs-2 run timing every
// call measured p50 70 ns and p99 1.7-1.8 us with it, p50 221-251 ns and p99 0.5-0.6 us without,
// p99 3.7 us with 3000 ns.
constexpr int64_t kAllowBackoffNs = 1000;

void back_off_after_contention() noexcept {
  const auto until = Clock::now() + std::chrono::nanoseconds(kAllowBackoffNs);
  while (Clock::now() < until) CCB_CPU_RELAX();
}
}  // namespace

bool Limiter::allow_n_at(Clock::time_point now, int n) {
  check_tokens(n, "rate::Limiter::allow_n");
  const int64_t t = ns(now);
  // The first read is a plain (possibly torn) guess; the compare-and-swap below validates it.
  // Session 11 read it with a locked compare-and-swap instead, to take the cache line exclusive
  // before the arithmetic (scratch driver, 4 tasks at procs 2: 38.2-38.6 ns per call against
  // 46-59 ns with a plain load). On session 19's host that choice measured worse at every procs:
  // `ccbench run ratelimit --preset full --repetitions 5`, the two builds alternated in shuffled
  // order, 4 + 5 rounds, medians plain/locked 0.735-0.871 (procs 1: 46.9-48.2 against
  // 55.1-62.5 ns; procs 2: 88.3-92.6 against 107.7-115.7 ns): a second cmpxchg16b per call is
  // the larger cost there.
  detail::Pair64 cur = bucket_.load_guess();
  for (unsigned fails = 0;; ++fails) {
    // Contention: back off after a failed swap, then try twice in a row (the first swap, with the
    // stale pair, fails but takes the line exclusive with the current one; the second commits
    // before another core can take it back), and back off again only if both fail.
    if (fails % 2 == 1) back_off_after_contention();
    cur = wait_unlocked(cur);
    // Read after the pair: a parameter change advances `last`, so a pair that the compare-and-
    // swap below finds unchanged was stored after the parameters read here (see rate.hpp).
    const double rate = rate_.load(std::memory_order_relaxed);
    const int burst = burst_.load(std::memory_order_relaxed);
    Bucket b = advanced(unpack(cur), t, rate, burst);
    const bool inf = unlimited(rate);
    const bool ok = inf || (n <= burst && b.tokens >= n);
    if (ok && !inf) b.tokens -= n;
    // Also on refusal: the swap checks that the pair is still the one the parameters were read
    // with (after waiting out a setter `cur` is a plain read, possibly torn) and keeps the advance.
    if (bucket_.compare_exchange(cur, pack(b))) return ok;
  }
}

Reservation Limiter::reserve_at(Clock::time_point now, int n) {
  check_tokens(n, "rate::Limiter::reserve");
  return reserve_within(now, n, Clock::duration::max());
}

// Go's reserveN(t, n, maxFutureReserve): a reservation that would exceed the burst or act later
// than now + max_wait is refused and changes nothing; an accepted one becomes the last event.
Reservation Limiter::reserve_within(Clock::time_point now, int n, Clock::duration max_wait) {
  Reservation r;
  r.lim_ = this;
  Bucket b = lock_bucket();
  const double rate = rate_.load(std::memory_order_relaxed);
  const int burst = burst_.load(std::memory_order_relaxed);
  r.limit_ = rate;
  if (unlimited(rate)) {  // Go's reserveN: ok at once, nothing taken, so nothing to cancel
    r.ok_ = true;
    r.act_ = now;
  } else {
    Bucket a = advanced(b, ns(now), rate, burst);
    if (now < from_ns(a.last)) now = from_ns(a.last);
    a.tokens -= n;
    const Clock::time_point act = a.tokens < 0 ? after(now, from_tokens(-a.tokens, rate)) : now;
    if (n <= burst && act - now <= max_wait) {
      b = a;
      r.ok_ = true;
      r.tokens_ = n;
      r.act_ = act;
      // Go: lastEvent = timeToAct, also when an earlier reservation acts later (it was cancelled
      // and gave its tokens back): keeping the latest one instead made later cancels restore too
      // few tokens (runtime audit, session 38: reserve 3, cancel, reserve 2, cancel left 0).
      last_event_ = act;
    }
  }
  unlock_bucket(b);
  return r;
}

WaitStatus Limiter::wait(const Context& ctx, int n) {
  check_tokens(n, "rate::Limiter::wait");
  if (n > burst() && !unlimited(limit())) return WaitStatus::ExceedsBurst;
  if (ContextError e = ctx.err(); e != ContextError::None)
    return e == ContextError::Canceled ? WaitStatus::Canceled : WaitStatus::DeadlineExceeded;
  Clock::time_point now = Clock::now();
  // Go's WaitN: a reservation acting after the deadline is refused and takes nothing (reserving
  // and cancelling instead left the limiter's last event in the future, so later cancels gave
  // back too few tokens).
  Clock::duration max_wait = Clock::duration::max();
  if (auto dl = ctx.deadline()) max_wait = *dl - now;
  // A plain thread cannot park: it takes only tokens it may use now. Before, it reserved, and
  // cancelled when its timer threw NotInTask; a reservation made in between kept part of them.
  const bool in_task = detail::current_task() != nullptr;
  Reservation r = reserve_within(now, n, in_task ? max_wait : std::min(max_wait, Clock::duration::zero()));
  if (!r.ok()) {
    if (n > burst() && !unlimited(limit())) return WaitStatus::ExceedsBurst;  // burst lowered meanwhile
    // A plain thread refused: Go's answer if the wait would pass the deadline, else it would block.
    if (!in_task && max_wait >= Clock::duration::zero() &&
        from_tokens(std::max(0.0, n - tokens_at(now)), limit()) <= max_wait)
      throw NotInTask("rate::Limiter::wait");
    return WaitStatus::WouldExceedDeadline;
  }
  Ns delay = r.delay_from(now);
  if (delay <= Ns::zero()) return WaitStatus::Ok;
  std::optional<Timer> t;  // stopped by its destructor when ctx wins
  try {
    t.emplace(delay);
  } catch (...) {  // out of memory: give the tokens back
    r.cancel_at(now);
    throw;
  }
  bool fired = false;
  ccb::select(recv_case(t->c(), [&] { fired = true; }), recv_case(ctx.done()));
  if (fired) return WaitStatus::Ok;
  r.cancel();
  return ctx.err() == ContextError::DeadlineExceeded ? WaitStatus::DeadlineExceeded : WaitStatus::Canceled;
}

void Limiter::set_limit(double rate_per_sec) {
  check_rate(rate_per_sec, "rate::Limiter::set_limit: rate_per_sec");
  const Bucket old = lock_bucket();
  Bucket b = advanced(old, ns(Clock::now()), rate_.load(std::memory_order_relaxed),
                      burst_.load(std::memory_order_relaxed));
  if (b.last == old.last) ++b.last;  // a parameter change must change the pair (rate.hpp)
  rate_.store(rate_per_sec, std::memory_order_relaxed);
  unlock_bucket(b);
}

void Limiter::set_burst(int burst) {
  check_count(burst, "rate::Limiter::set_burst: burst");
  const Bucket old = lock_bucket();
  Bucket b = advanced(old, ns(Clock::now()), rate_.load(std::memory_order_relaxed),
                      burst_.load(std::memory_order_relaxed));
  if (b.last == old.last) ++b.last;  // a parameter change must change the pair (rate.hpp)
  b.tokens = std::min(b.tokens, static_cast<double>(burst));
  burst_.store(burst, std::memory_order_relaxed);
  unlock_bucket(b);
}

double Limiter::limit() const { return rate_.load(std::memory_order_relaxed); }

int Limiter::burst() const { return burst_.load(std::memory_order_relaxed); }

double Limiter::tokens_at(Clock::time_point now) {
  detail::Pair64 cur = bucket_.load_guess();
  for (;;) {
    cur = wait_unlocked(cur);
    const double rate = rate_.load(std::memory_order_relaxed);
    const int burst = burst_.load(std::memory_order_relaxed);
    const detail::Pair64 seen = cur;
    if (bucket_.compare_exchange(cur, seen)) return advanced(unpack(seen), ns(now), rate, burst).tokens;
  }
}

// ---------------------------------------------------------------------------------------------
// Windows

FixedWindow::FixedWindow(int limit, std::chrono::nanoseconds window, Clock::time_point origin)
    : limit_(limit), window_(window.count()), origin_(origin) {
  check_count(limit, "rate::FixedWindow: limit");
  check_window(window, "rate::FixedWindow: window");
}

bool FixedWindow::allow_at(Clock::time_point now) {
  std::lock_guard<detail::SpinLock> g(mu_);
  int64_t idx = window_index(origin_, now, window_);
  if (idx > index_) {
    index_ = idx;
    count_ = 0;
  }
  if (count_ >= limit_) return false;
  ++count_;
  return true;
}

SlidingWindow::SlidingWindow(int limit, std::chrono::nanoseconds window, Clock::time_point origin)
    : limit_(limit), window_(window.count()), origin_(origin) {
  check_count(limit, "rate::SlidingWindow: limit");
  check_window(window, "rate::SlidingWindow: window");
}

bool SlidingWindow::allow_at(Clock::time_point now) {
  std::lock_guard<detail::SpinLock> g(mu_);
  int64_t idx = window_index(origin_, now, window_);
  if (idx > index_) {
    prev_count_ = idx == index_ + 1 ? count_ : 0;
    count_ = 0;
    index_ = idx;
  }
  int64_t into = std::chrono::duration_cast<Ns>(now - origin_).count() - index_ * window_;
  if (into < 0) into = 0;
  double weight = 1.0 - static_cast<double>(into) / static_cast<double>(window_);
  if (prev_count_ * weight + count_ >= limit_) return false;
  ++count_;
  return true;
}

}  // namespace ccb::rate
