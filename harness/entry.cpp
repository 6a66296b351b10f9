// harness/entry.cpp — see entry.hpp.
#include "harness/entry.hpp"

#include <algorithm>
#include <string>

#include "common/suggest.hpp"
#include "harness/cli.hpp"
#include "harness/errors.hpp"
#include "harness/exit_status.hpp"
#include "harness/list_command.hpp"
#include "harness/list_syntax.hpp"
#include "harness/run_command.hpp"

namespace ccb::harness {

namespace {

std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    names.push_back(sub->get_name());
  return names;
}

// check_command() rejects an unknown first word with the list of commands (CLI11 would only say
// "A subcommand is required").
void check_command(const std::vector<std::string>& argv, const CLI::App& app) {
  if (argv.size() < 2 || argv[1].empty()) return;
  if (argv[1][0] == '-') {
    // an unknown option alone got CLI11's "A subcommand is required", which does not name it
    const std::string name = argv[1].substr(0, argv[1].find('='));
    if (argv.size() == 2 && name != "-h" && app.get_option_no_throw(name) == nullptr)
      throw UsageError("unknown option '" + argv[1] + "'" + common::did_you_mean(name, {"--help", "--version"}) +
                       "; usage: ccbench COMMAND [OPTIONS], commands: " + join(command_names(app), ", ") +
                       "; see 'ccbench --help'");
    return;
  }
  const std::vector<std::string> names = command_names(app);
  if (std::find(names.begin(), names.end(), argv[1]) == names.end())
    throw UsageError("unknown command '" + argv[1] + "'" + common::did_you_mean(argv[1], names) +
                     "; valid commands: " + join(names, ", "));
}

int dispatch(const std::vector<std::string>& argv, const Io& io, const Hooks& hooks) {
  ParsedCli parsed;
  std::unique_ptr<CLI::App> app = build_cli(parsed, hooks.reports);
  if (argv.size() < 2) {
    io.err << app->help() << "ccbench: a command is required; valid commands: "
           << join(command_names(*app), ", ") << "\n";
    return 2;
  }
  check_command(argv, *app);
  const std::vector<std::string> words = bare_switches_on(argv);
  std::vector<const char*> args;
  for (const auto& a : words) args.push_back(a.c_str());
  try {
    app->parse(static_cast<int>(args.size()), args.data());
  } catch (const CLI::ParseError& e) {
    // help and version are "errors" with exit code 0; print them as CLI11 does
    if (e.get_exit_code() == 0) return app->exit(e, io.out, io.err);
    const bool command = argv.size() > 1 && !argv[1].empty() && argv[1][0] != '-';
    const CLI::App* parsing = app.get();
    if (command) try {
        parsing = app->get_subcommand(argv[1]);
      } catch (const CLI::Error&) {
      }
    io.err << "ccbench: " << parse_error_text(e, parsing) << "; see 'ccbench " << (command ? argv[1] + " " : "") << "--help'\n";
    return 2;
  }
  if (parsed.list_cmd->parsed()) return list_command(parsed.list, io, hooks);
  if (parsed.run_cmd->parsed()) return run_command(parsed.run, argv, io, hooks);
  if (parsed.run_reports) {
    int rc = parsed.run_reports(io.out, io.err);
    if (rc >= 0) return rc;
  }
  io.err << app->help();
  return 2;
}

}  // namespace

int ccbench_main(const std::vector<std::string>& argv, const Io& io, const Hooks& hooks) {
  try {
    return dispatch(argv, io, hooks);
  } catch (const UsageError& e) {
    io.err << "ccbench: " << e.what() << "\n";
    return 2;
  } catch (const IoError& e) {
    io.err << "ccbench: " << e.what() << "\n";
    return 2;
  } catch (const ccb::workloads::WorkloadFailed& e) {
    io.err << "ccbench: workload failed: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    // Anything else is ccbench's own fault (a bug, or the machine refusing memory or threads),
    // never a verdict: exit 3, so that a script does not read it as a failed self-check or gate.
    // run writes its results atomically at the end, so it wrote none.
    const bool run = argv.size() > 1 && argv[1] == "run";
    io.err << "ccbench: internal error: " << e.what() << (run ? "; no results were written" : "") << " (exit 3)\n";
    return kExitInternal;
  }
}

}  // namespace ccb::harness
