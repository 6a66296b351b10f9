// harness/stress/options.hpp — `ccbench stress` options: the CLI11 bindings (text, as given) and
// their validation into StressSettings.
//
//   ccbench stress [SCENARIO...] [--duration 30s] [--seed N] [--procs LIST] [--tasks N]
//                  [--out FILE] [--stall-limit 10s] [--chaos]
// Guarantees: every option rejects repetition; validate() either returns complete settings or
// throws harness::UsageError (exit 2) naming the option, quoting the bad text and saying what is
// valid: unknown or repeated scenario names, durations that are not a positive number with an
// optional unit ms, s or m (at most 24 h), procs outside 1..1024 (LIST syntax of `run`,
// harness/list_syntax.hpp), tasks outside 1..100000, seeds outside 0..2^64-1. --out is checked
// writable before anything runs (harness::IoError, exit 2), unless it names standard output
// (/dev/stdout, /proc/self/fd/1, or the file or pipe stdout goes to: out_is_stdout).
#pragma once

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ccb::stress {

struct StressOptions {
  std::vector<std::string> scenarios;
  std::optional<std::string> duration, seed, procs, tasks, out, stall_limit;
  bool chaos = false;
};

struct StressSettings {
  std::vector<std::string> scenarios;  // in run order: as named (none named: the table's order), no duplicates
  std::chrono::nanoseconds duration{};  // per scenario per procs value
  std::string duration_text;            // as given, with "s" added to plain seconds (messages, reproduce command)
  uint64_t seed = 0;
  bool seed_given = false;
  std::vector<int> procs;
  int tasks = 64;
  std::optional<std::string> out;
  bool out_is_stdout = false;  // --out names standard output: the JSON is printed there once, last
  std::chrono::nanoseconds stall_limit{};
  std::string stall_limit_text;
  bool chaos = false;      // --chaos
  bool chaos_env = false;  // CCB_CHAOS=1 without --chaos: the same injection, seeded the same way
};

constexpr const char* kDefaultDuration = "30s";
constexpr const char* kDefaultProcs = "1,2,8";
constexpr const char* kDefaultStallLimit = "10s";
constexpr int kDefaultTasks = 64;

// add_options() adds the subcommand's options bound to `o`. Requires: `o` outlives `cmd`.
void add_options(CLI::App* cmd, StressOptions& o);

// parse_duration() parses "500ms", "30s", "2m", "1h", "1.5s" or plain seconds ("10") for option
// `what`; more than 0 and at most 24h.
// Throws UsageError.
std::chrono::nanoseconds parse_duration(const std::string& text, const std::string& what);

// validate() turns options into settings (see the guarantees above).
StressSettings validate(const StressOptions& o);

}  // namespace ccb::stress
