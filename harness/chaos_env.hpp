// harness/chaos_env.hpp — the runtime's chaos environment variables, checked before anything runs.
// Guarantees: check_chaos_env() accepts exactly what the runtime's begin_run() accepts
// (runtime/src/chaos.cpp: CCB_CHAOS unset, empty, "0" or "1"; CCB_CHAOS_SEED unset, empty or a
// decimal 0..2^64-1) and throws UsageError naming the variable and its value otherwise. Without it
// a bad value surfaced mid-run as ccb::ConfigError (exit 1, like a failed self-check, or a failed
// stress scenario) instead of bad input (exit 2). The harness cannot include the runtime's private
// src/chaos.hpp, so the rule is restated here; tests/harness pins both messages.
// chaos_from_env() says whether CCB_CHAOS=1 is on, for `ccbench run`: the runtime then injects
// random yields, delays and steals into every ccb::run, which changes the ccbench
// implementation's numbers, so the run warns and records it (context.chaos, reports/SCHEMA.md).
#pragma once

#include <cstdint>
#include <optional>

namespace ccb::harness {

// check_chaos_env() reads CCB_CHAOS and CCB_CHAOS_SEED from the environment. Throws UsageError.
void check_chaos_env();

// ChaosEnv: CCB_CHAOS=1 is set. `seed` is CCB_CHAOS_SEED when set and not 0; otherwise each
// ccb::run draws a random seed of its own (runtime/src/chaos.cpp), which nothing records.
struct ChaosEnv {
  std::optional<uint64_t> seed;
};

// chaos_from_env() checks the variables as check_chaos_env() does and returns the setting when
// CCB_CHAOS=1, std::nullopt when chaos is off. Throws UsageError.
std::optional<ChaosEnv> chaos_from_env();

}  // namespace ccb::harness
