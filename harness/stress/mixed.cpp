// harness/stress/mixed.cpp — the `mixed` scenario: channels, select, sync, cancel, churn,
// ratelimit and patterns at once in one run, each as a part (ScenarioContext::add_part) with its
// own seed and a seventh of --tasks (at least 2); their checks and first failure are forwarded to
// the scenario's context, and their progress both to it and, per part, to the watchdog, which
// reports a part whose own progress stops even while the others keep the sum moving. Invariants:
// each part's own, plus, at the end, the run's task count returns to the baseline taken before the
// parts started (ccb::debug::live_tasks()).
// Test hook `stall-part`: the sync part is replaced by run_stall (the watchdog must name it).
#include <ccb/debug.hpp>

#include "harness/stress/scenario.hpp"

namespace ccb::stress {

void run_mixed(ScenarioContext& ctx) {
  const uint64_t baseline = ccb::debug::live_tasks();
  static constexpr std::pair<const char*, ScenarioFn> parts[] = {
      {"channels", &run_channels}, {"select", &run_select}, {"sync", &run_sync},
      {"cancel", &run_cancel},     {"churn", &run_churn},   {"ratelimit", &run_ratelimit},
      {"patterns", &run_patterns}};
  const int share = std::max(2, ctx.tasks / 7);
  // Each part runs against its own context (own seed and size) whose results are forwarded here.
  std::vector<std::shared_ptr<ScenarioContext>> subs;
  ccb::WaitGroup wg;
  uint64_t i = 0;
  for (const auto& [name, part] : parts) {
    subs.push_back(ctx.add_part(name, Rng::mix(ctx.seed + ++i), share));
    const ScenarioFn fn = ctx.hook == TestHook::StallPart && part == &run_sync ? &run_stall : part;
    wg.add(1);
    ccb::go([&wg, fn, sub = subs.back().get()] {
      fn(*sub);
      sub->finish();  // the watchdog stops checking its progress
      wg.done();
    });
  }
  uint64_t seen_progress = 0, seen_checks = 0;
  auto forward = [&] {
    uint64_t p = 0, c = 0;
    for (auto& s : subs) {
      p += s->progress();
      c += s->checks();
    }
    ctx.op(p - seen_progress);
    ctx.passed(c - seen_checks);
    seen_progress = p;
    seen_checks = c;
    for (auto& s : subs)
      if (s->failed()) ctx.fail(s->failure(), s->failure_dump());  // the dump taken when the part detected it
  };
  while (wg.count() > 0) {
    if (!ctx.running())
      for (auto& s : subs) s->request_stop();
    ccb::sleep_for(std::chrono::milliseconds(1));
    forward();
    if (ctx.failed()) ctx.halt();
  }
  wg.wait();  // the last done() may still be inside wg
  forward();
  {
    const ScenarioContext::BoundedWait wait(ctx, std::chrono::seconds(10));
    while (ccb::debug::live_tasks() != baseline && ccb::Clock::now() < wait.deadline()) ccb::yield();
  }
  ctx.check(ccb::debug::live_tasks() == baseline, [&] {
    return "mixed: " + std::to_string(ccb::debug::live_tasks()) + " tasks alive 10 s after every part ended; baseline " +
           std::to_string(baseline);
  });
}

}  // namespace ccb::stress
