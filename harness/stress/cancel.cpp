// harness/stress/cancel.cpp — the `cancel` scenario. Each round builds a random context tree
// (with_cancel / with_timeout children of random nodes), starts tasks that loop on selects over
// their node's done() channel and short timers, cancels random subtrees and then the root while
// they are mid-operation; meanwhile after_func timers and channel Timers are stopped and reset
// while they may be firing. Invariants:
//  - every task observes cancellation (done() closed, err() set) and exits: the round's tasks
//    all finish within 10 s of the root's cancel, or the round fails;
//  - a cancelled node's err() is Canceled or DeadlineExceeded, never None;
//  - an after_func timer runs its function at most once per arming: never more often than it was
//    armed, and, once quiet, exactly (armings - stops/resets that reported preventing a run);
//  - a channel Timer reset at time t to fire after d delivers a value stamped no earlier than
//    t + d (not a stale value from its earlier arming, not an early one); when the reset comes
//    from a plain thread, t is read in that thread just before its reset() call;
//  - a Ticker of period p made at time s delivers its k-th tick stamped no earlier than s + k*p,
//    however slowly its task receives (a slow receiver loses ticks, it never gets one early); reset
//    to p2 at time r, the k-th tick after the reset is no earlier than r + k*p2; once stop() has
//    returned, no tick comes (none is there 2 periods later).
// Half of the rounds cancel from a plain thread (the subtrees and the root), and half of the
// Timer resets come from a plain thread while the scenario's task waits on the timer with every
// other task gone: the paths by which a thread outside the run readies tasks and re-arms timers
// (a reset there once ended the run with a false Deadlock).
// Test hook `early-timer`: every Timer check takes the plain-thread path, whose reset fires at once
// while the check expects it 50 ms later (a Timer firing early must be reported). Test hook
// `early-tick`: the Ticker ticks every p/4 while its check expects p.
#include "harness/stress/scenario.hpp"

#include <optional>
#include <thread>

