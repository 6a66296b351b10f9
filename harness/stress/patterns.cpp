// harness/stress/patterns.cpp — the `patterns` scenario: ccb/patterns.hpp under contention.
// Rounds of 30-100 ms; each runs at once a WorkerPool fed by several submitters, a merge() of
// several producers' channels into a stage() with one or more workers, and an ErrGroup whose
// functions fail, block on the group's context or start more functions. In half of the rounds a
// task cancels the round's context (the pool's, the merge's and stage's, and the group's parent)
// at a random moment. Invariants:
//  - WorkerPool: every result is intact (its value is fn(job)) and is a job submit() accepted;
//    no job comes back twice; unless the context was cancelled, every accepted job comes back;
//    submit() returns false only once the context is cancelled, and after close() it throws
//    SendOnClosedChannel (or returns false, cancelled); results() closes in every round;
//  - merge + stage: every item is intact and was sent by its producer, none comes twice; with one
//    stage worker each producer's items come in order, a prefix of what it sent (cancelled or
//    not); unless cancelled, all of them come; the stage's output closes in every round;
//  - ErrGroup: every function runs exactly once (those started from inside another one too) and
//    wait() returns after all of them; it returns nil when none failed, else one of the errors
//    they returned; the first error cancels context() (functions waiting on it are released
//    within 5 s) after it is kept, so an error returned once context() is done is never the one
//    wait() returns unless the round's own context was cancelled; context() is cancelled once
//    wait() returned;
//  - every round ends within 10 s of its end time, and (when alone in its run) the task count
//    returns to the baseline: no pool, merge, stage or group leaves a task behind.
// Test hook `dup-job`: every 50th job is submitted twice (as a pool running a job twice would
// look): the exactly-once check must fail.
#include <ccb/debug.hpp>
#include <ccb/patterns.hpp>

#include <algorithm>
#include <vector>

#include "harness/stress/scenario.hpp"

