// reports/cli.hpp — the `compare` and `report` subcommands of ccbench, for the harness's main().
// (also `calibrate`: A/A noise floor, reports/gate_quality.hpp)
//
// Guarantees:
//  - add_commands() only registers options; nothing runs and nothing is read until run_selected().
//  - run_selected() / write_report() never throw for bad input: they print one clear message to
//    `err` ("ccbench compare: new.json: benchmarks[3].samples_ns[2]: expected a number, got string")
//    and return an exit code: 0 ok, 1 gate failed (compare) or no --threshold below 100% lies
//    above the noise (calibrate), 2 bad input or usage, 128 + signal interrupted (compare's and
//    calibrate's runs, report's chart drawing: their children are stopped and reaped first).
//  - The reports library reads results JSON only; it links neither the runtime nor the workloads.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace ccb::reports {

struct Commands;  // opaque: option storage and the two subcommands

// add_commands() adds the `compare` and `report` subcommands (with their own --help texts) to app.
std::shared_ptr<Commands> add_commands(CLI::App& app);

// run_selected() runs whichever of the two subcommands was parsed and returns its exit code
// (0 ok, 1 gate failed or no usable threshold, 2 bad input), or -1 if none was selected. Errors go to `err`, output to `out`.
int run_selected(Commands& cmds, std::ostream& out, std::ostream& err);

// write_report() is the library entry used by `ccbench run --report DIR`: same as the report command.
// It prints the path of index.html to `out`. Returns 0, 2 on bad input, or 128 + the signal when
// SIGINT, SIGTERM or SIGHUP came while the charts were drawn (the drawer stopped and reaped first).
int write_report(const std::vector<std::string>& result_files, const std::string& out_dir,
                 const std::string& baseline_file /* empty = none */, std::ostream& out, std::ostream& err);

}  // namespace ccb::reports
