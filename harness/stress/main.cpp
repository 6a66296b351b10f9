// harness/stress/main.cpp — ccbench-stress: `ccbench stress` as its own small executable
// (`ccbench-stress stress mixed --duration 10s …`), with the options, output and exit codes of
// `ccbench stress` (stress_command.hpp): 0 passed, 1 a failure, 2 bad usage. It links only the
// runtime and ccb_stress, so the sanitizer stages of .ci/run can build it in a fraction of the time
// the whole ccbench takes.
#include <CLI/CLI.hpp>

#include <iostream>

#include "harness/errors.hpp"
#include "harness/stress/stress_command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"ccbench-stress: the `ccbench stress` command alone (see `ccbench stress --help`)",
               "ccbench-stress"};
  app.require_subcommand(1);
  try {
    auto run = ccb::stress::add_stress_command(app);
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      return app.exit(e, std::cout, std::cerr) == 0 ? 0 : 2;  // --help is a "ParseError" with code 0
    }
    return run(std::cout, std::cerr);
  } catch (const ccb::harness::UsageError& e) {
    std::cerr << "ccbench-stress: " << e.what() << "\n";
    return 2;
  } catch (const ccb::harness::IoError& e) {
    std::cerr << "ccbench-stress: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "ccbench-stress: error: " << e.what() << "\n";
    return 1;
  }
}