namespace ccb::stress {

namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

constexpr int64_t kCap = 1 << 14;  // jobs per submitter and items per producer, per round, at most

int64_t value_of(int64_t id) { return static_cast<int64_t>(Rng::mix(static_cast<uint64_t>(id)) >> 1); }

struct Result {
  int64_t id;
  int64_t value;
};

// Pool: one round's WorkerPool and what its submitters and collector saw.
struct Pool {
  std::vector<int64_t> accepted;  // per submitter: jobs 0..accepted-1 were accepted (written by it)
  std::vector<uint8_t> came;      // per job id (submitter * kCap + i): results seen (collector only)
  int64_t bad_value = -1;         // a result whose value is not fn(id) (collector only)
  int64_t unknown = -1;           // a result of no job id (collector only)
};

// submitter(): submits jobs s*kCap+0, +1, ... until `end` or a refusal.
void submitter(ScenarioContext& ctx, ccb::WorkerPool<int64_t, Result>& pool, const ccb::Context& rc, Pool& st,
               int s, ccb::Clock::time_point end) {
  int64_t i = 0;
  while (i < kCap && ccb::Clock::now() < end && ctx.running()) {
    const int64_t id = s * kCap + i;
    if (!pool.submit(id)) {
      ctx.check(rc.err() != ccb::ContextError::None, [&] {
        return "patterns: WorkerPool::submit(" + std::to_string(id) + ") returned false but its context is not done";
      });
      break;
    }
    ++i;
    // Test hook dup-job: the job goes in twice, as a pool that ran it twice would return it.
    if (ctx.hook == TestHook::DupJob && i % 50 == 0) pool.submit(id);
  }
  st.accepted[static_cast<std::size_t>(s)] = i;
}

// check_pool(): the WorkerPool invariants, once every task of the round finished.
void check_pool(ScenarioContext& ctx, const Pool& st, bool cancelled) {
  ctx.check(st.bad_value < 0 && st.unknown < 0, [&] {
    return st.unknown >= 0 ? "patterns: WorkerPool returned a result for job " + std::to_string(st.unknown) +
                                 ", which nobody submitted"
                           : "patterns: WorkerPool returned job " + std::to_string(st.bad_value) +
                                 " with a value that is not fn(job)";
  });
  for (std::size_t s = 0; s < st.accepted.size(); ++s) {
    for (int64_t i = 0; i < kCap; ++i) {
      const int64_t id = static_cast<int64_t>(s) * kCap + i;
      const int n = st.came[static_cast<std::size_t>(id)];
      const bool ok = n == 0 ? (cancelled || i >= st.accepted[s]) : n == 1 && i < st.accepted[s];
      if (!ctx.check(ok, [&] {
            const std::string job = "patterns: WorkerPool job " + std::to_string(id);
            if (n > 1) return job + " came back " + std::to_string(n) + " times";
            if (n == 1) return job + " came back, but submit() never accepted it";
            return job + " never came back, though submit() accepted it and the context was not cancelled";
          }))
        return;
      if (i >= st.accepted[s] && n == 0) break;  // the rest of this submitter's ids were never used
    }
  }
}

// Item: one producer's numbered item, and its value after the stage.
struct Item {
  int producer;
  int64_t seq;
  int64_t value;
};

// Pipe: one round's merge + stage and what its producers and consumer saw.
struct Pipe {
  std::vector<int64_t> sent;                // per producer: items 0..sent-1 were sent (written by it)
  std::vector<std::vector<uint8_t>> came;   // per producer and seq: items seen (consumer only)
  std::vector<int64_t> next;                // per producer: the seq expected next, in order (consumer only)
  std::string error;                        // the consumer's first error ("" = none)
};

// consume(): the consumer of the stage's output; with one stage worker, order is checked.
void consume(ccb::RecvChan<Item> out, Pipe& p, bool ordered) {
  for (const Item& it : out) {
    if (!p.error.empty()) continue;
    const auto k = static_cast<std::size_t>(it.producer);
    if (k >= p.came.size() || it.seq < 0 || it.seq >= kCap || it.value != value_of(it.producer * kCap + it.seq)) {
      p.error = "an item (producer " + std::to_string(it.producer) + ", seq " + std::to_string(it.seq) +
                ") that no producer made, or whose value is not fn(item)";
    } else if (++p.came[k][static_cast<std::size_t>(it.seq)] > 1) {
      p.error = "item " + std::to_string(it.seq) + " of producer " + std::to_string(it.producer) + " came twice";
    } else if (ordered && it.seq != p.next[k]++) {
      p.error = "with one stage worker, producer " + std::to_string(it.producer) + "'s item " +
                std::to_string(it.seq) + " came where item " + std::to_string(p.next[k] - 1) + " was due";
    }
  }
}

void check_pipe(ScenarioContext& ctx, const Pipe& p, bool cancelled) {
  if (!ctx.check(p.error.empty(), [&] { return "patterns: merge+stage delivered " + p.error; })) return;
  for (std::size_t k = 0; k < p.sent.size(); ++k)
    for (int64_t s = 0; s < kCap; ++s) {
      const bool came = p.came[k][static_cast<std::size_t>(s)] != 0;
      if (!ctx.check(came ? s < p.sent[k] : cancelled || s >= p.sent[k], [&] {
            return "patterns: merge+stage: producer " + std::to_string(k) + "'s item " + std::to_string(s) +
                   (came ? " came, but it was never sent"
                         : " never came, though it was sent and the context was not cancelled");
          }))
        return;
      if (s >= p.sent[k] && !came) break;
    }
}

// Group: one round's ErrGroup and what its functions did.
struct Group {
  std::atomic<int> ran{0};
  std::atomic<int> expected{0};       // functions started: top level and nested
  std::atomic<int> waited_long{0};    // blocked functions the group's context did not release in 5 s
  std::vector<std::atomic<bool>> returned;  // per error index: that error was returned
  explicit Group(std::size_t n) : returned(n) {}
};

// group_fn(): function g of the group: kind 0 fails, 1 waits for the group's context to be done,
// 2 succeeds after a little work, 3 succeeds after starting a nested function (kind 0 or 2).
std::function<ccb::Error()> group_fn(ccb::ErrGroup eg, Group& st, int g, int kind, uint64_t seed) {
  st.expected.fetch_add(1);
  return [eg, &st, g, kind, seed]() mutable -> ccb::Error {
    st.ran.fetch_add(1);
    Rng rng(seed);
    switch (kind) {
      case 0:
        ccb::sleep_for(microseconds(rng.below(300)));
        st.returned[static_cast<std::size_t>(g)].store(true);
        return ccb::Error("patterns-error-" + std::to_string(g));
      case 1: {
        bool done = false;
        ccb::select(ccb::recv_case(eg.context().done(), [&] { done = true; }),
                    ccb::recv_case(ccb::after(std::chrono::seconds(5))));
        if (!done) st.waited_long.fetch_add(1);
        if (!rng.chance(2)) return {};
        // An error returned once the context is done: in a round nobody cancels, an earlier error
        // cancelled it, so wait() must not return this one.
        st.returned[static_cast<std::size_t>(g)].store(true);
        return ccb::Error("patterns-late-" + std::to_string(g));
      }
      case 3: {
        const int child = g + 1;  // the nested function's error index (reserved by the caller)
        eg.go(group_fn(eg, st, child, rng.chance(2) ? 0 : 2, rng.next()));
        [[fallthrough]];
      }
      default:
        for (uint64_t i = rng.below(4); i > 0; --i) ccb::yield();
        return {};
    }
  };
}

void check_group(ScenarioContext& ctx, Group& st, const ccb::Error& e, const ccb::ErrGroup& eg, bool cancelled) {
  ctx.check(st.ran.load() == st.expected.load(), [&] {
    return "patterns: ErrGroup::wait() returned after " + std::to_string(st.ran.load()) + " of its " +
           std::to_string(st.expected.load()) + " functions ran";
  });
  bool any = false;
  for (const auto& r : st.returned) any = any || r.load();
  const std::string msg = e.message();
  bool known = false, late = false;
  for (const std::string p : {"patterns-error-", "patterns-late-"})
    if (e && msg.rfind(p, 0) == 0 && msg.size() > p.size() && msg.size() - p.size() < 6 &&
        msg.find_first_not_of("0123456789", p.size()) == std::string::npos) {
      const std::size_t g = std::stoul(msg.substr(p.size()));
      known = g < st.returned.size() && st.returned[g].load();
      late = p == "patterns-late-";
    }
  ctx.check(any ? known : !e, [&] {
    return any ? "patterns: ErrGroup::wait() returned '" + msg + "', not one of the errors its functions returned"
               : "patterns: ErrGroup::wait() returned '" + msg + "' though no function failed";
  });
  ctx.check(!late || cancelled, [&] {
    return "patterns: ErrGroup::wait() returned '" + msg +
           "', which its function returned after the group's context was done, in a round whose own context "
           "nobody cancelled: an earlier error should have been kept";
  });
  ctx.check(st.waited_long.load() == 0, [&] {
    return "patterns: " + std::to_string(st.waited_long.load()) +
           " ErrGroup functions waited 5 s for context(), which the group's first error should have cancelled";
  });
  ctx.check(eg.context().err() != ccb::ContextError::None,
            [] { return std::string("patterns: ErrGroup::context() is not cancelled after wait() returned"); });
}

void round(ScenarioContext& ctx, Rng& rng, uint64_t baseline) {
  const int budget = std::max(4, ctx.tasks);
  const ccb::Clock::time_point end = ccb::Clock::now() + milliseconds(30 + rng.below(70));
  const bool cancelled = rng.chance(2);
  auto [rc, cancel] = ccb::with_cancel(ccb::background());
  ccb::WaitGroup wg;
  auto start = [&wg](auto fn) {
    wg.add(1);
    ccb::go([&wg, fn = std::move(fn)]() mutable {
      fn();
      wg.done();
    });
  };
  const int64_t left_us = std::max<int64_t>(1, (end - ccb::Clock::now()) / microseconds(1));
  if (cancelled) start([&, d = rng.below(static_cast<uint64_t>(left_us))] {
    ccb::sleep_for(microseconds(d));
    cancel();
  });

  // The WorkerPool: its submitters, the task closing it after them, and the collector.
  const int workers = 1 + static_cast<int>(rng.below(std::min(8, budget / 4)));
  const int submitters = 1 + static_cast<int>(rng.below(std::min(4, budget / 4)));
  Pool ps;
  ps.accepted.assign(static_cast<std::size_t>(submitters), 0);
  ps.came.assign(static_cast<std::size_t>(submitters * kCap), 0);
  const bool slow = rng.chance(4);  // fn yields now and then, so the queue fills
  ccb::WorkerPool<int64_t, Result> pool(
      workers, [slow](int64_t id) {
        if (slow && id % 7 == 0) ccb::yield();
        return Result{id, value_of(id)};
      },
      rc, rng.below(3) == 0 ? 0 : rng.below(17));
  ccb::WaitGroup subs;
  subs.add(submitters);
  for (int s = 0; s < submitters; ++s)
    start([&, s] {
      submitter(ctx, pool, rc, ps, s, end);
      subs.done();
    });
  start([&] {
    subs.wait();
    pool.close();
    bool threw = false, accepted = false;
    try {
      accepted = pool.submit(-1);
    } catch (const ccb::SendOnClosedChannel&) {
      threw = true;
    }
    ctx.check(threw || (!accepted && rc.err() != ccb::ContextError::None), [&] {
      return std::string("patterns: WorkerPool::submit() after close() ") +
             (accepted ? "accepted the job" : "returned false with the context not cancelled");
    });
  });
  start([&] {
    for (const Result& r : pool.results()) {
      if (r.id < 0 || r.id >= static_cast<int64_t>(ps.came.size())) ps.unknown = r.id;
      else if (r.value != value_of(r.id)) ps.bad_value = r.id;
      else if (ps.came[static_cast<std::size_t>(r.id)] < 255) ++ps.came[static_cast<std::size_t>(r.id)];
      ctx.op();
    }
  });

  // merge() of the producers' channels into a stage().
  const int producers = static_cast<int>(rng.below(static_cast<uint64_t>(std::min(6, budget / 4) + 1)));
  const int stage_workers = rng.chance(2) ? 1 : 1 + static_cast<int>(rng.below(std::min(4, budget / 4)));
  Pipe pp;
  pp.sent.assign(static_cast<std::size_t>(producers), 0);
  pp.came.assign(static_cast<std::size_t>(producers), std::vector<uint8_t>(kCap, 0));
  pp.next.assign(static_cast<std::size_t>(producers), 0);
  std::vector<ccb::RecvChan<Item>> inputs;
  for (int k = 0; k < producers; ++k) {
    ccb::Chan<Item> in(rng.below(5));
    inputs.emplace_back(in);
    start([&, in, k]() mutable {
      int64_t s = 0;
      for (bool sent = true; sent && s < kCap && ccb::Clock::now() < end && ctx.running();) {
        sent = false;
        ccb::select(ccb::send_case(in, Item{k, s, 0}, [&] { sent = true; }), ccb::recv_case(rc.done()));
        if (sent) ++s;
      }
      pp.sent[static_cast<std::size_t>(k)] = s;
      in.close();
    });
  }
  ccb::RecvChan<Item> out = ccb::stage(
      rc, ccb::merge(rc, std::move(inputs)),
      [](Item it) {
        it.value = value_of(it.producer * kCap + it.seq);
        return it;
      },
      stage_workers);
  start([&, out] { consume(out, pp, stage_workers == 1); });

  // The ErrGroup, under the round's context: functions of every kind; a waiting one only when a
  // failing one is sure to release it.
  const int fns = 1 + static_cast<int>(rng.below(static_cast<uint64_t>(std::min(12, budget / 2))));
  Group gs(static_cast<std::size_t>(2 * fns));
  ccb::ErrGroup eg(rc);
  const bool fails = rng.chance(2);
  for (int g = 0; g < fns; ++g) {
    int kind = g == 0 && fails ? 0 : static_cast<int>(rng.below(4));
    if (kind == 0 && !fails) kind = 2;
    if (kind == 1 && !fails) kind = 3;
    eg.go(group_fn(eg, gs, 2 * g, kind, rng.next()));
  }
  ccb::Error eg_err;
  start([&] { eg_err = eg.wait(); });

  {
    const ScenarioContext::BoundedWait wait(ctx, std::chrono::seconds(10));
    while (wg.count() > 0 && ccb::Clock::now() < wait.deadline() && !ctx.failed()) ccb::sleep_for(microseconds(200));
  }
  if (ctx.failed()) ctx.halt();
  if (!ctx.check(wg.count() == 0, [&] {
        return "patterns: " + std::to_string(wg.count()) +
               " of a round's tasks (submitters, WorkerPool collector, producers, stage consumer, ErrGroup "
               "waiter) still running 10 s after the round's end (a results() or stage output that never closed?)";
      }))
    ctx.halt();
  wg.wait();  // the last done() may still be inside wg
  check_pool(ctx, ps, cancelled);
  check_pipe(ctx, pp, cancelled);
  check_group(ctx, gs, eg_err, eg, cancelled);
  cancel();
  if (!ctx.exclusive) return;  // inside mixed, mixed's final check counts the tasks
  const auto count = [&] { return static_cast<int64_t>(ccb::debug::live_tasks()) - static_cast<int64_t>(baseline); };
  {
    const ScenarioContext::BoundedWait wait(ctx, std::chrono::seconds(10));
    while (count() != 0 && ccb::Clock::now() < wait.deadline()) ccb::yield();
  }
  if (!ctx.check(count() == 0, [&] {
        return "patterns: " + std::to_string(count()) + " tasks above the baseline of " + std::to_string(baseline) +
               " still alive 10 s after a round's pool, pipeline and group finished";
      }))
    ctx.halt();
}

}  // namespace

void run_patterns(ScenarioContext& ctx) {
  Rng rng(ctx.seed);
  const uint64_t baseline = ccb::debug::live_tasks();
  while (ctx.running()) round(ctx, rng, baseline);
}

}  // namespace ccb::stress
