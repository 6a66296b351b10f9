// reports/report_tables.hpp — the HTML tables of the report page (internal to report_html.cpp).
// Guarantees: each function returns an HTML fragment with every input string escaped; numbers are
// formatted by format_util (never "nan"/"inf"); missing values render as an en dash.
#pragma once

#include <string>
#include <vector>

#include "reports/compare.hpp"
#include "reports/results.hpp"

namespace ccb::reports::html {

// context_table() is the machine and build context of one results file, plus its warnings.
std::string context_table(const Results& r);

// workload_table() lists every point of `workload` across all files: parameters, procs, impl,
// median, throughput, CV, range, samples, ccbench's ratio to go and to threads where both ran in
// one file (green below 1.00x, red above, uncoloured when it prints as 1.00x), and status. A ratio
// column is there only when one of its cells can hold a ratio; else a line under the table says
// why there is none (ccbench and that implementation in different files). A point with notes (e.g. threads ran
// it at its capped sizes) has numbered markers after its parameters, and the notes, each distinct
// text once, are listed under the table.
std::string workload_table(const std::vector<Results>& results, const std::string& workload);

// latency_table() lists the latency percentiles of `workload`'s points that have them ("" when none).
std::string latency_table(const std::vector<Results>& results, const std::string& workload);

// comparison_summary() is the summary line, gate outcome, method and warnings of a comparison.
std::string comparison_summary(const Comparison& c);
// comparison_table() is the per-point verdict table and the unmatched / not-compared lists.
std::string comparison_table(const Comparison& c);

}  // namespace ccb::reports::html
