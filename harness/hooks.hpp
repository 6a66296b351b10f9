// harness/hooks.hpp — what main.cpp plugs into the harness: the reports module (compare/report
// subcommands, `--report`) and the Go implementation. Both are built in parallel with the harness
// and may be absent from a build, so ccb_harness never links them: main.cpp fills Hooks when
// their CMake targets exist, and tests fill them with fakes. An empty hook means "not built in".
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace ccb::harness {

class ImplBackend;

// Io: the streams a command writes to; err_is_tty selects the in-place progress line (`run
// --progress auto`) over plain heartbeat lines.
struct Io {
  std::ostream& out;
  std::ostream& err;
  bool err_is_tty = false;
};

struct ReportsHooks {
  // SelectedRunner runs whichever of the added subcommands was selected and returns its exit
  // code, or -1 when none of them was selected.
  using SelectedRunner = std::function<int(std::ostream& out, std::ostream& err)>;
  // add_commands adds the reports subcommands (`compare`, `report`) to the app.
  std::function<SelectedRunner(CLI::App&)> add_commands;
  // write_report writes the HTML report of result `files` into `dir`; returns an exit code.
  std::function<int(const std::vector<std::string>& files, const std::string& dir,
                    std::ostream& out, std::ostream& err)>
      write_report;
  // report_settings_problem is what is wrong with the report's environment settings (the chart
  // drawer's CCB_CHART_TIMEOUT_S), or "": `run --report` checks it first.
  std::function<std::string()> report_settings_problem;
};

struct Hooks {
  ReportsHooks reports;
  std::shared_ptr<ImplBackend> go;  // the "go" implementation, or null when not built in
  // install_worker_start sets the runtime's process-wide worker-start hook
  // (ccb::set_default_worker_start; main.cpp, which links the runtime); an empty hook argument
  // uninstalls it. Empty here = the runtime is not linked: --pin then pins nothing in-process.
  std::function<void(std::function<void(int worker_index)>)> install_worker_start;
  // Test seam: the CPU list --pin uses instead of sched_getaffinity's (e.g. a CPU that does not
  // exist, to exercise the refused-pin path). Not reachable from the command line.
  std::optional<std::vector<int>> pin_cpus;
};

}  // namespace ccb::harness
