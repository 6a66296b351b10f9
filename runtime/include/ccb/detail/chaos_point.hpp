// ccb/detail/chaos_point.hpp — the fault-injection hook compiled into the runtime's operation
// points (channel send/receive/close, select, Mutex::lock, timers and sleep, the scheduler's
// steal decision). Not API: turn chaos on with CCB_CHAOS=1 or ccb::debug::set_chaos()
// (<ccb/debug.hpp>); the machinery is in runtime/src/chaos.{hpp,cpp}.
//
// Guarantees:
//  - Off (the default) a point costs one predictable branch on a relaxed load of a global flag.
//  - On, a point reached by a task may yield (ccb::yield) or busy-wait a few microseconds; a
//    point reached outside a task, while a timer fires (TimerHeap::run_due) or inside a
//    CCB_CHAOS_SUPPRESS() scope does nothing. Points are placed only where the calling task holds
//    no spin lock (a yield there could self-deadlock), so an injected yield is always legal.
//  - The flag is written only by ccb::run before its workers start (chaos::begin_run), so every
//    worker of a run sees one setting for the whole run.
#pragma once

#include <atomic>
#include <cstdint>

namespace ccb::detail::chaos {

enum class Site : uint8_t { ChanSend, ChanRecv, ChanClose, Select, MutexLock, Timer, Sleep, Steal, kCount };

// g_enabled: chaos for the current run (written by begin_run() only; read relaxed everywhere).
extern std::atomic<bool> g_enabled;

// point() maybe injects a yield or a delay at `site` (call only through CCB_CHAOS_POINT). Like
// ccb::yield() it throws the runtime's internal unwind signal in a task abandoned at shutdown.
void point(Site site);
// roll() returns true when chaos decides to act at `site` (used for extra steal attempts).
bool roll(Site site) noexcept;
// stall() busy-waits up to 255 pauses with probability 1/8 (call only through CCB_CHAOS_STALL):
// it widens a window in which another thread may interfere, e.g. the scheduler's runnext section.
void stall() noexcept;

// Suppress: while one is alive on a thread, points on that thread do nothing (timer firing).
extern thread_local int tl_suppress;
class Suppress {
 public:
  Suppress() noexcept : on_(g_enabled.load(std::memory_order_relaxed)) { if (on_) ++tl_suppress; }
  ~Suppress() { if (on_) --tl_suppress; }
  Suppress(const Suppress&) = delete;
  Suppress& operator=(const Suppress&) = delete;

 private:
  bool on_;
};

}  // namespace ccb::detail::chaos

// CCB_CHAOS_POINT(ChanSend): an operation point (one line at the call site; see above).
#define CCB_CHAOS_POINT(site)                                                                  \
  do {                                                                                         \
    if (__builtin_expect(::ccb::detail::chaos::g_enabled.load(std::memory_order_relaxed), 0)) \
      ::ccb::detail::chaos::point(::ccb::detail::chaos::Site::site);                          \
  } while (0)

// CCB_CHAOS_STEAL(): true when chaos wants an extra steal attempt here (false when chaos is off).
#define CCB_CHAOS_STEAL()                                                                    \
  (__builtin_expect(::ccb::detail::chaos::g_enabled.load(std::memory_order_relaxed), 0) && \
   ::ccb::detail::chaos::roll(::ccb::detail::chaos::Site::Steal))

// CCB_CHAOS_STALL(): maybe a short busy-wait on this thread (nothing when chaos is off).
#define CCB_CHAOS_STALL()                                                                   \
  do {                                                                                      \
    if (__builtin_expect(::ccb::detail::chaos::g_enabled.load(std::memory_order_relaxed), 0)) \
      ::ccb::detail::chaos::stall();                                                        \
  } while (0)

// CCB_CHAOS_SUPPRESS(): no chaos on this thread until the end of the enclosing scope.
#define CCB_CHAOS_SUPPRESS() ::ccb::detail::chaos::Suppress ccb_chaos_suppress_guard_
