// harness/run_env.hpp — the environment variables `ccbench run` reads (run --help lists them):
// the test hooks CCB_INJECT_DELAY_NS / CCB_INJECT_SLOWDOWN / CCB_INJECT_WORKLOAD, the progress
// heartbeat CCB_PROGRESS_INTERVAL and the hang watchdog's CCB_RUN_TIMEOUT. Each reader checks its
// value and throws UsageError (exit 2) for a bad one; an unset or empty variable gives the default.
#pragma once

#include <optional>

#include "harness/impl_runner.hpp"

namespace ccb::harness {

std::optional<InjectDelay> inject_from_env();
double progress_interval_from_env();
double run_timeout_from_env();

}  // namespace ccb::harness
