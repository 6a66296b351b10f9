// harness/chaos_env.hpp — the runtime's chaos environment variables, checked before anything runs.
// Guarantees: check_chaos_env() accepts exactly what the runtime's begin_run() accepts
// (runtime/src/chaos.cpp: CCB_CHAOS unset, empty, "0" or "1"; CCB_CHAOS_SEED unset, empty or a
// decimal 0..2^64-1) and throws UsageError naming the variable and its value otherwise. Without it
// a bad value surfaced mid-run as ccb::ConfigError (exit 1, like a failed self-check, or a failed
// stress scenario) instead of bad input (exit 2). The harness cannot include the runtime's private
// src/chaos.hpp, so the rule is restated here; tests/harness pins both messages.
#pragma once

namespace ccb::harness {

// check_chaos_env() reads CCB_CHAOS and CCB_CHAOS_SEED from the environment. Throws UsageError.
void check_chaos_env();

}  // namespace ccb::harness
