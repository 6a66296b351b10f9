// harness/stress/stress_command.hpp — `ccbench stress`: runs each scenario (scenario.hpp) at each
// procs value for --duration, under a stall watchdog (watchdog.hpp), and prints a summary per
// run (summary.hpp).
//
// Behaviour:
//  - The seed is always printed first. Each run uses its own seed derived from --seed, the
//    scenario's name and the procs value, so `--seed N SCENARIO --procs P` repeats exactly that
//    run's random choices (as far as thread scheduling allows).
//  - --chaos (or CCB_CHAOS=1) runs the runtime in fault-injection mode, seeded with the run's seed
//    (CCB_CHAOS_SEED does not apply here); the runtime seeds each worker from (seed, worker
//    index), so the reproduce line repeats the failing run's injections.
//  - An invariant violation or an exception out of ccb::run (e.g. ccb::Deadlock) stops the
//    command: it prints the failure, the seed, the exact command to reproduce it and the task dump
//    taken when the violation was detected, writes --out (with "passed": false) and exits 1.
//    A stall (no progress for --stall-limit; in `mixed`, by any one of its parts) prints the same
//    from the watchdog, naming the stalled part, and exits 1 at once;
//    --out was written before that run started, with the run listed as not finished and
//    "passed": false, so it never keeps an earlier file's verdict.
//  - Exit codes: 0 every run passed; 1 an invariant, runtime error or watchdog failure; 2 bad usage.
//  - Test hook CCB_STRESS_TEST_HOOK (never active unless set; announced on stderr when it is):
//    "violate" makes the channels scenario (also inside mixed) lose one message; "stall" replaces
//    the scenario by tasks that block forever (the watchdog must fire); "stall-part" does that to
//    mixed's sync part only (the watchdog must name it); "leak-task" makes churn (also inside
//    mixed) start a task that never exits (the live-task check, not the watchdog, must report it);
//    "early-timer" makes cancel's plain-thread Timer reset fire 50 ms before its check expects
//    (also inside mixed); "leak-memory" makes churn (also inside mixed) keep 256 MiB after its
//    warm-up (its RSS bound must fail); "over-admit" makes a quarter of ratelimit's tasks (also
//    inside mixed) draw from a second token bucket (its granted-tokens bound must fail);
//    "early-tick" makes cancel's Tickers (also inside mixed) tick every quarter of the period
//    their check expects. Other values: exit 2.
#pragma once

#include <functional>

#include "harness/hooks.hpp"

namespace ccb::stress {

using AddCommands = std::function<harness::ReportsHooks::SelectedRunner(CLI::App&)>;

// add_stress_command() adds `stress` to app; the returned runner runs it when it was selected and
// returns its exit code, or -1 when another command was selected. Throws harness::UsageError /
// IoError for bad options (ccbench_main maps them to exit 2).
harness::ReportsHooks::SelectedRunner add_stress_command(CLI::App& app);

// add_stress_options() makes `app` itself the stress command (the ccbench-stress executable:
// `ccbench-stress [SCENARIO...] [options]`): the same options, footer and exit codes; the
// returned function runs it after app.parse(). Throws as add_stress_command().
std::function<int(std::ostream&, std::ostream&)> add_stress_options(CLI::App& app);

// with_stress_command() extends an add_commands hook (possibly empty) so that it also adds
// `stress`; main.cpp plugs it into Hooks::reports.add_commands.
AddCommands with_stress_command(AddCommands inner);

}  // namespace ccb::stress
