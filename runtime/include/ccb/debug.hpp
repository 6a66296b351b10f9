// ccb/debug.hpp — introspection and fault injection for stress tests and watchdogs.
//
//  - dump_tasks(): what every task of the running ccb::run is doing: a count of live tasks by
//    state, then one line per blocked (parked) task with what it waits on — the same lines the
//    runtime puts in ccb::Deadlock's message (at most 64 listed, then "... and N more").
//    Thread-safety: callable from ANY thread, including a non-task thread (a watchdog) while
//    run() is active, and outside run() (then it lists nothing). It takes only the stack pool's
//    mutex; the task fields it reads (state, id, wait reason and object) are atomics written by
//    their task, so it is race-free (TSan-clean), but it is a snapshot: a task may change state
//    while the dump is being built, so lines are individually true, not a consistent cut.
//  - live_tasks(): tasks spawned and not yet finished (main included). From a task: the run's
//    exact counter; from any other thread: a count of stacks holding a runnable, running or
//    parked task (same meaning, same thread-safety as dump_tasks); 0 when no run is active.
//  - Chaos (fault injection; see runtime/src/chaos.hpp): set_chaos(true, seed) makes the runs
//    started afterwards insert random yields/delays at channel, select, mutex, timer and sleep
//    operation points and random extra steal attempts; set_chaos(false) forces it off;
//    clear_chaos() returns to the environment (CCB_CHAOS=1, CCB_CHAOS_SEED=N, read once at the
//    start of each ccb::run). seed 0 = random. chaos_state() reports the setting and injection
//    counters of the current or last run. Call set_chaos/clear_chaos between runs, not during.
#pragma once

#include <cstdint>
#include <string>

namespace ccb::debug {

std::string dump_tasks();
uint64_t live_tasks();

struct ChaosState {
  bool enabled = false;
  uint64_t seed = 0;    // the seed the run used (drawn at random when 0 was asked for)
  uint64_t points = 0;  // operation points reached by tasks while chaos was on
  uint64_t yields = 0;  // yields injected
  uint64_t delays = 0;  // busy-wait delays injected
  uint64_t steals = 0;  // extra steal attempts
};

void set_chaos(bool enabled, uint64_t seed = 0);
void clear_chaos();
ChaosState chaos_state();

}  // namespace ccb::debug
