// harness/run_live.hpp — what `ccbench run` prints while it measures: the table's rows as points
// finish, the progress line, and a line per failed, not-applicable or disturbed point.
// Guarantees: rows come in the order points finish (a resumed run's reused points first); the
// progress line is cleared before anything else is printed on stderr.
// Concurrency: called from the runner's thread only (RunObserver).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "harness/console_table.hpp"
#include "harness/hooks.hpp"
#include "harness/matrix.hpp"
#include "harness/progress.hpp"
#include "harness/runner.hpp"

namespace ccb::harness {

// Live: prints the table, the progress line, failures and disturbed points while the run goes on.
class Live : public RunObserver {
 public:
  Live(const Io& io, bool table, bool quiet, ProgressMode progress, double progress_interval_s,
       const std::vector<Point>& points, const std::vector<std::string>& impls, size_t total_units);
  void begin();
  void on_step(const Point& p, const std::string& impl, int units) override;
  void on_skipped(const Point& p, const std::string& impl, int units) override;
  void on_point_done(const Point&, const std::vector<Entry>& entries) override;
  void end();

 private:
  const Io& io_;
  Progress progress_;
  ConsoleTable table_;
  bool show_table_;
  bool quiet_;
  std::map<std::string, size_t> index_;
};

}  // namespace ccb::harness
