// harness/stress/ratelimit.cpp — the `ratelimit` scenario. Rounds of 50-150 ms in which --tasks
// tasks (at most 32) draw from one token bucket (ccb::rate::Limiter) at once through allow_n(),
// reserve() (acted on after its delay, or cancelled) and wait() (under a context with a random
// timeout), while a tuner task keeps changing its rate and burst; and from a FixedWindow and a
// SlidingWindow. Invariants:
//  - token bucket, per round: the tokens granted (allow_n() that returned true, reservations acted
//    on, wait() that returned Ok) are at most max_burst + max_rate x the round's length, from
//    before the limiter's first use to after the last task acted; max_* are the largest rate and
//    burst the round uses (the tuner picks from 1/4 of them up to them; in half of the rounds it
//    leaves the rate at max_rate and changes only the burst). The demand saturates the bucket:
//    in those rounds 0.58-1.0 of the bound was granted, 0.79-0.93 on average at procs 1, 2 and 8
//    (0.42-0.87 when the rate changes too), so a limiter granting tokens it does not have (a lost
//    update of the bucket, a cancel giving back too much) goes over it;
//  - tokens_at(now) never exceeds max_burst; n > max_burst is refused by all three calls
//    (allow_n false, reserve !ok, wait ExceedsBurst);
//  - windows, per round: at most `limit` allow() returned true in any window
//    [origin + k*window, origin + (k+1)*window) of each counter (a sliding window admits only
//    while its weighted count is below the limit, so its current window is bounded the same way).
//    An allow() is counted in window k when the clock read before it and the one after it are both
//    in k; one straddling a boundary is not counted.
// Test hook `over-admit`: every 4th task draws from a second limiter of the round's rate and burst
// as though it were the shared one (a limiter granting twice): the bucket bound must fail.
#include <ccb/rate.hpp>

#include <algorithm>
#include <array>
#include <memory>

#include "harness/stress/scenario.hpp"

namespace ccb::stress {

namespace {

using std::chrono::microseconds;
using std::chrono::nanoseconds;

constexpr int kMaxBurst = 64;         // max_burst is drawn from 1..kMaxBurst
constexpr int kMaxTasks = 32;
constexpr std::size_t kWindows = 4096;  // window slots per counter; later windows are not checked

struct WindowCounts {
  ccb::Clock::time_point origin;
  nanoseconds window;
  int limit;
  std::array<std::atomic<int>, kWindows> admitted{};

  int64_t index(ccb::Clock::time_point t) const { return (t - origin) / window; }
  // allow() runs allow_fn and counts a true result in its window (see the header).
  template <class Allow>
  void allow(Allow&& allow_fn) {
    const ccb::Clock::time_point before = ccb::Clock::now();
    const bool ok = allow_fn();
    const int64_t k = index(before);
    if (ok && k == index(ccb::Clock::now()) && k >= 0 && static_cast<std::size_t>(k) < kWindows)
      admitted[static_cast<std::size_t>(k)].fetch_add(1, std::memory_order_relaxed);
  }
  // most() is the largest count of one window, and which.
  std::pair<int, std::size_t> most() const {
    std::pair<int, std::size_t> m{0, 0};
    for (std::size_t k = 0; k < kWindows; ++k)
      if (const int a = admitted[k].load(std::memory_order_relaxed); a > m.first) m = {a, k};
    return m;
  }
};

struct Round {
  double max_rate;  // tokens per second
  int max_burst;
  bool tune_rate;  // the tuner changes the rate too (else only the burst, and the rate stays max_rate)
  ccb::Clock::time_point end;  // the tasks stop drawing at this time
  ccb::rate::Limiter lim;
  ccb::rate::Limiter other;  // the over-admit hook's second limiter
  std::atomic<int64_t> granted{0};
  WindowCounts fixed_counts, sliding_counts;
  ccb::rate::FixedWindow fixed;
  ccb::rate::SlidingWindow sliding;

