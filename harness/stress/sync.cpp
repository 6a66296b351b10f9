// harness/stress/sync.cpp — the `sync` scenario. Rounds in which --tasks tasks contend at once on
// a Mutex (critical section with an injected yield), an RWMutex (readers and writers, blocking
// or trying), a fresh Once, a WaitGroup and a Cond-guarded bounded queue. Invariants:
//  - continuously: a Mutex section never overlaps another; an RWMutex writer never overlaps a
//    reader or a writer; a caller returning from Once::call sees the function's effect;
//  - end of round: the Mutex-protected counter is exact; the Once function ran exactly once; a
//    WaitGroup::wait() returns only after every done() (counter exact at that moment); every item
//    put in the Cond queue was taken exactly once (count and sum); unlocking an unlocked Mutex
//    throws UnlockOfUnlockedMutex and a negative WaitGroup counter NegativeWaitGroupCounter.
#include <deque>

#include "harness/stress/scenario.hpp"

namespace ccb::stress {

namespace {

struct RoundState {
  ccb::Mutex mu;
  int inside = 0;        // guarded by mu
  uint64_t counter = 0;  // guarded by mu
  ccb::RWMutex rw;
  std::atomic<int> readers{0}, writers{0};
  ccb::Once once;
  std::atomic<int> once_ran{0};
  std::atomic<uint64_t> wg_done{0};
  std::atomic<uint64_t> sections{0};  // Mutex sections completed (counted outside the Mutex)
  ccb::Mutex qmu;
  ccb::Cond not_empty{qmu}, not_full{qmu};
  std::deque<uint64_t> queue;  // guarded by qmu
  bool producers_done = false; // guarded by qmu
  std::atomic<uint64_t> put_n{0}, put_sum{0}, got_n{0}, got_sum{0};
};

constexpr std::size_t kQueueCap = 4;

void contender(ScenarioContext& ctx, RoundState& st, uint64_t seed, int iters, ccb::WaitGroup& inner) {
  Rng rng(seed);
  for (int i = 0; i < iters && ctx.running(); ++i) {
    {
      std::lock_guard<ccb::Mutex> g(st.mu);
      ctx.check(++st.inside == 1, [] { return std::string("sync: two tasks inside one Mutex section"); });
      if (rng.chance(4)) ccb::yield();
      ++st.counter;
      --st.inside;
    }
    st.sections.fetch_add(1);
    // Half the time through try_lock()/try_lock_shared(): a failed try_lock() holds the writers'
    // mutex while it counts the readers, which readers wait out (rw_mutex.hpp, kTrying).
    const bool trying = rng.chance(2);
    if (rng.chance(5)) {
      if (trying ? st.rw.try_lock() : (st.rw.lock(), true)) {
        const int w = st.writers.fetch_add(1) + 1;
        const int r = st.readers.load();
        ctx.check(w == 1 && r == 0, [&] {
          return "sync: RWMutex writer overlaps " + std::to_string(w - 1) + " writers and " + std::to_string(r) +
                 " readers";
        });
        if (rng.chance(3)) ccb::yield();
        st.writers.fetch_sub(1);
        st.rw.unlock();
      }
    } else if (trying ? st.rw.try_lock_shared() : (st.rw.lock_shared(), true)) {
      st.readers.fetch_add(1);
      ctx.check(st.writers.load() == 0, [] { return std::string("sync: RWMutex reader overlaps a writer"); });
      if (rng.chance(3)) ccb::yield();
      st.readers.fetch_sub(1);
      st.rw.unlock_shared();
    }
    ctx.op();
  }
  st.once.call([&] {
    if (rng.chance(2)) ccb::yield();
    st.once_ran.fetch_add(1);
  });
  ctx.check(st.once_ran.load() == 1, [&] {
    return "sync: Once::call returned but its function ran " + std::to_string(st.once_ran.load()) + " times";
  });
  st.wg_done.fetch_add(1);
  inner.done();
}

void queue_producer(ScenarioContext& ctx, RoundState& st, uint64_t seed, int items) {
  Rng rng(seed);
  for (int i = 0; i < items; ++i) {
    const uint64_t v = 1 + rng.below(1000);
    std::unique_lock<ccb::Mutex> lk(st.qmu);
    while (st.queue.size() >= kQueueCap) st.not_full.wait();
    st.queue.push_back(v);
    st.put_n.fetch_add(1);
    st.put_sum.fetch_add(v);
    if (rng.chance(2)) st.not_empty.signal(); else st.not_empty.broadcast();
    ctx.op();
  }
}

void queue_consumer(ScenarioContext& ctx, RoundState& st) {
  for (;;) {
    std::unique_lock<ccb::Mutex> lk(st.qmu);
    while (st.queue.empty() && !st.producers_done) st.not_empty.wait();
    if (st.queue.empty()) return;
    const uint64_t v = st.queue.front();
    st.queue.pop_front();
    st.got_n.fetch_add(1);
    st.got_sum.fetch_add(v);
    st.not_full.signal();
    ctx.op();
  }
}

}  // namespace

void run_sync(ScenarioContext& ctx) {
  Rng rng(ctx.seed);
  while (ctx.running()) {
    RoundState st;
    const int tasks = std::max(2, ctx.tasks);
    const int iters = 20 + static_cast<int>(rng.below(200));
    ccb::WaitGroup all, inner;
    inner.add(tasks);
    all.add(tasks);
    for (int t = 0; t < tasks; ++t)
      ccb::go([&, s = rng.next()] {
        contender(ctx, st, s, iters, inner);
        all.done();
      });
    // A waiter checks that wait() returns only after every done().
    all.add(1);
    ccb::go([&] {
      inner.wait();
      ctx.check(st.wg_done.load() == static_cast<uint64_t>(tasks), [&] {
        return "sync: WaitGroup::wait returned after " + std::to_string(st.wg_done.load()) + " of " +
               std::to_string(tasks) + " done() calls";
      });
      all.done();
    });
    const int producers = 1 + static_cast<int>(rng.below(4)), consumers = 1 + static_cast<int>(rng.below(4));
    const int items = 50 + static_cast<int>(rng.below(500));
    ccb::WaitGroup prod;
    prod.add(producers);
    all.add(producers + consumers + 1);
    for (int p = 0; p < producers; ++p)
      ccb::go([&, s = rng.next()] {
        queue_producer(ctx, st, s, items);
        prod.done();
        all.done();
      });
    for (int c = 0; c < consumers; ++c)
      ccb::go([&] {
        queue_consumer(ctx, st);
        all.done();
      });
    ccb::go([&] {
      prod.wait();
      {
        std::lock_guard<ccb::Mutex> g(st.qmu);
        st.producers_done = true;
      }
      st.not_empty.broadcast();
      all.done();
    });
    ctx.join(all);
    {
      std::lock_guard<ccb::Mutex> g(st.mu);
      // Contenders may stop early when the run ends: compare with the sections they completed.
      ctx.check(st.counter == st.sections.load() &&
                    st.counter <= static_cast<uint64_t>(tasks) * static_cast<uint64_t>(iters),
                [&] {
                  return "sync: Mutex-protected counter is " + std::to_string(st.counter) + " after " +
                         std::to_string(st.sections.load()) + " completed sections";
                });
    }
    ctx.check(st.once_ran.load() == 1, [&] { return "sync: Once ran " + std::to_string(st.once_ran.load()) + " times"; });
    // API misuse keeps throwing its typed exception under load, and leaves the object usable.
    bool threw = false;
    try {
      st.mu.unlock();
    } catch (const ccb::UnlockOfUnlockedMutex&) {
      threw = true;
    }
    ctx.check(threw && st.mu.try_lock(), [] { return std::string("sync: unlock of an unlocked Mutex did not throw"); });
    st.mu.unlock();
    threw = false;
    try {
      all.add(-1);
    } catch (const ccb::NegativeWaitGroupCounter&) {
      threw = true;
    }
    ctx.check(threw && all.count() == 0, [] { return std::string("sync: a negative WaitGroup counter did not throw"); });
    ctx.check(st.put_n.load() == static_cast<uint64_t>(producers * items) && st.got_n.load() == st.put_n.load() &&
                  st.got_sum.load() == st.put_sum.load(),
              [&] {
                return "sync: Cond queue put " + std::to_string(st.put_n.load()) + " items (sum " +
                       std::to_string(st.put_sum.load()) + ") but took " + std::to_string(st.got_n.load()) +
                       " (sum " + std::to_string(st.got_sum.load()) + ")";
              });
  }
}

}  // namespace ccb::stress
