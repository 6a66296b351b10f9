// tests/reports/ccb_reports_cli.cpp — a test-only driver for the reports subcommands: parses argv with
// CLI11, then calls add_commands()/run_selected() as the harness's main does, so `compare` and
// `report` can be tried by hand before (or without) the full ccbench binary.
#include <iostream>

#include "reports/cli.hpp"

int main(int argc, char** argv) {
  CLI::App app{"ccb_reports_cli: test driver for `ccbench compare` and `ccbench report`"};
  app.require_subcommand(1);
  auto cmds = ccb::reports::add_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;  // usage errors are exit 2, as in ccbench
  }
  return ccb::reports::run_selected(*cmds, std::cout, std::cerr);
}
