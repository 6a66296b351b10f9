// runtime/src/steal_backoff.hpp — the contended-steal back-off of one worker (scheduler.cpp).
//
// A thief that runs out of work again after a steal, having met a held runtime lock (SpinLock's
// slow path, counted in tl_lock_contention) at least kMinFights times and at least once per
// kFightNs of the time since the steal, took tasks that fight the victim's over the same
// channel: nothing ran in parallel, and every operation moved the lock's cache line between the
// two cores. judge() then backs the worker off for kBackoffNs, doubled per contended steal in a
// row up to kBackoffNs << kMaxShift; a steal that was not contended ends the back-off. While
// backed off, the worker leaves alone every victim that keeps switching tasks, whatever its queue's
// length (Runtime::drains_soon), and sleeps instead of spinning on it; a victim stuck in one task
// is still robbed, so a task queued behind a long-running one is not held up by the back-off.
// "Stuck" is judged by time (victim_stuck): the thief has seen the victim's tick unchanged for
// kStuckNs. Before, a backed-off thief robbed a victim that did not switch within 400 pauses
// (~10 us), and a task that drains channels without blocking never switches: with select
// channels=4 consumers=2 cap=64 at procs 2 (scratch driver), each consumer's drain of the four
// buffers (up to 256 messages, ~20 us) looked stuck, and the thief took the producers readied
// behind it (most steals happened while backed off): 833-1008 steals and 192-263 ns per message
// per run before, 5-199 steals and 98-136 ns with the watch (12 runs each; see the commit).
//
// Measured with a scratch driver (fanout workers=16 cap=128 at procs 2, one producer and 16
// consumers on one channel): the victim's queue held 15 consumers, each handed one message; the
// thief took 7 of them every 20-500 us and met a held lock every 256-1024 ns: 35-51 ns per
// message, against 18-19 ns in the runs where it stayed asleep. Pools of 16 tasks taking jobs
// from one channel met one every 0.5-1 us with 75 ns jobs (slower at procs 2 than at procs 1),
// every 2-8 us with 200 ns jobs and every 16-64 us with 650 ns jobs (1.85x faster at procs 2):
// kFightNs = 2 us sits between the pools that gain from a second core and those that do not.
//
// Owner only: one worker's thread reads and writes its StealBackoff; times are now_ns() values.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace ccb::detail {

class StealBackoff {
 public:
  static constexpr int64_t kFightNs = 2000;
  static constexpr uint32_t kMinFights = 4;
  static constexpr int64_t kBackoffNs = 100000;
  static constexpr int kMaxShift = 4;
  // A victim whose tick this thief has seen unchanged for kStuckNs is stuck in one task. Well
  // above a drain of buffered channels (~20 us above), well below Go's 10 ms preemption.
  static constexpr int64_t kStuckNs = 200000;

  // watch_victims(): size the victim watch for `procs` workers (before the run starts).
  void watch_victims(int procs) { seen_.assign(static_cast<std::size_t>(procs), Seen{}); }

  // victim_stuck(): victim `v` (a worker index), whose tick is now `tick`, has not switched tasks
  // for kStuckNs as far as this thief has watched it. The first look at a new tick starts the
  // watch (false).
  bool victim_stuck(int v, uint32_t tick, int64_t now) noexcept {
    Seen& s = seen_[static_cast<std::size_t>(v)];
    if (s.at == 0 || s.tick != tick) {
      s.tick = tick;
      s.at = now;
      return false;
    }
    return now - s.at >= kStuckNs;
  }

  // stole(): the worker took tasks from another at `now`; `fights` is tl_lock_contention then.
  void stole(int64_t now, uint32_t fights) noexcept {
    stole_at_ = now;
    fights_at_steal_ = fights;
  }

  // judge(): the worker ran out of work at `now` with tl_lock_contention = `fights`. Judges the
  // steal since the last judgement, if any (see the file comment).
  void judge(int64_t now, uint32_t fights) noexcept {
    if (stole_at_ == 0) return;
    const uint32_t n = fights - fights_at_steal_;  // unsigned: wraps correctly
    const bool contended = n >= kMinFights && now - stole_at_ < static_cast<int64_t>(n) * kFightNs;
    stole_at_ = 0;
    if (!contended) {
      streak_ = 0;
      until_ = 0;
      return;
    }
    streak_ = std::min(streak_ + 1, kMaxShift + 1);
    until_ = now + (kBackoffNs << (streak_ - 1));
  }

  bool backed_off(int64_t now) const noexcept { return until_ != 0 && now < until_; }
  int64_t until() const noexcept { return until_; }  // 0: not backed off
  bool pending() const noexcept { return stole_at_ != 0; }  // a steal awaits judgement

 private:
  int64_t stole_at_ = 0;  // 0: nothing to judge
  uint32_t fights_at_steal_ = 0;
  int streak_ = 0;        // contended steals in a row
  int64_t until_ = 0;
  struct Seen {
    uint32_t tick = 0;
    int64_t at = 0;  // 0: not watched yet
  };
  std::vector<Seen> seen_;  // per victim worker
};

}  // namespace ccb::detail
