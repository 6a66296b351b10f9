// harness/hooks.hpp — what main.cpp plugs into the harness: the reports module (compare/report
// subcommands, `--report`) and the Go implementation. Both are built in parallel with the harness
// and may be absent from a build, so ccb_harness never links them: main.cpp fills Hooks when
// their CMake targets exist, and tests fill them with fakes. An empty hook means "not built in".
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace ccb::harness {

class ImplBackend;

// Io: the streams a command writes to; err_is_tty enables the progress line.
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
};

struct Hooks {
  ReportsHooks reports;
  std::shared_ptr<ImplBackend> go;  // the "go" implementation, or null when not built in
};

}  // namespace ccb::harness