namespace ccb::stress {

namespace {

using std::chrono::microseconds;

// cancel_tasks_round() returns the plain thread that cancels, if this round has one: the caller
// keeps it until the round's tasks are done (joining it in a task would hold up its worker).
std::optional<std::jthread> cancel_tasks_round(ScenarioContext& ctx, Rng& rng, ccb::WaitGroup& wg) {
  auto root = ccb::with_cancel(ccb::background());
  std::vector<ccb::WithCancel> nodes{root};
  const std::size_t n = 2 + rng.below(12);
  for (std::size_t i = 0; i < n; ++i) {
    const ccb::Context& parent = nodes[rng.below(nodes.size())].ctx;
    nodes.push_back(rng.chance(3) ? ccb::with_timeout(parent, microseconds(rng.below(5000)))
                                  : ccb::with_cancel(parent));
  }
  const int tasks = std::max(2, ctx.tasks / 2);
  wg.add(tasks);
  for (int t = 0; t < tasks; ++t) {
    ccb::go([&ctx, &wg, c = nodes[rng.below(nodes.size())].ctx, s = rng.next()] {
      Rng r(s);
      bool done = false;
      while (!done) {
        ccb::select(ccb::recv_case(c.done(), [&] { done = true; }),
                    ccb::recv_case(ccb::after(microseconds(10 + r.below(400)))));
        ctx.op();
      }
      ctx.check(c.err() != ccb::ContextError::None,
                [] { return std::string("cancel: done() closed but err() is None"); });
      wg.done();
    });
  }
  // Cancel random subtrees, then the root, while the tasks run: from this task or a plain thread.
  std::vector<std::size_t> picks(rng.below(nodes.size()));
  for (std::size_t& k : picks) k = rng.below(nodes.size());
  const microseconds before(rng.below(2000)), between(rng.below(2000));
  if (rng.chance(2)) {
    return std::jthread([nodes, picks, before, between, outside = OutsideThread()] {
      std::this_thread::sleep_for(before);
      for (std::size_t k : picks) nodes[k].cancel();
      std::this_thread::sleep_for(between);
      nodes[0].cancel();  // the root
    });
  }
  ccb::sleep_for(before);
  for (std::size_t k : picks) nodes[k].cancel();
  ccb::sleep_for(between);
  root.cancel();
  return std::nullopt;
}

// early_message() describes a Timer value v that came before reset_at + d.
std::string early_message(const std::string& what, microseconds d, std::optional<ccb::Clock::time_point> v,
                          ccb::Clock::time_point reset_at) {
  if (!v) return "cancel: " + what + " delivered no value (its channel was closed)";
  const auto after = std::chrono::duration_cast<microseconds>(*v - reset_at).count();
  return "cancel: " + what + " to fire after " + std::to_string(d.count()) + " us delivered a value stamped " +
         std::to_string(after) + " us after the reset (early, or stale from before it)";
}

// channel_timer_round(): a channel Timer reset at t to fire after d delivers no value stamped
// before t + d. Half of the time the reset comes from a plain thread while this task waits on the
// timer: a one-hour timer then, so that a value can only come from the reset.
void channel_timer_round(ScenarioContext& ctx, Rng& rng) {
  const bool early = ctx.hook == TestHook::EarlyTimer;
  if (rng.chance(2) || early) {
    ccb::Timer u(std::chrono::hours(1));
    const microseconds wait(rng.below(300));
    const microseconds d = early ? microseconds(50000) : microseconds(rng.below(300));
    std::atomic<ccb::Clock::rep> reset_at{0};  // when the thread called reset(); 0 before
    std::jthread arm([&u, &reset_at, wait, d, early] {
      std::this_thread::sleep_for(wait);
      reset_at.store(ccb::Clock::now().time_since_epoch().count());
      u.reset(early ? microseconds(0) : d);  // test hook: fires at once, 50 ms before the check expects
    });
    auto v = u.c().recv();
    const ccb::Clock::rep at = reset_at.load();  // the reset happened before the fire that sent v
    const ccb::Clock::time_point t{ccb::Clock::duration(at)};
    ctx.check(v.has_value() && at != 0 && *v >= t + d, [&] {
      return at == 0 ? std::string("cancel: a Timer delivered a value before the plain thread reset it")
                     : early_message("a Timer reset by a plain thread", d, v, t);
    });
    ctx.op();
    return;
  }
  ccb::Timer t(microseconds(rng.below(500)));
  ccb::sleep_for(microseconds(rng.below(600)));
  const ccb::Clock::time_point reset_at = ccb::Clock::now();
  const microseconds d(rng.below(300));
  t.reset(d);
  auto v = t.c().recv();
  ctx.check(v.has_value() && *v >= reset_at + d,
            [&] { return early_message("a Timer reset by its task", d, v, reset_at); });
  ctx.op();
}

// ticker_round(): see the header. The task receives at random paces (at once, or after sleeping up
// to 3 periods, so that ticks are lost), resets the ticker once, then stops it.
void ticker_round(ScenarioContext& ctx, Rng& rng) {
  const bool early = ctx.hook == TestHook::EarlyTick;
  microseconds p(100 + rng.below(900));
  ccb::Clock::time_point base = ccb::Clock::now();
  ccb::Ticker tk(early ? p / 4 : p);  // test hook: ticks 4 times as often as checked
  for (int phase = 0; phase < 2; ++phase) {
    const int ticks = 2 + static_cast<int>(rng.below(5));
    for (int k = 1; k <= ticks; ++k) {
      if (rng.chance(2)) ccb::sleep_for(microseconds(rng.below(3 * static_cast<uint64_t>(p.count()))));
      const auto v = tk.c().recv();
      if (!ctx.check(v.has_value() && *v >= base + k * p, [&] {
            const std::string what = phase == 0 ? "made" : "reset";
            if (!v) return std::string("cancel: a Ticker's channel was closed");
            return "cancel: a Ticker of period " + std::to_string(p.count()) + " us delivered its tick " +
                   std::to_string(k) + " stamped " +
                   std::to_string(std::chrono::duration_cast<microseconds>(*v - base).count()) + " us after it was " +
                   what + ", before " + std::to_string(k * p.count()) + " us";
          }))
        return;
      ctx.op();
    }
    if (phase == 0) {
      p = microseconds(100 + rng.below(900));
      base = ccb::Clock::now();
      tk.reset(early ? p / 4 : p);
    }
  }
  tk.stop();
  ccb::sleep_for(2 * p);
  const auto [got, v] = tk.c().try_recv();
  ctx.check(!got, [&] { return "cancel: a Ticker delivered a tick 2 periods after its stop() returned"; });
  ctx.op();
}

struct FuncTimer {
  ccb::Timer timer;
  std::shared_ptr<std::atomic<int>> ran = std::make_shared<std::atomic<int>>(0);
  int armings = 1;
  int prevented = 0;
};

void timers_round(ScenarioContext& ctx, Rng& rng) {
  std::vector<FuncTimer> timers(4 + rng.below(12));
  for (FuncTimer& f : timers)
    f.timer = ccb::after_func(microseconds(rng.below(2000)), [ran = f.ran] { ran->fetch_add(1); });
  // Stop and reset them at random moments, racing their firing.
  for (int step = 0; step < 20; ++step) {
    FuncTimer& f = timers[rng.below(timers.size())];
    if (rng.chance(2)) {
      if (f.timer.stop()) ++f.prevented;
    } else {
      if (f.timer.reset(microseconds(rng.below(1500)))) ++f.prevented;
      ++f.armings;
    }
    ctx.check(f.ran->load() <= f.armings, [&] {
      return "cancel: after_func ran " + std::to_string(f.ran->load()) + " times for " + std::to_string(f.armings) + " armings";
    });
    ccb::sleep_for(microseconds(rng.below(300)));
    ctx.op();
  }
  // Quiet: every arming not prevented must run exactly once.
  {
    const ScenarioContext::BoundedWait wait(ctx, std::chrono::seconds(10));
    for (FuncTimer& f : timers) {
      const int expect = f.armings - f.prevented;
      while (f.ran->load() < expect && ccb::Clock::now() < wait.deadline()) ccb::sleep_for(microseconds(200));
      ctx.check(f.ran->load() == expect, [&] {
        return "cancel: after_func ran " + std::to_string(f.ran->load()) + " times; expected " +
               std::to_string(expect) + " (" + std::to_string(f.armings) + " armings, " +
               std::to_string(f.prevented) + " prevented)";
      });
    }
  }
  channel_timer_round(ctx, rng);
  ticker_round(ctx, rng);
}

}  // namespace

void run_cancel(ScenarioContext& ctx) {
  Rng rng(ctx.seed);
  while (ctx.running()) {
    ccb::WaitGroup wg;
    std::optional<std::jthread> canceller = cancel_tasks_round(ctx, rng, wg);
    {
      const ScenarioContext::BoundedWait wait(ctx, std::chrono::seconds(10));
      while (wg.count() > 0 && ccb::Clock::now() < wait.deadline() && !ctx.failed()) ccb::sleep_for(microseconds(200));
    }
    if (ctx.failed()) ctx.halt();
    if (!ctx.check(wg.count() == 0, [&] {
          return "cancel: " + std::to_string(wg.count()) + " tasks still running 10 s after their root context was cancelled";
        }))
      ctx.halt();
    wg.wait();  // the last done() may still be inside wg
    timers_round(ctx, rng);
  }
}

}  // namespace ccb::stress
