// tests/reports/report_ratio_test.cpp — how the report shows ccbench's ratio to another
// implementation, in its tables and on its ratio chart (read back from the SVG, where matplotlib
// writes each text as a comment): coloured by the number shown (a ratio printed 1.00 is a tie), two
// significant digits below 0.1, an exponent from 1e4 on (common/ratio_text.hpp).
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_helper.hpp"
#include "reports/report_tables.hpp"
#include "reports/results_loader.hpp"

namespace ccb::reports {
namespace {

using test::data;
using test::run_cli;

// report_at_ratio() reports base.json with ccbench's pingpong cap=0 procs 1 samples set to Go's
// times `factor`, into a scratch directory named `name`, and returns that directory.
std::string report_at_ratio(const std::string& name, double factor) {
  const std::string dir = test::scratch_dir(name);
  nlohmann::json j = nlohmann::json::parse(test::read_text(data("base.json")));
  nlohmann::json go_samples;
  for (const auto& b : j["benchmarks"])
    if (b["name"] == "pingpong/cap=0/n=200000/procs:1/impl:go") go_samples = b["samples_ns"];
  for (auto& b : j["benchmarks"]) {
    if (b["name"] != "pingpong/cap=0/n=200000/procs:1/impl:ccbench") continue;
    b["samples_ns"] = nlohmann::json::array();
    for (const auto& x : go_samples) b["samples_ns"].push_back(x.get<double>() * factor);
  }
  std::ofstream(dir + "/r.json") << j.dump();
  const auto r = run_cli({"report", dir + "/r.json", "--out", dir + "/out"});
  EXPECT_EQ(r.code, 0) << r.err;
  return dir;
}

// Regression: the ccbench/go column coloured 1.004 red ("worse") while printing it as "1.00x"; a
// ratio that prints as 1.00x is now uncoloured, and 0.99x / 1.01x keep their colours.
TEST(ReportRatio, ARatioShownAsOneIsNeitherBetterNorWorse) {
  Results r = load_results(data("base.json"));
  const std::string ccb = "pingpong/cap=0/n=200000/procs:1/impl:ccbench", go = "pingpong/cap=0/n=200000/procs:1/impl:go";
  auto set = [&](double ccb_ns) {
    for (Point& p : r.benchmarks) {
      if (p.name == ccb) p.samples_ns = {ccb_ns};
      if (p.name == go) p.samples_ns = {100};
    }
    return html::workload_table({r}, "pingpong");
  };
  EXPECT_NE(set(100.4).find("<span class=\"tie\">1.00\u00d7</span>"), std::string::npos);
  EXPECT_NE(set(99.6).find("<span class=\"tie\">1.00\u00d7</span>"), std::string::npos);
  EXPECT_NE(set(101).find("<span class=\"worse\">1.01\u00d7</span>"), std::string::npos);
  EXPECT_NE(set(99).find("<span class=\"better\">0.99\u00d7</span>"), std::string::npos);
  // Regression (helper-80): a small ratio printed "0.00x", which read as "takes no time"; it keeps
  // two significant digits below 0.1, as `ccbench run`'s table does, and a huge one an exponent.
  EXPECT_NE(set(0.39).find("<span class=\"better\">0.0039\u00d7</span>"), std::string::npos) << set(0.39);
  EXPECT_NE(set(5).find("<span class=\"better\">0.05\u00d7</span>"), std::string::npos);
  EXPECT_NE(set(10).find("<span class=\"better\">0.10\u00d7</span>"), std::string::npos);
  EXPECT_NE(set(2e7).find("<span class=\"worse\">2.00e+05\u00d7</span>"), std::string::npos);
}

// The ratio chart follows the same rule: its bar for 1.004 is labelled "1.00x" and was red.
TEST(ReportRatio, ARatioChartBarShownAsOneIsGrey) {
  if (!test::has_matplotlib()) GTEST_SKIP() << "/usr/bin/python3 lacks matplotlib: charts not drawn";
  const std::string dir = report_at_ratio("tie-chart", 1.004);
  const std::string svg = test::read_text(dir + "/out/charts/ratio_ccbench_go.svg");
  EXPECT_NE(svg.find("fill: #9ca3af"), std::string::npos);  // the tie's bar (and its legend entry)
  EXPECT_NE(svg.find("<!-- tie (1.00\u00d7) -->"), std::string::npos);
  EXPECT_NE(svg.find("<!-- 1.00\u00d7 -->"), std::string::npos);
}

// Regression (helper-80): the ratio chart labelled a bar of 0.0039 "0.00x"; its labels follow the
// tables (two significant digits below 0.1).
TEST(ReportRatio, ARatioChartLabelsASmallRatioWithTwoSignificantDigits) {
  if (!test::has_matplotlib()) GTEST_SKIP() << "/usr/bin/python3 lacks matplotlib: charts not drawn";
  const std::string dir = report_at_ratio("small-ratio", 0.0039);
  const std::string svg = test::read_text(dir + "/out/charts/ratio_ccbench_go.svg");
  EXPECT_NE(svg.find("<!-- 0.0039\u00d7 -->"), std::string::npos);
  EXPECT_EQ(svg.find("<!-- 0.00\u00d7 -->"), std::string::npos);
  const std::string html = test::read_text(dir + "/out/index.html");
  EXPECT_NE(html.find(">0.0039\u00d7</span>"), std::string::npos);
  EXPECT_EQ(html.find(">0.00\u00d7</span>"), std::string::npos);
}

}  // namespace
}  // namespace ccb::reports
