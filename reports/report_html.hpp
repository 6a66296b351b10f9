// reports/report_html.hpp — the index.html of `ccbench report`.
//
// Guarantees:
//  - render_index_html() returns one self-contained HTML5 document: inline CSS, no JavaScript, no
//    external fonts, scripts or styles, and a Content-Security-Policy that forbids every network
//    fetch. It only references chart files inside the report directory (charts/<id>.svg as the
//    image, with links to the PNG and SVG), and only those listed in the chart manifest.
//  - Always present: machine and build context of every results file, its recorded warnings, and a
//    summary table per workload of every point (status not "ok" shown with its reason). With a
//    comparison: the summary line, gate outcome, warnings, per-point verdicts and unmatched points.
//  - When charts were not drawn, the page carries the one-line notice instead of charts; when only
//    some were, it shows those and the notice names what is missing.
//  - All text from input files is HTML-escaped (fmt::html: control characters as "\x1b", bytes that
//    are not UTF-8, e.g. of a Latin-1 file name, as U+FFFD), so the page is valid UTF-8. Element ids
//    hold only [A-Za-z0-9_-]: a workload's section is "wl-" + its name made safe as charts.py makes
//    chart ids, and the nav links to exactly those ids.
#pragma once

#include <string>
#include <vector>

#include "reports/compare.hpp"
#include "reports/results.hpp"

namespace ccb::reports {

// ChartInfo is one entry of charts/manifest.json (written by charts.py).
struct ChartInfo {
  std::string id;
  std::string kind;      // "scaling", "ratio", "counter", "spawn" or "change"
  std::string workload;  // empty when the chart spans workloads
  std::string title;
  std::string caption;
  std::string png;  // path relative to the report directory
  std::string svg;
};

// read_chart_manifest() parses `path`. On any problem it returns no charts and sets `notice` to
// one line saying why. Paths outside "charts/" or not ending in .png/.svg are rejected. When the
// manifest lists charts that failed to draw ("failed"), the others are returned and `notice` names
// the first failure and how many more there were.
std::vector<ChartInfo> read_chart_manifest(const std::string& path, std::string& notice);

struct ReportPage {
  std::vector<Results> results;
  const Results* baseline = nullptr;       // null without --baseline
  const Comparison* comparison = nullptr;  // null without --baseline
  std::vector<ChartInfo> charts;
  std::string notice;  // one line when charts are missing; empty otherwise
  // warnings: the results files differ in what makes their numbers comparable (host, CPU, build,
  // pinning; compare's pair_warnings against the first file), each once; shown above the tables.
  std::vector<std::string> warnings;
};

std::string render_index_html(const ReportPage& page);

}  // namespace ccb::reports
