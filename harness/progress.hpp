// harness/progress.hpp — the progress display of `ccbench run` on stderr, in one of two forms:
//   InPlace (a terminal): one line redrawn in place ("\r" + erase to end of line) at every step,
//     [ 3/40] pingpong/cap=0/n=200000/procs:1 ccbench · ETA 1m05s
//     and clear() removes it, so table rows on stdout never interleave with a half line;
//   Lines (a log file, a CI job): a plain heartbeat line (no "\r", no escape codes) at most once
//     per `interval` of wall time, checked at each step; none before the first interval has
//     passed, so a run shorter than the interval (10 s by default) prints nothing,
//     ccbench run: 12/40 points done, 3m05s elapsed, ETA ~1m10s
// Guarantees: prints nothing in mode Off (the caller picks the mode: progress_mode()); ETA is the
// mean time per repetition so far times the repetitions left (a rough figure, labelled "~"); the
// repetitions a failed or not-applicable implementation skips are not left (skip()).
// The in-place line never wraps: when the terminal is narrower than the line, the point's name
// loses its middle ("select/channels=4…procs:2 ccbench"), since a wrapped line cannot be redrawn
// by "\r" and would leave one stale line per step. The clock and the terminal width are
// injectable so tests need not sleep or own a terminal.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <ostream>
#include <string>

namespace ccb::harness {

enum class ProgressMode { Off, InPlace, Lines };

// kHeartbeatSeconds: the default interval of the Lines form (CCB_PROGRESS_INTERVAL overrides it;
// run_command.cpp).
inline constexpr double kHeartbeatSeconds = 10;

// progress_mode() is the form for `--progress` `option` (auto | lines | never): never or --quiet
// -> Off; lines -> Lines; auto -> InPlace on a terminal that can erase a line, Lines otherwise
// (also on a terminal whose TERM is "dumb": `dumb_terminal`).
ProgressMode progress_mode(const std::string& option, bool err_is_tty, bool quiet, bool dumb_terminal = false);

// stderr_columns() is the width of the terminal on standard error, or 0 when it is not known.
int stderr_columns();

class Progress {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  using Columns = std::function<int()>;  // the terminal's width in columns; 0 = unknown

  Progress(std::ostream& err, ProgressMode mode, size_t total_points, size_t total_units,
           double interval_s = kHeartbeatSeconds, Clock clock = &std::chrono::steady_clock::now,
           Columns columns = &stderr_columns);

  // step() records `units` finished repetitions of `what` (point `point_index`, 0-based) and
  // redraws the line (InPlace) or prints a heartbeat if `interval` has passed since the start or
  // the previous heartbeat (Lines).
  void step(size_t point_index, const std::string& what, size_t units);
  // skip() drops `units` repetitions that will not run (a failed or not-applicable
  // implementation's rest) from the total: counted as done, they made the ETA too short, as if
  // they had been measured in no time.
  void skip(size_t units);
  // point_done() counts one finished point (the heartbeat's "N/M points done").
  void point_done();
  // clear() erases the in-place line (call before writing anything else to the terminal).
  void clear();

 private:
  std::string eta_text(double elapsed) const;

  std::ostream& err_;
  ProgressMode mode_;
  size_t total_points_;
  size_t total_units_;
  size_t done_units_ = 0;
  size_t done_points_ = 0;
  bool shown_ = false;
  std::chrono::duration<double> interval_;
  Clock clock_;
  Columns columns_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_heartbeat_;
};

// format_duration() returns e.g. "45s", "3m07s", "2h05m".
std::string format_duration(double seconds);

}  // namespace ccb::harness