  Round(double rate, int burst, bool tune_rate, ccb::Clock::time_point end, int limit, nanoseconds window,
        ccb::Clock::time_point origin)
      : max_rate(rate),
        max_burst(burst),
        tune_rate(tune_rate),
        end(end),
        lim(rate, burst),
        other(rate, burst),
        fixed_counts{origin, window, limit},
        sliding_counts{origin, window, limit},
        fixed(limit, window, origin),
        sliding(limit, window, origin) {}
};

// drawer(): one task drawing tokens until the round's end.
void drawer(ScenarioContext& ctx, Round& r, uint64_t seed, bool over_admit) {
  Rng rng(seed);
  ccb::rate::Limiter& lim = over_admit ? r.other : r.lim;
  while (ctx.running() && ccb::Clock::now() < r.end) {
    const int n = 1 + static_cast<int>(rng.below(std::min(4, r.max_burst)));
    switch (rng.below(8)) {
      case 0: {  // reserve, then act after the delay or cancel
        ccb::rate::Reservation res = lim.reserve(n);
        if (!res.ok()) break;  // n is above the burst the tuner set last
        if (rng.chance(3)) {
          res.cancel();
        } else {
          ccb::sleep_for(res.delay());
          r.granted.fetch_add(n, std::memory_order_relaxed);
        }
        break;
      }
      case 1: {  // wait under a context with a deadline 0-3 ms away
        auto [c, cancel] = ccb::with_timeout(ccb::background(), microseconds(rng.below(3000)));
        const ccb::rate::WaitStatus s = lim.wait(c, n);
        cancel();
        if (s == ccb::rate::WaitStatus::Ok) r.granted.fetch_add(n, std::memory_order_relaxed);
        else if (!ctx.check(s != ccb::rate::WaitStatus::Canceled, [&] {
                   return std::string("ratelimit: wait() under a context nobody cancelled returned ") + ccb::rate::message(s);
                 }))
          return;  // ExceedsBurst: n is above the burst the tuner set last
        break;
      }
      case 2:  // the windows
        r.fixed_counts.allow([&] { return r.fixed.allow(); });
        r.sliding_counts.allow([&] { return r.sliding.allow(); });
        break;
      case 3:  // more than any burst of the round: refused by every call, nothing taken
        if (rng.chance(16)) {
          const int big = r.max_burst + 1;
          const bool allowed = lim.allow_n(big);
          const bool reserved = lim.reserve(big).ok();
          const ccb::rate::WaitStatus s = lim.wait(ccb::background(), big);
          ctx.check(!allowed && !reserved && s == ccb::rate::WaitStatus::ExceedsBurst, [&] {
            return "ratelimit: n=" + std::to_string(big) + " over a burst of at most " + std::to_string(r.max_burst) +
                   ": allow_n " + (allowed ? "true" : "false") + ", reserve ok " + (reserved ? "true" : "false") +
                   ", wait " + ccb::rate::message(s);
          });
          const double tokens = lim.tokens_at(ccb::Clock::now());
          ctx.check(tokens <= r.max_burst + 1e-9, [&] {
            return "ratelimit: tokens_at() is " + std::to_string(tokens) + " over a burst of at most " +
                   std::to_string(r.max_burst);
          });
          break;
        }
        [[fallthrough]];
      default:  // allow_n, the common call; a refusal backs off a little so that the others run
        if (lim.allow_n(n)) r.granted.fetch_add(n, std::memory_order_relaxed);
        else if (rng.chance(2)) ccb::yield();
        else ccb::sleep_for(microseconds(rng.below(200)));
    }
    ctx.op();
  }
}

// tuner(): changes the bucket's rate and burst every 0-5 ms, within the round's maxima.
void tuner(ScenarioContext& ctx, Round& r, uint64_t seed) {
  Rng rng(seed);
  const int lo = std::max(1, r.max_burst / 4);
  while (ctx.running() && ccb::Clock::now() < r.end) {
    ccb::sleep_for(microseconds(rng.below(5000)));
    if (r.tune_rate && rng.chance(2)) r.lim.set_limit(r.max_rate * (0.25 + 0.75 * static_cast<double>(rng.below(1001)) / 1000));
    else r.lim.set_burst(lo + static_cast<int>(rng.below(static_cast<uint64_t>(r.max_burst - lo + 1))));
    ctx.op();
  }
}

}  // namespace

void run_ratelimit(ScenarioContext& ctx) {
  Rng rng(ctx.seed);
  while (ctx.running()) {
    const double rate = 5000 + static_cast<double>(rng.below(45001));  // tokens per second
    const int burst = 1 + static_cast<int>(rng.below(kMaxBurst));
    const int limit = 1 + static_cast<int>(rng.below(20));
    const nanoseconds window = microseconds(2000 + rng.below(8001));
    const ccb::Clock::time_point begin = ccb::Clock::now();
    // On the heap: the window counts are 32 KiB, half a task's default stack.
    const auto round = std::make_unique<Round>(rate, burst, rng.chance(2), begin + microseconds(50000 + rng.below(100001)),
                                               limit, window, begin);
    Round& r = *round;
    const int tasks = std::clamp(ctx.tasks, 2, kMaxTasks);
    ccb::WaitGroup wg;
    wg.add(tasks + 1);
    for (int t = 0; t < tasks; ++t)
      ccb::go([&, s = rng.next(), over = ctx.hook == TestHook::OverAdmit && t % 4 == 3] {
        drawer(ctx, r, s, over);
        wg.done();
      });
    ccb::go([&, s = rng.next()] {
      tuner(ctx, r, s);
      wg.done();
    });
    ctx.join(wg);
    const double seconds = std::chrono::duration<double>(ccb::Clock::now() - begin).count();
    // + 1e-6 x the bound: the bucket's double arithmetic may round a refill up by that much
    const double bound = r.max_burst + r.max_rate * seconds;
    const int64_t granted = r.granted.load();
    ctx.check(static_cast<double>(granted) <= bound * (1 + 1e-6), [&] {
      return "ratelimit: a Limiter of rate <= " + std::to_string(static_cast<int64_t>(r.max_rate)) +
             "/s and burst <= " + std::to_string(r.max_burst) + " granted " + std::to_string(granted) + " tokens in " +
             std::to_string(seconds) + " s, more than the " + std::to_string(bound) + " it can give";
    });
    for (const auto& [name, counts] : {std::pair<const char*, const WindowCounts*>{"FixedWindow", &r.fixed_counts},
                                       {"SlidingWindow", &r.sliding_counts}}) {
      const auto [most, k] = counts->most();
      ctx.check(most <= limit, [&] {
        return std::string("ratelimit: a ") + name + " of limit " + std::to_string(limit) + " admitted " +
               std::to_string(most) + " in its window " + std::to_string(k) + " of " +
               std::to_string(window.count() / 1000) + " us";
      });
    }
  }
}

}  // namespace ccb::stress
