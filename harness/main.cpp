// harness/main.cpp — the ccbench executable: wires the optional modules into Hooks and hands
// argv to ccbench_main() (entry.hpp), which owns all exit codes.
//  - CCB_HAVE_REPORTS (target ccb_reports exists): `compare`/`report` subcommands and --report,
//    through reports/cli.hpp.
//  - CCB_HAVE_GO_IMPL (target ccb_go_impl exists, from harness/go_impl.cmake): --impl go.
//  - `ccbench stress` (harness/stress, always built in), chained into the reports hook.
//  - the runtime's worker-start hook (ccb::set_default_worker_start), used by --pin.
// SIGCHLD is set to its default: a disposition of SIG_IGN survives exec (a parent, a nohup-like
// wrapper or a CI runner may leave it so), and with it the kernel reaps the Go children itself, so
// wait4 fails with ECHILD and no exit status or rusage can be had (session 51's Go review: a
// crashed child read as "exit status 0", ok points got cpu_time 0 and max_rss_kb 0).
// SIGPIPE is ignored: when stdout is a pipe whose reader has gone (`ccbench run --out r.json |
// head -1`), writes to it fail (std::cout stops printing) instead of killing ccbench before it
// writes its --out file.
// Standard output is checked at exit (harness/exit_status.hpp, shared with ccbench-stress): a write
// that failed for any other reason than a reader that has gone (disk full, /dev/full, an I/O
// error) turns exit status 0 or 1 into 2 with a message, so `ccbench run --format json > r.json`
// cannot leave a truncated r.json behind a success or a "the other points are written".
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "ccb/run.hpp"
#include "harness/entry.hpp"
#include "harness/exit_status.hpp"
#include "harness/stress/stress_command.hpp"

#ifdef CCB_HAVE_REPORTS
#include <CLI/CLI.hpp>

#include "reports/chart_runner.hpp"
#include "reports/cli.hpp"
#endif
#ifdef CCB_HAVE_GO_IMPL
#include "harness/go_backend.hpp"
#endif

int main(int argc, char** argv) {
  std::signal(SIGCHLD, SIG_DFL);
  std::signal(SIGPIPE, SIG_IGN);
  ccb::harness::StdoutBuf stdout_buf;
  std::streambuf* const default_buf = std::cout.rdbuf(&stdout_buf);
  std::vector<std::string> args(argv, argv + argc);
  ccb::harness::Hooks hooks;
#ifdef CCB_HAVE_REPORTS
  hooks.reports.add_commands = [](CLI::App& app) -> ccb::harness::ReportsHooks::SelectedRunner {
    auto commands = ccb::reports::add_commands(app);
    return [commands](std::ostream& out, std::ostream& err) {
      return ccb::reports::run_selected(*commands, out, err);
    };
  };
  hooks.reports.write_report = [](const std::vector<std::string>& files, const std::string& dir,
                                  std::ostream& out, std::ostream& err) {
    return ccb::reports::write_report(files, dir, "", out, err);
  };
  hooks.reports.report_settings_problem = [] { return ccb::reports::chart_settings_problem(); };
#endif
#ifdef CCB_HAVE_GO_IMPL
  hooks.go = ccb::harness::make_go_backend();
#endif
  hooks.reports.add_commands = ccb::stress::with_stress_command(std::move(hooks.reports.add_commands));
  hooks.install_worker_start = [](std::function<void(int)> hook) { ccb::set_default_worker_start(std::move(hook)); };
  ccb::harness::Io io{std::cout, std::cerr, isatty(STDERR_FILENO) == 1};
  const int rc = finish_stdout(ccb::harness::ccbench_main(args, io, hooks), stdout_buf, "ccbench");
  std::cout.rdbuf(default_buf);
  return rc;
}
