// harness/cli.hpp — ccbench's command line (CLI11): the top-level app with --help/--version,
// `list` and `run` with their options, plus the reports subcommands from ReportsHooks.
// Guarantees: every single-value option and flag rejects repetition (CLI11 throws
// ArgumentMismatch); choice options list their choices in the error; numeric options are kept as
// text and parsed by run_command with list_syntax's messages. build_cli() only binds variables;
// parsing and turning CLI11's errors into exit codes happen in ccbench_main().
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/hooks.hpp"

namespace ccb::harness {

struct ListOptions {
  std::vector<std::string> workloads;  // names as typed; empty = all registered
  std::string format = "table";        // table | json
};

struct RunOptions {
  std::vector<std::string> workloads;
  std::optional<std::string> filter;
  std::optional<std::string> procs;
  std::vector<std::string> sets;
  std::string preset = "quick";  // quick | full
  std::optional<std::string> impl;
  std::optional<std::string> repetitions;
  std::optional<std::string> min_time;
  std::optional<std::string> warmup;
  std::optional<std::string> out;
  std::string format = "table";  // table | json | csv | markdown
  bool quiet = false;
  std::string progress = "auto";  // auto | lines | never (progress.hpp)
  std::optional<std::string> report;
  std::string pin = "on";                // on | off  (--pin alone = on)
  std::optional<std::string> shuffle;    // on | off; default: on with more than one implementation
  std::optional<std::string> seed;       // shuffle seed; default drawn from std::random_device
  bool dry_run = false;                  // list the points and a time estimate, run nothing
  std::optional<std::string> resume;     // an earlier run's results file (harness/resume.hpp)
};

// ParsedCli: the variables the app fills in.
struct ParsedCli {
  ListOptions list;
  RunOptions run;
  ReportsHooks::SelectedRunner run_reports;  // set when the reports subcommands were added
  CLI::App* list_cmd = nullptr;
  CLI::App* run_cmd = nullptr;
};

// bare_switches_on() rewrites a bare `--pin` or `--shuffle` (not followed by on/off) to `--pin=on`
// / `--shuffle=on`, so that CLI11 (expected(0, 1)) does not take the next word, a workload name,
// as its value: `ccbench run --shuffle pingpong` runs pingpong shuffled.
std::vector<std::string> bare_switches_on(const std::vector<std::string>& argv);

// build_cli() returns the app bound to `parsed`. Requires: `parsed` outlives the app.
std::unique_ptr<CLI::App> build_cli(ParsedCli& parsed, const ReportsHooks& reports);

}  // namespace ccb::harness
