// workloads/ccb_run.hpp — run_checked(): how every "ccbench" implementation starts its run.
//
// ccb::run, with the runtime's own verdicts on the workload's tasks turned into WorkloadFailed:
// a ccb::Deadlock (every task asleep: a message or wake-up the runtime lost) or a ccb::Panic (an
// API misuse the workload cannot make when the runtime is right, e.g. a send on a channel that
// a lost wake-up let close early). They then fail that point (status failed, exit 1), like a
// wrong checksum. Before, they escaped the workload and the harness took them for its own bug:
// the whole run ended "internal error ... no results were written" (exit 3; session 51's
// workloads review). A workload's own WorkloadFailed, thrown inside a task, passes unchanged.
#pragma once

#include <ccb/errors.hpp>
#include <ccb/run.hpp>

#include <functional>
#include <string>
#include <utility>

#include "workloads/registry.hpp"

namespace ccb::workloads {

inline void run_checked(int procs, std::function<void()> main) {
  try {
    ccb::run(ccb::Config{.procs = procs}, std::move(main));
  } catch (const ccb::Deadlock& e) {
    throw WorkloadFailed(std::string("the ccbench runtime found the workload's tasks deadlocked: ") + e.what());
  } catch (const ccb::Panic& e) {
    throw WorkloadFailed(std::string("the ccbench runtime panicked in the workload: ") + e.what());
  }
}

}  // namespace ccb::workloads
