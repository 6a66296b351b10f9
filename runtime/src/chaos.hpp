// runtime/src/chaos.hpp — fault injection ("chaos mode") for stress runs: random yields at channel,
// select, mutex, timer and sleep operation points and random extra steal attempts, to shake out
// interleavings that a quiet machine never produces. The hook macros used at the call sites are
// in ccb/detail/chaos_point.hpp (channels are header-only); this file is the run-level control.
//
// Guarantees:
//  - begin_run() is called once by ccb::run before any worker starts. It decides chaos for that
//    run: the programmatic override (ccb::debug::set_chaos) if set, else the environment:
//    CCB_CHAOS=1 turns it on ("0" or unset: off), CCB_CHAOS_SEED=N (0..2^64-1) seeds it (default:
//    random, readable through ccb::debug::chaos_state()). A malformed value throws ConfigError
//    before the run starts. It resets the counters.
//  - When on, a task at a point yields with probability 1/4 and busy-waits up to ~4 us with
//    probability 1/32; a scheduler decision tries an extra steal with probability 1/16 (of a
//    runq, else of a runnext at once, without a real thief's grace spin), and a worker's plain
//    runnext section busy-waits up to 255 pauses with probability 1/8 (CCB_CHAOS_STALL), so
//    those steals meet it.
//    Each worker draws from its own generator seeded from (seed, worker index) at the start of
//    each run, so a seed reproduces the injection pattern of a run, also when that run is rerun
//    alone in a new process, as far as the OS's thread scheduling allows.
//  - Counters (points reached by tasks, yields, delays, steal attempts) are exact totals of the
//    current or last run.
// Concurrency: settings are written by begin_run() and set_override() (callers serialize them with
// the run: one run at a time per process; set_chaos() before ccb::run); counters are relaxed
// atomics; generators are thread-local.
#pragma once

#include <cstdint>

#include "ccb/detail/chaos_point.hpp"

namespace ccb::detail::chaos {

struct State {
  bool enabled = false;
  uint64_t seed = 0;
  uint64_t points = 0;  // points reached by a task while chaos was on
  uint64_t yields = 0;
  uint64_t delays = 0;
  uint64_t steals = 0;  // extra steal attempts
};

// begin_run() applies the override or the environment for the run that is starting.
// Throws ConfigError for a malformed CCB_CHAOS / CCB_CHAOS_SEED.
void begin_run();
// set_override() makes the next runs use (enabled, seed) instead of the environment;
// clear_override() returns to the environment. seed 0 = random.
void set_override(bool enabled, uint64_t seed) noexcept;
void clear_override() noexcept;
// state() returns the setting and counters of the current or last run.
State state() noexcept;

}  // namespace ccb::detail::chaos
