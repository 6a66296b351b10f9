// harness/run_stop.cpp — see run_stop.hpp.
#include "harness/run_stop.hpp"

#include <unistd.h>

#include <cmath>
#include <exception>
#include <sstream>

#include "common/count_text.hpp"
#include "harness/atomic_file.hpp"
#include "harness/console_table.hpp"
#include "harness/exit_status.hpp"
#include "harness/run_interrupts.hpp"

namespace ccb::harness {

void write_documents(const RunOutputs& outputs, const std::string& text, const std::vector<Point>& points,
                     const std::vector<std::string>& impls, const std::vector<Entry>& entries, const Io& io) {
  if (outputs.out && !outputs.out_is_stdout) write_file_atomically(*outputs.out, text, "--out");
  if (outputs.report_input && outputs.report_input != outputs.out)
    write_file_atomically(*outputs.report_input, text, "--report");
  if (outputs.format == "json") io.out << text;
  else if (outputs.format == "csv") write_csv(io.out, entries);
  else if (outputs.format == "markdown") write_markdown(io.out, points, impls, entries);
}

std::string stopped_text(const InterruptInfo& stop, const RunOutputs& o) {
  const std::string where = o.out ? *o.out
                            : o.report_input ? *o.report_input
                            : o.format == "json" ? std::string("standard output")
                                                 : std::string();
  // a file the results can be read back from (not /dev/null, standard output or a FIFO)
  const std::optional<std::string> resume_from =
      o.out && !o.out_is_stdout && !writes_in_place(*o.out) ? o.out
      : o.report_input && o.report_input != o.out           ? o.report_input
                                                            : std::nullopt;
  const std::string unwritten = o.format == "table"
                                    ? std::string("their results were not written (no --out)")
                                    : "their results are printed as --format " + o.format +
                                          " on standard output, and no results JSON was written (no --out)";
  std::string text = std::to_string(stop.points_done) + " of " + common::count_text(stop.points_planned, "point") +
                     " finished; ";
  if (stop.points_done == 0 && !where.empty())
    text += "the results file " + where + " (context.interrupted) holds none";
  else if (where.empty())
    text += unwritten;
  else
    text += "their results are written to " + where + " (context.interrupted)" +
            (resume_from ? "; the same command with --resume " + *resume_from + " measures only the rest" : std::string());
  if (o.report)
    text += "; no report was written (ccbench report " + (where.empty() ? std::string("FILE") : where) + " --out " +
            *o.report + " writes it)";
  return text;
}

void stop_on_hang(const std::string& what, double timeout_s, int signal, RunInfo info,
                  const std::vector<Entry>& entries, const std::vector<Point>& points,
                  const std::vector<std::string>& impls, const RunOutputs& outputs, const Io& io) {
  std::ostringstream limit;
  limit << timeout_s;
  if (signal == 0)
    info.warnings.push_back({"hang", "one run of " + what + " had not ended after " + limit.str() +
                                         " s (CCB_RUN_TIMEOUT): the run was stopped there, and the points not "
                                         "finished then were not measured"});
  int rc = signal != 0 ? 128 + signal : 1;
  std::string unwritten;
  try {
    const std::string text = results_json_text(info, entries);
    write_documents(outputs, text, points, impls, entries, io);
    if (outputs.out_is_stdout && outputs.format != "json") io.out << text;
  } catch (const std::exception& e) {
    unwritten = e.what();
    rc = 2;
  }
  // A terminal's progress line may be half drawn (the main thread is held inside the run).
  if (io.err_is_tty) io.err << "\n";
  if (signal == 0)
    io.err << "ccbench run: HANG: one run of " << what << " has not ended after " << limit.str()
           << " s: ccbench's runtime or the workload hangs (a bug: please report it), or the run needs longer "
              "(CCB_RUN_TIMEOUT=SECONDS raises the limit, 0 turns it off); ";
  else
    io.err << "ccbench run: interrupted by " << signal_name(signal) << ": the run of " << what
           << " in progress had not ended " << limit.str() << " s after it and was abandoned; ";
  if (unwritten.empty())
    io.err << stopped_text(*info.interrupted, outputs) << "\n";
  else
    io.err << "the results of the points finished could not be written: " << unwritten << "\n";
  io.err.flush();
  // --format json (or --out /dev/stdout) on a full disk: the document on standard output is incomplete
  if (auto* buf = dynamic_cast<StdoutBuf*>(io.out.rdbuf())) rc = finish_stdout(rc, *buf, "ccbench");
  else io.out.flush();
  ::_exit(rc);
}

}  // namespace ccb::harness
