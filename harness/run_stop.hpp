// harness/run_stop.hpp — where `ccbench run` writes its results, and what it writes and says when
// it stops before its last point: interrupted by a signal (run_interrupts.hpp) or on a run taken
// for a hang (hang_watch.hpp, CCB_RUN_TIMEOUT).
// (A run still going kStopGrace (run_interrupts.hpp) after a signal is abandoned the way a hang is.)
// Guarantees: a stopped run's file holds the entries of the points finished, in matrix order,
// with context.interrupted saying how many of how many (`signal` is "SIGINT", "SIGTERM", "SIGHUP",
// or "hang"); its message says where they are and the command that measures only the rest.
// Concurrency: none of its own. stop_on_hang() runs on the HangWatch's thread while the main thread
// is held inside the hung run (hang_watch.hpp says why that is safe).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "harness/hooks.hpp"
#include "harness/matrix.hpp"
#include "harness/results.hpp"
#include "harness/results_json.hpp"
#include "harness/runner.hpp"

namespace ccb::harness {

// RunOutputs: the run's outputs, as step 2 of run_command.cpp settles them.
struct RunOutputs {
  std::optional<std::string> out;           // --out FILE
  bool out_is_stdout = false;               // --out names standard output: the JSON goes there, last
  std::optional<std::string> report;        // --report DIR
  std::optional<std::string> report_input;  // the results file the report reads (--out, or DIR/results.json)
  std::string format;                       // --format
};

// write_documents() writes the results JSON `text` to --out and the report's input, and prints the
// --format document (json, csv or markdown; nothing for table) on io.out. Throws IoError.
void write_documents(const RunOutputs& outputs, const std::string& text, const std::vector<Point>& points,
                     const std::vector<std::string>& impls, const std::vector<Entry>& entries, const Io& io);

// stopped_text() is the end of the stopped run's message: "N of M points finished; their results
// are written to F (context.interrupted); the same command with --resume F measures only the
// rest", and the report not written.
std::string stopped_text(const InterruptInfo& stop, const RunOutputs& outputs);

// FinishedPoints: forwards every callback to `next` and keeps the entries of the points finished
// (the run's state stop_on_hang() writes).
class FinishedPoints : public RunObserver {
 public:
  explicit FinishedPoints(RunObserver& next) : next_(next) {}
  void on_step(const Point& p, const std::string& impl, int units) override { next_.on_step(p, impl, units); }
  void on_skipped(const Point& p, const std::string& impl, int units) override { next_.on_skipped(p, impl, units); }
  void on_point_done(const Point& p, const std::vector<Entry>& entries) override {
    entries_.insert(entries_.end(), entries.begin(), entries.end());
    ++points_;
    next_.on_point_done(p, entries);
  }
  const std::vector<Entry>& entries() const { return entries_; }
  size_t points() const { return points_; }

 private:
  RunObserver& next_;
  std::vector<Entry> entries_;
  size_t points_ = 0;
};

// stop_on_hang() is `ccbench run`'s HangWatch::OnHang: `info` and `entries` are the points finished
// (info.interrupted says how many, and signal "hang" or the signal's name).
//  - signal 0, a hang: it adds the `hang` warning naming the run `what` and the limit timeout_s,
//    writes the documents as a run stopped by a signal does, prints the message (how to raise the
//    limit, where the results are) and ends the process with exit status 1 (a point not measured).
//  - a signal whose run had not ended timeout_s (kStopGrace (run_interrupts.hpp)) after it: it writes the
//    documents and prints the message as a run stopped by the signal does, saying which run was
//    abandoned, and ends with 128 + signal.
// Results that could not be written make the status 2; so does a failed write to standard output
// after a hang (a signal's 128 + N stays, with the error printed: finish_stdout(), exit_status.hpp).
// It ends the process through _exit(): the hung run cannot be unwound, and exit() would run
// destructors under it.
[[noreturn]] void stop_on_hang(const std::string& what, double timeout_s, int signal, RunInfo info,
                               const std::vector<Entry>& entries, const std::vector<Point>& points,
                               const std::vector<std::string>& impls, const RunOutputs& outputs, const Io& io);

}  // namespace ccb::harness
