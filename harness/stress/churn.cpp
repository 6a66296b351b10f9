// harness/stress/churn.cpp — the `churn` scenario. Spawner tasks create batches of short-lived
// tasks continuously (millions over a minute); each child does a little work (nothing, a yield,
// or a send/receive pair on a shared buffered channel) and exits. Every ~100 ms the spawners
// pause at a checkpoint. Invariants:
//  - every child ran exactly once (per-batch counters exact);
//  - at each checkpoint the task count returns to the baseline: ccb::debug::live_tasks() when the
//    scenario is alone in its run, else (inside `mixed`) the scenario's own count of children
//    still alive (constructed minus destroyed closures);
//  - resident memory stays bounded: after a warm-up (the stack pool reaches the batches' peak
//    concurrency) RSS never exceeds the warm RSS, read at checkpoint kWarmEpoch, by more than
//    128 MiB. Every run checks this at least once: when --duration ends earlier, churn goes on
//    (spawning as before) to the first checkpoint after the warm-up, 0.3-0.8 s into the run.
//    (A looser bound from the scenario's start would have to know what each task costs during
//    the warm-up: stack pages, task slots, and a fiber's state under ThreadSanitizer.)
// Test hooks: `leak-task`: the first epoch starts a task that never exits (alone, the checkpoint's
// live-task check reports it; inside mixed, mixed's final one does). `leak-memory`: 256 MiB are
// allocated, written and kept at the first checkpoint after the warm-up.
#include <ccb/debug.hpp>

#include <cstring>

#include "harness/stress/rss.hpp"
#include "harness/stress/scenario.hpp"

namespace ccb::stress {

namespace {

constexpr uint64_t kRssSlackKib = 128 * 1024;
constexpr int kWarmEpoch = 3;  // the checkpoint whose RSS is the warm RSS

// leak_memory(): the `leak-memory` test hook: 256 MiB made resident and kept reachable (a leak to
// the RSS bound, not to LeakSanitizer).
char* volatile g_leaked = nullptr;
void leak_memory() {
  constexpr std::size_t kBytes = std::size_t{256} << 20;
  char* p = new char[kBytes];
  std::memset(p, 0x5c, kBytes);
  g_leaked = p;
}

// Alive: counts a child's closure from construction to destruction (its lifetime as a task).
struct Alive {
  std::atomic<int64_t>* n;
  explicit Alive(std::atomic<int64_t>* c) : n(c) { n->fetch_add(1); }
  Alive(const Alive& o) : n(o.n) { n->fetch_add(1); }
  Alive(Alive&& o) noexcept : n(o.n) { n->fetch_add(1); }
  ~Alive() { n->fetch_sub(1); }
};

// spawner() spawns batches until the checkpoint's pause, or until the run stops unless
// `until_pause` (the warm-up epochs run in full even after --duration ended).
void spawner(ScenarioContext& ctx, bool until_pause, std::atomic<bool>& pause, std::atomic<int64_t>& alive,
             ccb::Chan<int>& ch, int batch, uint64_t seed) {
  Rng rng(seed);
  while ((ctx.running() || (until_pause && !ctx.failed())) && !pause.load()) {
    std::atomic<int> ran{0};
    ccb::WaitGroup wg;
    wg.add(batch);
    for (int i = 0; i < batch; ++i) {
      const uint64_t kind = rng.below(8);
      ccb::go([&ran, &wg, &ch, kind, a = Alive(&alive)] {
        if (kind == 0) ccb::yield();
        if (kind == 1 && ch.try_send(1)) ch.try_recv();
        ran.fetch_add(1);
        wg.done();
      });
    }
    wg.wait();
    ctx.check(ran.load() == batch, [&] {
      return "churn: a batch of " + std::to_string(batch) + " tasks ran " + std::to_string(ran.load()) + " times";
    });
    ctx.op(static_cast<uint64_t>(batch));
  }
}

}  // namespace

void run_churn(ScenarioContext& ctx) {
  Rng rng(ctx.seed);
  const int spawners = std::max(1, std::min(8, ctx.tasks / 8));
  const int batch = std::max(8, ctx.tasks * 4);
  std::atomic<int64_t> alive{0};
  ccb::Chan<int> ch(16);
  const uint64_t baseline = ccb::debug::live_tasks();
  uint64_t warm_rss = 0;
  // Past --duration, go on to the first checkpoint after the warm-up (the RSS bound's first check).
  for (int epoch = 0; ctx.running() || (epoch <= kWarmEpoch + 1 && !ctx.failed()); ++epoch) {
    const bool until_pause = epoch <= kWarmEpoch + 1;
    std::atomic<bool> pause{false};
    ccb::WaitGroup wg;
    wg.add(spawners);
    for (int s = 0; s < spawners; ++s)
      ccb::go([&, seed = rng.next()] {
        spawner(ctx, until_pause, pause, alive, ch, batch, seed);
        wg.done();
      });
    // Test hook leak-task: a task blocked for good (a nil channel never delivers).
    if (ctx.hook == TestHook::LeakTask && epoch == 0) ccb::go([] { ccb::Chan<int>().recv(); });
    ccb::sleep_for(std::chrono::milliseconds(50 + rng.below(100)));
    pause = true;
    ctx.join(wg);
    // Children signal their WaitGroup just before exiting: wait for the exits to complete.
    auto count = [&]() -> int64_t {
      return ctx.exclusive ? static_cast<int64_t>(ccb::debug::live_tasks()) - static_cast<int64_t>(baseline)
                           : alive.load();
    };
    {
      const ScenarioContext::BoundedWait wait(ctx, std::chrono::seconds(10));
      while (count() != 0 && ccb::Clock::now() < wait.deadline()) ccb::yield();
    }
    if (!ctx.check(count() == 0, [&] {
          return "churn: " + std::to_string(count()) + " tasks above the baseline of " + std::to_string(baseline) +
                 " still alive 10 s after their batch finished";
        }))
      ctx.halt();
    if (ctx.hook == TestHook::LeakMemory && epoch == kWarmEpoch + 1) leak_memory();
    const uint64_t rss = rss_kib();
    if (epoch == kWarmEpoch) warm_rss = rss;
    if (warm_rss > 0)
      ctx.check(rss <= warm_rss + kRssSlackKib, [&] {
        return "churn: RSS grew from " + std::to_string(warm_rss) + " KiB (warm) to " + std::to_string(rss) +
               " KiB (bound: +" + std::to_string(kRssSlackKib) + " KiB)";
      });
  }
}

}  // namespace ccb::stress
