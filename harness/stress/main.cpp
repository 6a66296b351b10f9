// harness/stress/main.cpp — ccbench-stress: `ccbench stress` as its own small executable
// (`ccbench-stress mixed --duration 10s …`), with the options, output and exit codes of
// `ccbench stress` (stress_command.hpp): 0 passed, 1 a failure, 2 bad usage. A leading `stress`
// word (`ccbench-stress stress mixed …`, the form .ci/run used first) is accepted and ignored: no
// scenario has that name. It links only the runtime and ccb_stress, so the sanitizer stages of
// .ci/run can build it in a fraction of the time the whole ccbench takes.
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "harness/errors.hpp"
#include "harness/stress/stress_command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"ccbench-stress: `ccbench stress` alone — stress-test the runtime: scenarios with "
               "invariants, a stall watchdog, fault injection",
               "ccbench-stress"};
  app.set_version_flag("--version", std::string("ccbench-stress ") + CCB_VERSION + " (git " + CCB_GIT_COMMIT + ")",
                       "Print the version and git commit, then exit");
  std::vector<char*> args(argv, argv + argc);
  if (args.size() > 1 && std::string(args[1]) == "stress") args.erase(args.begin() + 1);
  try {
    auto run = ccb::stress::add_stress_options(app);
    try {
      app.parse(static_cast<int>(args.size()), args.data());
    } catch (const CLI::ParseError& e) {
      if (e.get_exit_code() == 0) return app.exit(e, std::cout, std::cerr);  // --help, --version
      std::cerr << "ccbench-stress: " << e.what() << "\n";
      return 2;
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
