// tests/reports/report_test.cpp — `ccbench report`: the directory holds index.html and every chart it
// references (PNG and SVG, non-empty); a missing Python or matplotlib still gives a page with a
// notice and exit 0; a baseline comparison lists newly failing points; bad input exits 2 and writes nothing; the page renders in headless Chromium;
// a file measured with CCB_CHAOS=1 is flagged in its context table. Hostile and mixed inputs are
// in report_input_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "cli_helper.hpp"
#include "reports/cli.hpp"
#include "reports/report_tables.hpp"
#include "reports/results_loader.hpp"

namespace ccb::reports {
namespace {

namespace fs = std::filesystem;
using test::data;
using test::run_cli;
using test::referenced_files;
using test::ScopedEnv;

void expect_self_contained(const std::string& html) {
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos);
}

// Regression: `report --baseline ""` silently wrote a report without a comparison (compare
// already rejected empty values).
// A file measured with CCB_CHAOS=1 (context.chaos) says so in its context table, as one measured
// with a CCB_INJECT_* test hook does.
TEST(ReportTest, ContextTableFlagsAFileMeasuredWithChaos) {
  Results r = load_results(data("base.json"));
  EXPECT_EQ(html::context_table(r).find("CCB_CHAOS"), std::string::npos);
  r.context.chaos = true;
  EXPECT_NE(html::context_table(r).find("CCB_CHAOS=1 was set: the runtime's fault injection perturbed these numbers"),
            std::string::npos);
}

// A resumed run's file (context.resumed) says which points it took from where.
TEST(ReportTest, ContextTableSaysTheRunWasResumed) {
  Results r = load_results(data("base.json"));
  EXPECT_EQ(html::context_table(r).find("resumed"), std::string::npos);
  r.context.resumed = "12 points from <a>.json, whose run started 2026-12-06T20:49:10+00:00";
  EXPECT_NE(html::context_table(r).find("took 12 points from &lt;a&gt;.json, whose run started "
                                        "2026-12-06T20:49:10+00:00 (run --resume); it measured the others"),
            std::string::npos) << html::context_table(r);
}

// An interrupted run says what stopped it; the hang watchdog's stop (signal "hang") is named as
// such (helper-80: it read "the run was stopped by hang after 1 of 2 points").
TEST(ReportTest, ContextTableSaysWhatStoppedAnInterruptedRun) {
  Results r = load_results(data("base.json"));
  r.context.interrupted = "SIGINT after 3 of 8 points";
  EXPECT_NE(html::context_table(r).find("the run was stopped by SIGINT after 3 of 8 points: only those points are here"),
            std::string::npos) << html::context_table(r);
  r.context.interrupted = "hang after 1 of 2 points";
  EXPECT_NE(html::context_table(r).find("the run was stopped by the hang watchdog (CCB_RUN_TIMEOUT) after 1 of 2 "
                                        "points: only those points are here"),
            std::string::npos) << html::context_table(r);
}

// The Go row names the ccbench-go file the Go points ran (context.go_binary), when recorded.
TEST(ReportTest, ContextTableNamesTheGoBinary) {
  Results r = load_results(data("base.json"));
  EXPECT_EQ(html::context_table(r).find("ccbench-go"), std::string::npos);
  r.context.go_binary = Context::Program{"/b/go/bin/ccbench-go", 3011299, 1, std::nullopt};
  EXPECT_NE(html::context_table(r).find("go version go1.19.8 linux/amd64 \u00b7 <code>/b/go/bin/ccbench-go</code>"),
            std::string::npos) << html::context_table(r);
}

// Regression (audit): the workload tables never read a point's notes, so a threads row read
// "n=100000" though threads ran n=20000 ("threads runs this point at n=20000, its capped sizes"),
// and a point timed below --min-time looked as trustworthy as any. A point with notes now has
// markers after its parameters, and the notes (each text once) are listed under the table.
TEST(ReportTest, WorkloadTablesMarkPointsWithNotesAndListTheNotes) {
  Results r = load_results(data("base.json"));
  const std::string capped = "threads runs this point at n=20000, its capped sizes";
  const std::string short_reps = "shortest repetition took 0.01 s, under --min-time 0.05 s: timings may be noisy";
  for (Point& p : r.benchmarks) {
    if (p.name == "spawn/n=100000/procs:1/impl:threads") p.notes = {capped, short_reps};
    if (p.name == "spawn/n=100000/procs:2/impl:threads") p.notes = {capped};
  }
  const std::string t = html::workload_table({r}, "spawn");
  EXPECT_NE(t.find("<td>n=100000 <sup class=\"note\">[1][2]</sup></td>"), std::string::npos) << t;
  EXPECT_NE(t.find("<td>n=100000 <sup class=\"note\">[1]</sup></td>"), std::string::npos) << t;
  EXPECT_NE(t.find("<ul class=\"notes\">\n<li>[1] " + capped + "</li>\n<li>[2] " + short_reps + "</li>\n</ul>\n"),
            std::string::npos) << t;
  EXPECT_EQ(html::workload_table({r}, "pingpong").find("class=\"note"), std::string::npos);  // no notes, no list
}

TEST(ReportTest, AnEmptyBaselineOrOutIsAUsageError) {
  const std::string dir = test::scratch_dir("empty");
  auto r = run_cli({"report", data("base.json"), "--out", dir, "--baseline", ""});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--baseline: empty value"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/index.html"));
  r = run_cli({"report", data("base.json"), "--out", ""});
  EXPECT_EQ(r.code, 2);
  // --out is required: "leave the option out" would be wrong advice
  EXPECT_EQ(r.err, "ccbench report: --out: empty value; give a DIR\n") << r.err;
  // a file where the directory should go: named as such, not "cannot create FILE/charts"
  const std::string file = dir + "/results.json";
  std::ofstream(file) << "{}";
  r = run_cli({"report", data("base.json"), "--out", file});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--out " + file + ": is a file, not a directory"), std::string::npos) << r.err;
  EXPECT_EQ(test::read_text(file), "{}");
  // Regression (helper-80): one file given twice listed every row twice without a word
  std::filesystem::create_directories(dir + "/sub");
  std::filesystem::copy_file(data("base.json"), dir + "/sub/r.json");
  r = run_cli({"report", dir + "/sub/r.json", dir + "/sub/../sub/r.json", "--out", dir + "/twice"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "ccbench report: " + dir + "/sub/../sub/r.json is " + dir + "/sub/r.json again: give each results "
                   "file once\n");
  EXPECT_FALSE(std::filesystem::exists(dir + "/twice"));
  // Regression: "-" made a directory named "-" (every other --out refuses it)
  r = run_cli({"report", data("base.json"), "--out", "-"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--out -: '-' is not standard output here: the report is a directory"), std::string::npos)
      << r.err;
  // a directory that cannot be made names the option (it said "cannot create /proc/x/charts: ...")
  r = run_cli({"report", data("base.json"), "--out", "/proc/ccb-no-such-dir"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.rfind("ccbench report: --out /proc/ccb-no-such-dir: cannot create the report's directory "
                        "/proc/ccb-no-such-dir/charts: ", 0),
            0u) << r.err;
}

TEST(ReportTest, WritesIndexAndEveryReferencedChart) {
  const std::string dir = test::scratch_dir("report");
  const auto r = run_cli({"report", data("base.json"), "--out", dir});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, dir + "/index.html\n");
  const std::string html = test::read_text(dir + "/index.html");
  ASSERT_FALSE(html.empty());
  expect_self_contained(html);
  EXPECT_NE(html.find("bench-a"), std::string::npos);  // machine context
  EXPECT_NE(html.find("AMD EPYC 7B13"), std::string::npos);
  EXPECT_NE(html.find("id=\"wl-pingpong\""), std::string::npos);  // summary tables per workload
  EXPECT_NE(html.find("not_applicable"), std::string::npos);
  if (!test::has_matplotlib()) GTEST_SKIP() << "/usr/bin/python3 lacks matplotlib: chart files not checked";
  EXPECT_EQ(html.find("charts not drawn"), std::string::npos) << r.err;
  const std::set<std::string> refs = referenced_files(html);
  std::size_t png = 0, svg = 0;
  for (const std::string& ref : refs) {
    const fs::path p = fs::path(dir) / ref;
    ASSERT_TRUE(fs::exists(p)) << ref;
    EXPECT_GT(fs::file_size(p), 1000u) << ref;
    png += p.extension() == ".png";
    svg += p.extension() == ".svg";
  }
  // 5 scaling charts (pingpong, fanin, counter, spawn, skynet) + ratio + counter modes + spawn.
  EXPECT_EQ(png, 8u);
  EXPECT_EQ(svg, 8u);
  for (const char* id : {"scaling_pingpong", "ratio_ccbench_go", "counter_modes", "spawn"}) {
    EXPECT_TRUE(refs.count(std::string("charts/") + id + ".png")) << id;
  }
}

TEST(ReportTest, BaselineAddsComparisonAndChangeChart) {
  const std::string dir = test::scratch_dir("baseline");
  const auto r = run_cli({"report", data("candidate.json"), "--out", dir, "--baseline", data("base.json")});
  ASSERT_EQ(r.code, 0) << r.err;  // a failed gate does not fail the report
  const std::string html = test::read_text(dir + "/index.html");
  EXPECT_NE(html.find("Comparison with baseline"), std::string::npos);
  EXPECT_NE(html.find("8 regressed, 6 improved"), std::string::npos);
  EXPECT_NE(html.find("class=\"v-regressed\""), std::string::npos);
  // The report never confirms (no re-runs): the page says its verdicts are first verdicts.
  EXPECT_NE(html.find("First verdicts, not confirmed:</b> as <code>ccbench compare --confirm 0</code>"),
            std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(test::read_text(dir + "/compare.json"))["options"]["confirm_rounds"], 0);
  EXPECT_TRUE(fs::file_size(dir + "/compare.json") > 0);
  if (!test::has_matplotlib()) GTEST_SKIP() << "/usr/bin/python3 lacks matplotlib: change chart not checked";
  EXPECT_TRUE(referenced_files(html).count("charts/change_vs_baseline.svg"));
  EXPECT_GT(fs::file_size(dir + "/charts/change_vs_baseline.png"), 1000u);
  // Regression: the caption is not %-formatted, and read "Bars: %% change of the median".
  EXPECT_NE(html.find("Bars: % change of the median;"), std::string::npos);
  EXPECT_EQ(html.find("%%"), std::string::npos);
}

// Regression: with several results files holding the same points, the baseline comparison used
// the first file's and left the others out without a word.
TEST(ReportTest, BaselineWarnsWhenLaterFilesRepeatPoints) {
  ScopedEnv env("CCB_REPORT_PYTHON", "/nonexistent/python3");  // tables only: charts are not the point here
  const std::string dir = test::scratch_dir("repeat");
  auto r = run_cli({"report", data("candidate.json"), data("slower20.json"), "--out", dir, "--baseline", data("base.json")});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string warning = "50 point(s) of later results files are also in an earlier one; the comparison uses "
                              "the first file that has each point";
  EXPECT_NE(test::read_text(dir + "/index.html").find("<li>" + warning + "</li>"), std::string::npos);
  const nlohmann::json c = nlohmann::json::parse(test::read_text(dir + "/compare.json"));
  EXPECT_NE(std::find(c["warnings"].begin(), c["warnings"].end(), warning), c["warnings"].end()) << c["warnings"];
  EXPECT_NE(r.err.find("ccbench report: warning: " + warning + "\n"), std::string::npos) << r.err;  // was page-only
  r = run_cli({"report", data("candidate.json"), "--out", dir, "--baseline", data("base.json")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(test::read_text(dir + "/compare.json").find("later results files"), std::string::npos);
}

TEST(ReportTest, HelpSaysTheBaselineComparisonHasNoConfirmation) {
  CLI::App app{"ccbench"};
  add_commands(app);
  const std::string help = app.get_subcommand("report")->help();
  // It used to say "as `ccbench compare` with default options", whose default is --confirm auto.
  EXPECT_EQ(help.find("with default options)"), std::string::npos) << help;
  EXPECT_NE(help.find("`ccbench compare BASE.json RESULTS.json --confirm 0`"), std::string::npos) << help;
  EXPECT_NE(help.find("Report never re-runs anything to confirm a regression"), std::string::npos) << help;
  EXPECT_NE(help.find("no confirmation re-runs"), std::string::npos) << help;
  // It was "a self-contained HTML report", but the charts are files beside index.html (review 74).
  EXPECT_NE(help.find("HTML report (index.html + charts/) that loads nothing"), std::string::npos) << help;
}

// Regression: `report new.json --baseline base.json --out rs` then `report new.json --out rs` left
// rs/compare.json of the first run beside a page without a comparison.
TEST(ReportTest, ReportWithoutBaselineRemovesAStaleCompareJson) {
  ScopedEnv env("CCB_REPORT_PYTHON", "/nonexistent/python3");  // tables only: charts are not the point here
  const std::string dir = test::scratch_dir("stale") + "/rs";
  auto r = run_cli({"report", data("candidate.json"), "--out", dir, "--baseline", data("base.json")});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_TRUE(fs::exists(dir + "/compare.json"));
  r = run_cli({"report", data("candidate.json"), "--out", dir});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(fs::exists(dir + "/compare.json"));
  EXPECT_EQ(test::read_text(dir + "/index.html").find("Comparison with baseline"), std::string::npos);
  r = run_cli({"report", data("candidate.json"), "--out", dir, "--baseline", data("base.json")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_GT(fs::file_size(dir + "/compare.json"), 0u);  // and a new baseline writes it again
}

// Regression: `ccbench compare --format json --out rs/compare.json` then `report … --out rs`
// (no --baseline) deleted the user's compare.json, taking it for an earlier report's.
TEST(ReportTest, ReportWithoutBaselineKeepsACompareJsonItDidNotWrite) {
  ScopedEnv env("CCB_REPORT_PYTHON", "/nonexistent/python3");  // tables only: charts are not the point here
  const std::string dir = test::scratch_dir("users_compare") + "/rs";
  fs::create_directories(dir);
  auto r = run_cli({"compare", data("base.json"), data("candidate.json"), "--confirm", "0", "--format", "json",
                    "--out", dir + "/compare.json"});
  ASSERT_TRUE(r.code == 0 || r.code == 1) << r.err;
  const std::string mine = test::read_text(dir + "/compare.json");
  EXPECT_EQ(nlohmann::json::parse(mine).count("written_by"), 0u);
  r = run_cli({"report", data("candidate.json"), "--out", dir});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_TRUE(fs::exists(dir + "/compare.json"));
  EXPECT_EQ(test::read_text(dir + "/compare.json"), mine);
  // Report's own carries the mark, and the next report without --baseline removes it.
  r = run_cli({"report", data("candidate.json"), "--out", dir, "--baseline", data("base.json")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(test::read_text(dir + "/compare.json"))["written_by"], "ccbench report");
  r = run_cli({"report", data("candidate.json"), "--out", dir});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(fs::exists(dir + "/compare.json"));
}

// Found by an audit: the workload tables had a "ccbench / go" column only (all dashes for a run of
// ccbench and threads, though `run` prints ccbench/threads) and never showed a point's `extra`
// metrics (spawn's rss_per_task_bytes). Each implementation measured gets its ratio column.
TEST(ReportTest, WorkloadTablesHaveARatioColumnPerImplementationAndTheExtraMetrics) {
  ScopedEnv env("CCB_REPORT_PYTHON", "/nonexistent/python3");  // tables only
  const std::string dir = test::scratch_dir("ratios");
  nlohmann::json j = nlohmann::json::parse(test::read_text(data("base.json")));
  for (auto& b : j["benchmarks"])
    if (b["name"].get<std::string>().rfind("spawn/", 0) == 0 && b["name"].get<std::string>().find("impl:ccbench") !=
                                                                      std::string::npos)
      b["extra"] = {{"rss_per_task_bytes", 4159}, {"switch_ns", nullptr}};
  std::ofstream(dir + "/r.json") << j.dump();
  ASSERT_EQ(run_cli({"report", dir + "/r.json", "--out", dir + "/report"}).code, 0);
  const std::string html = test::read_text(dir + "/report/index.html");
  auto section = [&](const std::string& w) {
    const std::size_t at = html.find("id=\"wl-" + w + "\"");
    return at == std::string::npos ? std::string() : html.substr(at, html.find("id=\"wl-", at + 1) - at);
  };
  const std::string counter = section("counter"), pingpong = section("pingpong"), spawn = section("spawn");
  EXPECT_NE(counter.find("<th class=\"num\">ccbench / go</th><th class=\"num\">ccbench / threads</th>"),
            std::string::npos) << counter;
  // mode=mutex procs 1: medians 15.30 (ccbench), 16.41 (go), 28.70 ns (threads)
  const std::size_t row = counter.find("<td>k=200000, mode=mutex, tasks=5</td><td class=\"num\">1</td><td>ccbench</td>");
  ASSERT_NE(row, std::string::npos) << counter;
  const std::string cells = counter.substr(row, counter.find("</tr>", row) - row);
  EXPECT_NE(cells.find(">0.93\u00d7</span></td><td class=\"num\"><span class=\"better\">0.53\u00d7</span>"),
            std::string::npos) << cells;
  EXPECT_NE(pingpong.find("ccbench / go"), std::string::npos);
  EXPECT_EQ(pingpong.find("ccbench / threads"), std::string::npos) << "pingpong has no threads points here";
  EXPECT_EQ(pingpong.find("workload metrics"), std::string::npos);
  EXPECT_NE(spawn.find("<th class=\"num\">workload metrics</th>"), std::string::npos);
  EXPECT_NE(spawn.find("rss_per_task_bytes 4159<br>switch_ns \u2013"), std::string::npos) << spawn;
}

// Found by an audit: a results file with no points made an empty report with exit 0 and no word.
TEST(ReportTest, AFileWithoutPointsIsNamedInAWarning) {
  ScopedEnv env("CCB_REPORT_PYTHON", "/nonexistent/python3");  // tables only
  const std::string dir = test::scratch_dir("empty");
  nlohmann::json j = nlohmann::json::parse(test::read_text(data("base.json")));
  j["benchmarks"] = nlohmann::json::array();
  std::ofstream(dir + "/empty.json") << j.dump();
  const auto r = run_cli({"report", dir + "/empty.json", "--out", dir + "/report"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("ccbench report: warning: " + dir + "/empty.json has no points (nothing was measured)"),
            std::string::npos) << r.err;
  const auto full = run_cli({"report", data("base.json"), "--out", dir + "/full"});
  EXPECT_EQ(full.err.find("has no points"), std::string::npos) << full.err;
}

TEST(ReportTest, BaselineListsNewlyFailingPointsAndTheFailedGate) {
  ScopedEnv env("CCB_REPORT_PYTHON", "/nonexistent/python3");  // tables only: charts are not the point here
  const std::string dir = test::scratch_dir("newly");
  const std::string name = "pingpong/cap=0/n=200000/procs:1/impl:ccbench";
  nlohmann::json j = nlohmann::json::parse(test::read_text(data("candidate.json")));
  for (auto& b : j["benchmarks"]) {
    if (b["name"] != name) continue;
    b["status"] = "failed";
    b["checked"] = false;
    b["error"] = "self-check failed: lost a message";
  }
  std::ofstream(dir + "/new.json") << j.dump();
  const auto r = run_cli({"report", dir + "/new.json", "--out", dir + "/report", "--baseline", data("base.json")});
  ASSERT_EQ(r.code, 0) << r.err;  // a failed gate does not fail the report
  const std::string html = test::read_text(dir + "/report/index.html");
  EXPECT_NE(html.find("newly failing: status &quot;ok&quot; in base, &quot;failed&quot; in new (1)"), std::string::npos);
  EXPECT_NE(html.find("<code>" + name + ": new status failed: self-check failed: lost a message</code>"),
            std::string::npos);
  EXPECT_NE(html.find("<b>failed</b> \u2014 1 point(s) newly failing"), std::string::npos);
  const nlohmann::json c = nlohmann::json::parse(test::read_text(dir + "/report/compare.json"));
  ASSERT_EQ(c["newly_failing"].size(), 1u);
  EXPECT_EQ(c["newly_failing"][0]["name"], name);
  EXPECT_EQ(c["gate"]["failed"], true);
}

// ScopedCwd changes the working directory for one test.
class ScopedCwd {
 public:
  explicit ScopedCwd(const fs::path& dir) : old_(fs::current_path()) { fs::current_path(dir); }
  ~ScopedCwd() { fs::current_path(old_); }

 private:
  fs::path old_;
};

// Regression: `report --out rdash -- -h.json` gave "charts not drawn: charts.py failed with exit
// status 2: … argument --results: expected at least one argument": the file name reached
// charts.py's argparse as an option. A workload name with '/' made charts.py fail with
// FileNotFoundError (the chart file name was built from it). Both now draw every chart.
TEST(ReportTest, FileNamesLikeOptionsAndWorkloadNamesWithSlashesGetCharts) {
  if (!test::has_matplotlib()) GTEST_SKIP() << "/usr/bin/python3 lacks matplotlib: charts not drawn";
  const std::string dir = test::scratch_dir("odd-names");
  nlohmann::json j = nlohmann::json::parse(test::read_text(data("base.json")));
  for (auto& b : j["benchmarks"]) {
    if (b["workload"] == "pingpong") b["workload"] = "ping/pong";
    if (b["workload"] == "fanin") b["workload"] = "ping_pong";  // sanitises to the same id: must not clash
  }
  std::ofstream(dir + "/-h.json") << j.dump();
  ScopedCwd cwd(dir);
  const auto r = run_cli({"report", "--out", "-rdash", "--baseline", data("base.json"), "--", "-h.json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err.find("charts not drawn"), std::string::npos) << r.err;
  const std::string html = test::read_text(dir + "/-rdash/index.html");
  const std::set<std::string> refs = referenced_files(html);
  std::size_t png = 0;
  for (const std::string& ref : refs) {
    EXPECT_EQ(ref.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", 7),
              ref.size() - 4) << ref;  // "charts/" + [A-Za-z0-9_-]+ + ".png"/".svg"
    EXPECT_GT(fs::file_size(fs::path(dir) / "-rdash" / ref), 1000u) << ref;
    png += fs::path(ref).extension() == ".png";
  }
  EXPECT_EQ(png, 9u);  // as WritesIndexAndEveryReferencedChart, plus the change chart
  EXPECT_TRUE(refs.count("charts/scaling_ping_pong.svg"));
  EXPECT_TRUE(refs.count("charts/scaling_ping_pong_2.svg"));
  EXPECT_TRUE(refs.count("charts/change_vs_baseline.svg"));
}

// Regression: a parameter value holding "$…$" ("$\foo$") was parsed by matplotlib as math text and
// failed every chart ("charts not drawn: charts.py failed with exit status 1: … Unknown symbol").
TEST(ReportTest, DollarSignsInNamesAreDrawnAsPlainText) {
  if (!test::has_matplotlib()) GTEST_SKIP() << "/usr/bin/python3 lacks matplotlib: charts not drawn";
  const std::string dir = test::scratch_dir("dollar");
  nlohmann::json j = nlohmann::json::parse(test::read_text(data("base.json")));
  for (auto& b : j["benchmarks"]) {
    if (b["workload"] == "pingpong") b["params"]["cap"] = "$\\foo$ x";
  }
  std::ofstream(dir + "/dollar.json") << j.dump();
  const auto r = run_cli({"report", dir + "/dollar.json", "--out", dir + "/out"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err.find("charts not drawn"), std::string::npos) << r.err;
  EXPECT_GT(fs::file_size(dir + "/out/charts/scaling_pingpong.svg"), 1000u);
  EXPECT_NE(test::read_text(dir + "/out/charts/scaling_pingpong.svg").find("cap=$\\foo$ x"), std::string::npos);
}

// Regression: a ccbench point whose samples are all 0 ns (SCHEMA.md allows 0) made the ratio chart
// divide by zero, and charts.py failed: "charts not drawn: … ZeroDivisionError", no chart at all.
TEST(ReportTest, AZeroMedianLeavesThePointOutOfTheRatioChartOnly) {
  if (!test::has_matplotlib()) GTEST_SKIP() << "/usr/bin/python3 lacks matplotlib: charts not drawn";
  const std::string dir = test::scratch_dir("zero");
  nlohmann::json j = nlohmann::json::parse(test::read_text(data("base.json")));
  for (auto& b : j["benchmarks"]) {
    if (b["name"] == "pingpong/cap=0/n=200000/procs:1/impl:ccbench") b["samples_ns"] = {0, 0, 0, 0, 0};
  }
  std::ofstream(dir + "/zero.json") << j.dump();
  const auto r = run_cli({"report", dir + "/zero.json", "--out", dir + "/out"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err.find("charts not drawn"), std::string::npos) << r.err;
  const std::string ratio = test::read_text(dir + "/out/charts/ratio_ccbench_go.svg");
  EXPECT_EQ(ratio.find("<!-- pingpong  cap=0, n=200000  procs=1 -->"), std::string::npos);
  EXPECT_NE(ratio.find("<!-- pingpong  cap=0, n=200000  procs=2 -->"), std::string::npos);
}

// Regression: charts told files apart by their base name, so `report base/results.json
// new/results.json` drew both files' points as one line per implementation ("ccbench (results)",
// zigzagging between them) and kept only the second file's bars in the ratio chart.
TEST(ReportTest, FilesWithTheSameNameInTwoDirectoriesGetTheirOwnSeries) {
  if (!test::has_matplotlib()) GTEST_SKIP() << "/usr/bin/python3 lacks matplotlib: charts not drawn";
  const std::string dir = test::scratch_dir("same-name");
  fs::create_directories(dir + "/base");
  fs::create_directories(dir + "/new");
  fs::copy_file(data("base.json"), dir + "/base/results.json");
  fs::copy_file(data("slower20.json"), dir + "/new/results.json");
  const auto r = run_cli({"report", dir + "/base/results.json", dir + "/new/results.json", "--out", dir + "/out"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err.find("charts not drawn"), std::string::npos) << r.err;
  const std::string scaling = test::read_text(dir + "/out/charts/scaling_pingpong.svg");
  EXPECT_NE(scaling.find("<!-- ccbench (base/results) -->"), std::string::npos);
  EXPECT_NE(scaling.find("<!-- ccbench (new/results) -->"), std::string::npos);
  const std::string ratio = test::read_text(dir + "/out/charts/ratio_ccbench_go.svg");
  EXPECT_NE(ratio.find("<!-- pingpong  cap=0, n=200000  procs=1  (base/results) -->"), std::string::npos);
  EXPECT_NE(ratio.find("<!-- pingpong  cap=0, n=200000  procs=1  (new/results) -->"), std::string::npos);
}

// Regression: one chart that matplotlib cannot draw (a 9000-character parameter value makes an
// image wider than 2^16 pixels) ended charts.py, and the report had no chart at all. Now only that
// chart is missing, and the notice says which.
TEST(ReportTest, OneChartThatFailsCostsOnlyThatChart) {
  if (!test::has_matplotlib()) GTEST_SKIP() << "/usr/bin/python3 lacks matplotlib: charts not drawn";
  const std::string dir = test::scratch_dir("one-fails");
  nlohmann::json j = nlohmann::json::parse(test::read_text(data("base.json")));
  for (auto& b : j["benchmarks"]) {
    // ccbench only: the go points keep their size, so no ratio bar carries the long label
    if (b["workload"] == "skynet" && b["impl"] == "ccbench") b["params"]["size"] = std::string(9000, 'y');
  }
  std::ofstream(dir + "/long.json") << j.dump();
  const auto r = run_cli({"report", dir + "/long.json", "--out", dir + "/out"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("ccbench report: some charts not drawn: scaling chart of skynet: ValueError: Image size of"),
            std::string::npos) << r.err;
  const std::string html = test::read_text(dir + "/out/index.html");
  EXPECT_NE(html.find("<div class=\"notice\">some charts not drawn: scaling chart of skynet"), std::string::npos);
  const std::set<std::string> refs = referenced_files(html);
  EXPECT_FALSE(refs.count("charts/scaling_skynet.svg"));
  for (const char* id : {"scaling_pingpong", "scaling_fanin", "ratio_ccbench_go", "counter_modes", "spawn"}) {
    EXPECT_TRUE(refs.count(std::string("charts/") + id + ".svg")) << id;
  }
  // Without cross-workload charts, the overview does not call every chart unavailable: some are drawn.
  nlohmann::json few = j;
  few["benchmarks"] = nlohmann::json::array();
  for (const auto& b : j["benchmarks"])
    if (b["impl"] == "ccbench" && (b["workload"] == "skynet" || b["workload"] == "pingpong")) few["benchmarks"].push_back(b);
  std::ofstream(dir + "/few.json") << few.dump();
  ASSERT_EQ(run_cli({"report", dir + "/few.json", "--out", dir + "/few"}).code, 0);
  const std::string page = test::read_text(dir + "/few/index.html");
  EXPECT_TRUE(referenced_files(page).count("charts/scaling_pingpong.svg"));
  EXPECT_EQ(page.find("Charts are unavailable"), std::string::npos);
  EXPECT_NE(page.find("No cross-workload chart was drawn; see the notice above."), std::string::npos);
}

TEST(ReportTest, MissingPythonStillWritesTablesWithANotice) {
  ScopedEnv env("CCB_REPORT_PYTHON", "/nonexistent/python3");
  const std::string dir = test::scratch_dir("nopython");
  const auto r = run_cli({"report", data("base.json"), "--out", dir});
  EXPECT_EQ(r.code, 0);
  const std::string html = test::read_text(dir + "/index.html");
  // the interpreter named by CCB_REPORT_PYTHON is wrong: installing matplotlib would not help
  EXPECT_NE(html.find("charts not drawn: CCB_REPORT_PYTHON=/nonexistent/python3: not found; tables only"),
            std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("install"), std::string::npos) << r.err;
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("id=\"wl-counter\""), std::string::npos);
  // one that fails silently is named, and the silence said ("...exit status 1: " ended the line)
  ScopedEnv silent("CCB_REPORT_PYTHON", "/bin/false");
  const auto f = run_cli({"report", data("base.json"), "--out", dir + "/false"});
  EXPECT_EQ(f.code, 0);
  EXPECT_NE(f.err.find("charts not drawn: charts.py run by /bin/false (CCB_REPORT_PYTHON) failed with exit status 1 "
                       "and printed nothing"),
            std::string::npos) << f.err;
}

// Regression: CCB_REPORT_PYTHON=python3 (a name, not a path) was taken relative to the working
// directory: "charts not drawn: python3 not found (install python3-matplotlib)" with python3
// installed. A bare name is now looked up in PATH.
TEST(ReportTest, ABareInterpreterNameIsLookedUpInPath) {
  if (!test::has_matplotlib()) GTEST_SKIP() << "/usr/bin/python3 lacks matplotlib: charts not drawn";
  const std::string dir = test::scratch_dir("bare-python");
  fs::create_directories(dir + "/bin");
  fs::create_symlink("/usr/bin/python3", dir + "/bin/ccb-test-python");
  const char* old_path = std::getenv("PATH");
  const std::string saved = old_path != nullptr ? old_path : "";
  ::setenv("PATH", ("/nonexistent-dir::" + dir + "/bin:" + saved).c_str(), 1);
  ScopedEnv env("CCB_REPORT_PYTHON", "ccb-test-python");
  const auto r = run_cli({"report", data("base.json"), "--out", dir + "/out"});
  ::setenv("PATH", saved.c_str(), 1);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err.find("charts not drawn"), std::string::npos) << r.err;
  EXPECT_GT(fs::file_size(dir + "/out/charts/scaling_pingpong.svg"), 1000u);
  ScopedEnv missing("CCB_REPORT_PYTHON", "ccb-no-such-python");
  const auto m = run_cli({"report", data("base.json"), "--out", dir + "/out2"});
  EXPECT_EQ(m.code, 0) << m.err;
  EXPECT_NE(m.err.find("charts not drawn: CCB_REPORT_PYTHON=ccb-no-such-python: not found in PATH; tables only"),
            std::string::npos) << m.err;
}

TEST(ReportTest, MissingMatplotlibStillWritesTablesWithANotice) {
  const std::string dir = test::scratch_dir("nompl");
  // An interpreter that hides matplotlib: charts.py then exits 3.
  const std::string fake = dir + "/python-without-matplotlib";
  std::ofstream(fake) << "#!/bin/sh\nshift\nexec /usr/bin/python3 -c 'import sys; sys.modules[\"matplotlib\"] = None; "
                         "exec(compile(sys.stdin.read(), \"charts.py\", \"exec\"))' \"$@\"\n";
  fs::permissions(fake, fs::perms::owner_all);
  if (!fs::exists("/usr/bin/python3")) GTEST_SKIP() << "/usr/bin/python3 is absent";
  ScopedEnv env("CCB_REPORT_PYTHON", fake);
  const auto r = run_cli({"report", data("base.json"), "--out", dir + "/out"});
  EXPECT_EQ(r.code, 0) << r.err;
  const std::string html = test::read_text(dir + "/out/index.html");
  EXPECT_NE(html.find("charts not drawn: matplotlib is not available"), std::string::npos) << r.err;
  EXPECT_EQ(html.find("<img"), std::string::npos);
}

TEST(ReportTest, BadInputExitsTwoAndWritesNothing) {
  const std::string dir = test::scratch_dir("bad") + "/out";
  const auto r = run_cli({"report", data("base.json"), data("bad/wrong_type.json"), "--out", dir});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("wrong_type.json: benchmarks[3].samples_ns[2]: expected a number"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir));
  const auto b = run_cli({"report", data("base.json"), "--out", dir, "--baseline", data("bad/schema_v2.json")});
  EXPECT_EQ(b.code, 2);
  EXPECT_NE(b.err.find("context.schema_version: unsupported schema version 2"), std::string::npos);
  EXPECT_EQ(run_cli({"report", "--out", dir}).code, 2);  // no results files
}

TEST(ReportTest, RendersInHeadlessChromium) {
  if (!fs::exists("/usr/bin/chromium")) {
    GTEST_SKIP() << "/usr/bin/chromium is not installed (apt-get install -y chromium) — browser check skipped";
  }
  const std::string dir = test::scratch_dir("chromium");
  const auto r = run_cli({"report", data("candidate.json"), "--out", dir + "/report", "--baseline", data("base.json")});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string shot = dir + "/screenshot.png";
  std::string log;
  const int rc = test::shell(
      "timeout 180 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-background-networking "
      "--disable-component-update --no-first-run --disable-sync --user-data-dir=" + dir + "/profile "
      "--enable-logging=stderr --v=0 --screenshot=" + shot + " --window-size=1200,900 file://" + dir +
      "/report/index.html", log);
  ASSERT_EQ(rc, 0) << log;
  // Console errors, failed loads and CSP violations are logged by Chromium as CONSOLE lines.
  EXPECT_EQ(log.find("Failed to load resource"), std::string::npos) << log;
  EXPECT_EQ(log.find("Refused to"), std::string::npos) << log;
  EXPECT_EQ(log.find(":ERROR:CONSOLE"), std::string::npos) << log;
  ASSERT_TRUE(fs::exists(shot)) << log;
  EXPECT_GT(fs::file_size(shot), 20000u);  // a blank 1200x900 PNG is a few kB
  if (test::has_matplotlib()) {
    std::string stats;
    ASSERT_EQ(test::shell("/usr/bin/python3 -c 'import sys, matplotlib.image as m; a = m.imread(sys.argv[1]); "
                          "print(a.shape[1], a.shape[0], float(a[..., :3].std()))' " + shot, stats), 0) << stats;
    int w = 0, h = 0;
    double stddev = 0;
    std::istringstream(stats) >> w >> h >> stddev;
    EXPECT_EQ(w, 1200);
    EXPECT_EQ(h, 900);
    EXPECT_GT(stddev, 0.05) << "screenshot looks blank: pixel stddev " << stddev;
  }
}

}  // namespace
}  // namespace ccb::reports
