// reports/chart_runner.hpp — runs reports/charts.py under Debian's Python to draw the report charts.
//
// Guarantees:
//  - The interpreter is /usr/bin/python3 (Debian's python3-matplotlib lives there; the `python3` on
//    PATH may be another interpreter), unless the environment variable CCB_REPORT_PYTHON names
//    another one (used by tests and by systems that keep matplotlib elsewhere): a path, or a bare
//    name (no '/') looked up in PATH.
//  - The script is the copy of reports/charts.py embedded in the binary at build time and is fed
//    on stdin, so the report works from any directory and needs no installed data files.
//  - run_charts() never throws for a missing or failing interpreter: it returns drawn = false and a
//    one-line `notice` for the report ("charts not drawn: …"); the script's output is in `log`:
//    all of it up to 64 KiB, else its first and last 32 KiB around a line "… N bytes of the
//    drawer's output left out …".
//  - Any file name is passed safely: a relative path beginning with '-' goes to the script as
//    "./PATH", so argparse never takes it for an option.
//  - On success the charts and charts/manifest.json are in `charts_dir` (see charts.py).
//  - The drawer never outlives ccbench's SIGINT, SIGTERM or SIGHUP (before, `kill` of report
//    left it drawing into charts_dir, reparented to init, after ccbench had exited): it runs as the
//    leader of its own process group, inside an InterruptScope (child_run.hpp) that records such a
//    signal and forwards it to the group (ForwardTo). Its pipes are polled, so the signal is seen
//    at once; a group still running 2 s after it gets SIGKILL. Once the drawer is reaped,
//    run_charts() throws Interrupted; what it drew is still in `charts_dir` for the caller to
//    remove. A signal before or after the drawer runs keeps its previous (default) action.
//    Nor a SIGKILL of ccbench: the drawer gets CCB_PARENT_PID and asks the kernel to kill it when
//    ccbench dies (charts.py, prctl PR_SET_PDEATHSIG), as the Go child does; started through a
//    wrapper that does not exec (CCB_REPORT_PYTHON a shell script), it watches that pid instead.
//  - The drawer runs at most 300 s (CCB_CHART_TIMEOUT_S: other seconds > 0): past that its group
//    gets SIGTERM, then SIGKILL 2 s later, and run_charts() returns drawn = false with a notice
//    saying so ("... did not finish within 300 s and was stopped ..."); its output is not read
//    past 2 s after the SIGKILL (a process of it that left the group may hold the pipe).
//  - chart_settings_problem() names a CCB_CHART_TIMEOUT_S that is not such a number: `report` and
//    `run --report` refuse it as bad usage (exit 2) before they do anything, as `run` refuses a bad
//    CCB_RUN_TIMEOUT (a CI job's typo used to lose the charts with exit 0); run_charts() called
//    anyway draws nothing and says why in the notice. A CCB_REPORT_PYTHON naming no interpreter is
//    not refused: like a machine without python3-matplotlib, the report has its tables only, and
//    the notice (on stderr too) says why; tests and users set it to skip the charts.
// Blocks: until the child exits (or is stopped). Not thread-safe with respect to other fork/exec users of stdio.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ccb::reports {

struct ChartRun {
  bool drawn = false;
  std::string notice;  // one line, set when drawn is false
  std::string log;     // the script's stdout and stderr (head and tail only past 64 KiB)
};

// charts_script() is the embedded text of reports/charts.py.
std::string_view charts_script();

// python_interpreter() is CCB_REPORT_PYTHON when set and non-empty (a bare name: its first
// executable match in PATH, or the name itself when there is none), else "/usr/bin/python3".
std::string python_interpreter();

// chart_settings_problem() is "" when CCB_CHART_TIMEOUT_S is unset or a number of seconds in
// range, else what is wrong with it ("CCB_CHART_TIMEOUT_S=abc is not a number of seconds > 0 (at
// most 1000000)").
std::string chart_settings_problem();

// run_charts() draws charts for `results_files` (and the change chart when `compare_json` is not
// empty) into `charts_dir`, which must exist. Throws Interrupted (child_run.hpp) on a signal.
ChartRun run_charts(const std::vector<std::string>& results_files, const std::string& charts_dir,
                    const std::string& compare_json);

}  // namespace ccb::reports
