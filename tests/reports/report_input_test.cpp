// tests/reports/report_input_test.cpp — `ccbench report` fed hostile or mixed inputs (session 42's
// reports audit): a UTF-8 byte order mark, control characters and non-UTF-8 bytes in results files
// and file names, workload names that would break the page's links, a chart drawer whose output
// quotes such text, and files from different machines. The page stays valid UTF-8 with no control
// characters, every link works, and what the reader should know is said. The charts drawn from
// such text are well-formed SVG, and a non-UTF-8 file name costs no chart.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_helper.hpp"

namespace ccb::reports {
namespace {

namespace fs = std::filesystem;
using test::data;
using test::run_cli;
using test::referenced_files;
using test::ScopedEnv;

// Regression (hostile-input audit): `ccbench report bom.json --out dir`, bom.json a results file
// saved with a UTF-8 byte order mark, exited 0 but drew no chart: charts.py printed a traceback
// (json.decoder.JSONDecodeError: Unexpected UTF-8 BOM), while compare accepted the same file. Both
// accept it now; and a file charts.py cannot read (run by hand: nothing validated it) is one line
// on stderr and exit status 2, never a traceback.
TEST(ReportTest, AByteOrderMarkIsAcceptedByTheChartsAsByCompare) {
  if (!test::has_matplotlib()) GTEST_SKIP() << "/usr/bin/python3 lacks matplotlib: charts not drawn";
  const std::string dir = test::scratch_dir("bom");
  std::ofstream(dir + "/bom.json") << "\xEF\xBB\xBF" << test::read_text(data("base.json"));
  EXPECT_EQ(run_cli({"compare", data("base.json"), dir + "/bom.json", "--confirm", "0"}).code, 0);
  const auto r = run_cli({"report", dir + "/bom.json", "--out", dir + "/out"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err.find("Traceback"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("charts not drawn"), std::string::npos) << r.err;
  EXPECT_TRUE(referenced_files(test::read_text(dir + "/out/index.html")).count("charts/scaling_pingpong.svg"));

  std::ofstream(dir + "/cut.json") << test::read_text(data("base.json")).substr(0, 5000);
  std::ofstream(dir + "/deep.json") << std::string(100000, '[') + std::string(100000, ']');
  for (const std::string& bad : {dir + "/cut.json", dir + "/deep.json", dir + "/missing.json"}) {
    std::string said;
    EXPECT_EQ(test::shell("/usr/bin/python3 " CCB_REPORTS_CHARTS_PY " --out " + dir + "/by-hand --results " + bad, said), 2)
        << said;
    EXPECT_EQ(said.rfind("charts.py: cannot read " + bad + ": ", 0), 0u) << said;
    EXPECT_EQ(std::count(said.begin(), said.end(), '\n'), 1) << said;
  }
}

// Regression (hostile-input audit): index.html carried the control characters of a results file
// raw (a host name holding ESC and NUL, a point's error holding BEL and CR). Now each is an escape
// ("\x1b"), as in compare's table and markdown.
TEST(ReportTest, ControlCharactersOfAResultsFileAreEscapesInThePage) {
  const std::string dir = test::scratch_dir("controls-html");
  nlohmann::json j = nlohmann::json::parse(test::read_text(data("base.json")));
  j["context"]["host_name"] = std::string("host\x1b]0;owned\x07") + '\0' + "\u0085";
  j["benchmarks"][0]["status"] = "failed";
  j["benchmarks"][0]["error"] = "bell\x07\r";
  std::ofstream(dir + "/r.json") << j.dump();
  ScopedEnv no_charts("CCB_REPORT_PYTHON", "/nonexistent/python3");
  ASSERT_EQ(run_cli({"report", dir + "/r.json", "--out", dir + "/out"}).code, 0);
  const std::string html = test::read_text(dir + "/out/index.html");
  for (std::size_t i = 0; i < html.size(); ++i) {
    const auto c = static_cast<unsigned char>(html[i]);
    const bool c1 = c == 0xC2 && i + 1 < html.size() && (static_cast<unsigned char>(html[i + 1]) & 0xE0) == 0x80;
    ASSERT_FALSE((c < 0x20 && c != '\n') || c == 0x7F || c1) << "control character " << int(c) << " at " << i;
  }
  EXPECT_NE(html.find("host\\x1b]0;owned\\x07\\x00\\u0085"), std::string::npos);
  EXPECT_NE(html.find("bell\\x07\\x0d"), std::string::npos);
}

// Regression (helper-55's leftover): when no chart was drawn, report echoed the drawer's output to
// stderr as it was, and that output quotes the results files (a point name holding ESC). It goes
// through visible_text line by line now.
TEST(ReportTest, AFailedChartDrawersOutputIsEchoedWithoutControlCharacters) {
  const std::string dir = test::scratch_dir("drawer-controls");
  const std::string drawer = dir + "/python3";
  std::ofstream(drawer) << "#!/bin/sh\nprintf 'cannot draw ping\\033]0;owned\\007pong\\nsecond line\\n' >&2\nexit 1\n";
  fs::permissions(drawer, fs::perms::owner_all);
  ScopedEnv env("CCB_REPORT_PYTHON", drawer);
  const auto r = run_cli({"report", data("base.json"), "--out", dir + "/out"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("cannot draw ping\\x1b]0;owned\\x07pong\nsecond line\n"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
}

// Regression (session 42's reports audit): `report a.json b.json` with files from different
// machines put their numbers in one table and chart with no word (compare warns). Now each
// difference is a warning, on stderr and above the page's tables, once; same-machine files get none.
TEST(ReportTest, FilesFromDifferentMachinesAreWarnedAbout) {
  const std::string dir = test::scratch_dir("two-hosts");
  nlohmann::json j = nlohmann::json::parse(test::read_text(data("base.json")));
  std::ofstream(dir + "/a.json") << j.dump();
  std::ofstream(dir + "/b.json") << j.dump();
  j["context"]["host_name"] = "elsewhere";
  j["context"]["num_cpus"] = 64;
  std::ofstream(dir + "/c.json") << j.dump();
  std::ofstream(dir + "/d.json") << j.dump();
  ScopedEnv no_charts("CCB_REPORT_PYTHON", "/nonexistent/python3");
  const auto same = run_cli({"report", dir + "/a.json", dir + "/b.json", "--out", dir + "/same"});
  ASSERT_EQ(same.code, 0) << same.err;
  EXPECT_EQ(same.err.find("files differ"), std::string::npos) << same.err;
  const auto mixed = run_cli({"report", dir + "/a.json", dir + "/c.json", dir + "/d.json", "--out", dir + "/mixed"});
  ASSERT_EQ(mixed.code, 0) << mixed.err;
  EXPECT_NE(mixed.err.find("warning: files differ in host_name: "), std::string::npos) << mixed.err;
  EXPECT_NE(mixed.err.find("warning: files differ in num_cpus: "), std::string::npos) << mixed.err;
  EXPECT_NE(mixed.err.find("; the report shows their numbers side by side"), std::string::npos) << mixed.err;
  const std::string html = test::read_text(dir + "/mixed/index.html");
  EXPECT_NE(html.find("<ul class=\"warnings\">\n<li>files differ in host_name"), std::string::npos);
  EXPECT_EQ(test::read_text(dir + "/same/index.html").find("files differ"), std::string::npos);
}

// Regression (session 48's review): the header of a one-point report read "1 results file, 1 points".
TEST(ReportTest, TheHeaderCountsOnePointAsOnePoint) {
  const std::string dir = test::scratch_dir("one-point");
  nlohmann::json j = nlohmann::json::parse(test::read_text(data("base.json")));
  j["benchmarks"] = nlohmann::json::array({j["benchmarks"][0]});
  std::ofstream(dir + "/one.json") << j.dump();
  ScopedEnv no_charts("CCB_REPORT_PYTHON", "/nonexistent/python3");
  const auto one = run_cli({"report", dir + "/one.json", "--out", dir + "/one"});
  EXPECT_EQ(one.code, 0) << one.err;
  EXPECT_NE(test::read_text(dir + "/one/index.html").find("1 results file, 1 point</p>"), std::string::npos);
}

// Regression (session 48's review): `report int.json a.json --baseline b.json` compared the merged
// new side (all 12 points) but named it "results" and warned "results is an interrupted run
// (SIGTERM after 1 of 12 points): it holds only those points", with only the first file's
// recorded warnings. The side is named by its files; each file's warnings and flags by its own.
TEST(ReportTest, ABaselineComparisonOfSeveralFilesNamesEachFilesFlags) {
  const std::string dir = test::scratch_dir("merged-side");
  nlohmann::json j = nlohmann::json::parse(test::read_text(data("rerun.json")));
  nlohmann::json one = j;
  one["benchmarks"] = nlohmann::json::array({j["benchmarks"][0]});
  one["context"]["interrupted"] = {{"signal", "SIGTERM"}, {"points_done", 1}, {"points_planned", 48}};
  std::ofstream(dir + "/int.json") << one.dump();
  j["context"]["warnings"] = nlohmann::json::array({"load average 1.77 at start"});
  std::ofstream(dir + "/all.json") << j.dump();
  ScopedEnv no_charts("CCB_REPORT_PYTHON", "/nonexistent/python3");
  const auto r = run_cli({"report", dir + "/int.json", dir + "/all.json", "--baseline", data("base.json"), "--out",
                          dir + "/rep"});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string side = dir + "/int.json + " + dir + "/all.json";
  EXPECT_NE(r.err.find("warning: " + dir + "/int.json is an interrupted run (SIGTERM after 1 of 48 points): the "
                       "comparison has only its finished points, with the other files' points"),
            std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("it holds only those points"), std::string::npos) << r.err;
  const auto cmp = nlohmann::json::parse(test::read_text(dir + "/rep/compare.json"));
  EXPECT_EQ(cmp["new_file"], side);
  const std::string warnings = cmp["warnings"].dump();
  EXPECT_NE(warnings.find(side + " recorded: " + dir + "/all.json: load average 1.77 at start"), std::string::npos)
      << warnings;
  EXPECT_EQ(warnings.find("results recorded"), std::string::npos) << warnings;
}

// Regression (hostile-input audit): a results file named "n\xe9w<x>.json" (Latin-1) put the raw
// byte 0xE9 into index.html, which was then invalid UTF-8. Such bytes are now U+FFFD, as in the
// compare JSON.
TEST(ReportTest, ALatin1FileNameMakesNoInvalidPage) {
  const std::string dir = test::scratch_dir("latin1-html");
  const std::string latin1 = dir + "/n\xe9w<x>.json";
  std::ofstream(latin1) << test::read_text(data("base.json"));
  ScopedEnv no_charts("CCB_REPORT_PYTHON", "/nonexistent/python3");
  ASSERT_EQ(run_cli({"report", latin1, "--out", dir + "/out", "--baseline", data("rerun.json")}).code, 0);
  const std::string html = test::read_text(dir + "/out/index.html");
  EXPECT_NO_THROW((void)nlohmann::json(html).dump()) << "index.html is not valid UTF-8";
  EXPECT_NE(html.find("<h3>" + dir + "/n\uFFFDw&lt;x&gt;.json</h3>"), std::string::npos);
}

// Regression (hostile-input audit): a workload named "ping\npong" broke the page's nav link
// (href="#wl-ping\npong": the id was the name itself, HTML-escaped). Ids are now the name made
// safe as charts.py makes chart ids ([A-Za-z0-9_-], "_2" on a clash), and every in-page link
// reaches an element with that id.
TEST(ReportTest, EveryNavLinkReachesItsSectionWhateverTheWorkloadIsCalled) {
  const std::string dir = test::scratch_dir("ids");
  nlohmann::json j = nlohmann::json::parse(test::read_text(data("base.json")));
  for (auto& b : j["benchmarks"]) {
    if (b["workload"] == "pingpong") b["workload"] = "ping\npong";
    if (b["workload"] == "fanin") b["workload"] = "ping pong";  // the same safe id: must not clash
  }
  std::ofstream(dir + "/r.json") << j.dump();
  ScopedEnv no_charts("CCB_REPORT_PYTHON", "/nonexistent/python3");
  ASSERT_EQ(run_cli({"report", dir + "/r.json", "--out", dir + "/out"}).code, 0);
  const std::string html = test::read_text(dir + "/out/index.html");
  std::set<std::string> ids;
  static const std::regex id_re(R"re( id="([^"]*)")re"), link_re(R"re(href="#([^"]*)")re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), id_re); it != std::sregex_iterator(); ++it) {
    EXPECT_TRUE(ids.insert((*it)[1].str()).second) << "duplicate id " << (*it)[1];
    EXPECT_EQ((*it)[1].str().find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"),
              std::string::npos) << (*it)[1];
  }
  std::size_t links = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), link_re); it != std::sregex_iterator(); ++it, ++links)
    EXPECT_TRUE(ids.count((*it)[1].str())) << "link to a missing id: " << (*it)[1];
  EXPECT_GE(links, 7u);  // machine, overview, 5 workloads
  EXPECT_TRUE(ids.count("wl-ping_pong"));
  EXPECT_TRUE(ids.count("wl-ping_pong_2"));
  EXPECT_NE(html.find("<a href=\"#wl-ping_pong\">ping\\x0apong</a>"), std::string::npos);
}


// svgs_parse() is true when every SVG in `charts` is well-formed XML (Python's parser, as strict
// as a browser's); the parser's complaint is in `output`.
bool svgs_parse(const std::string& charts, std::string& output) {
  return test::shell("/usr/bin/python3 -c 'import sys, glob, xml.etree.ElementTree as E; "
                     "[E.parse(f) for f in glob.glob(sys.argv[1] + \"/*.svg\")]' '" + charts + "'", output) == 0;
}

// Regression (session 74's review): a workload named "ping\x1bpong" or a parameter value ending in
// U+0001 or holding U+FFFE gave SVG charts that no browser shows (matplotlib copies each text into
// an XML comment as it is: xmllint "invalid xmlChar value 27"), with exit status 0 and no notice.
// Every text the charts draw now goes through charts.py's visible_text(), as the page's does.
TEST(ReportTest, ControlCharactersInNamesGiveWellFormedSvgCharts) {
  if (!test::has_matplotlib()) GTEST_SKIP() << "/usr/bin/python3 lacks matplotlib: charts not drawn";
  const std::string dir = test::scratch_dir("controls-svg");
  nlohmann::json j = nlohmann::json::parse(test::read_text(data("base.json")));
  for (auto& b : j["benchmarks"]) {
    if (b["workload"] == "pingpong") b["workload"] = "ping\x1bpong";
    if (b["workload"] == "fanin") b["params"]["cap"] = b["params"]["cap"].dump() + "\x01\uFFFE";
    if (b["workload"] == "spawn") b["params"]["n"] = "1\n2";  // escaped too; the charts' own line breaks stay
  }
  std::ofstream(dir + "/r.json") << j.dump();
  const auto r = run_cli({"report", dir + "/r.json", "--out", dir + "/out"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err.find("not drawn"), std::string::npos) << r.err;
  std::string why;
  EXPECT_TRUE(svgs_parse(dir + "/out/charts", why)) << why;
  EXPECT_NE(test::read_text(dir + "/out/charts/scaling_ping_pong.svg").find("ping\\x1bpong"), std::string::npos);
  EXPECT_NE(test::read_text(dir + "/out/charts/scaling_fanin.svg").find("\\x01\\ufffe"), std::string::npos);
  const std::string spawn = test::read_text(dir + "/out/charts/spawn.svg");
  EXPECT_NE(spawn.find("all points: n=1\\x0a2"), std::string::npos);
}

// Regression (session 74's review): `report r\xe9sultat.json n\xe9w.json`, two Latin-1 file names
// holding the same points, drew no chart at all ("some charts not drawn: scaling chart of pingpong:
// UnicodeEncodeError … surrogates not allowed (and 7 more)"): the series were labelled with the
// names' surrogate escapes. The labels now hold U+FFFD there, as the page does.
TEST(ReportTest, Latin1FileNamesHoldingTheSamePointsGetEveryChart) {
  if (!test::has_matplotlib()) GTEST_SKIP() << "/usr/bin/python3 lacks matplotlib: charts not drawn";
  const std::string dir = test::scratch_dir("latin1-charts");
  std::ofstream(dir + "/r\xe9sultat.json") << test::read_text(data("base.json"));
  std::ofstream(dir + "/n\xe9w.json") << test::read_text(data("rerun.json"));
  const auto r = run_cli({"report", dir + "/r\xe9sultat.json", dir + "/n\xe9w.json", "--out", dir + "/out"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err.find("not drawn"), std::string::npos) << r.err;
  const auto manifest = nlohmann::json::parse(test::read_text(dir + "/out/charts/manifest.json"));
  EXPECT_TRUE(manifest["failed"].empty()) << manifest["failed"].dump();
  EXPECT_GE(manifest["charts"].size(), 6u);
  std::string why;
  EXPECT_TRUE(svgs_parse(dir + "/out/charts", why)) << why;
  EXPECT_NE(test::read_text(dir + "/out/charts/scaling_pingpong.svg").find("ccbench (r\uFFFDsultat)"),
            std::string::npos);
}


// Regression (session 74's review): `report cc.json go.json`, ccbench's points in one file and
// Go's in the other, gave every workload a "ccbench / go" column of dashes only (ratios are taken
// within one file). The column is left out then, and a line under the table says why.
TEST(ReportTest, NoRatioColumnOfDashesWhenCcbenchAndGoAreInDifferentFiles) {
  const std::string dir = test::scratch_dir("split-impls");
  nlohmann::json j = nlohmann::json::parse(test::read_text(data("base.json")));
  nlohmann::json cc = j, go = j;
  cc["benchmarks"] = go["benchmarks"] = nlohmann::json::array();
  for (const auto& b : j["benchmarks"]) {
    if (b["impl"] == "ccbench") cc["benchmarks"].push_back(b);
    if (b["impl"] == "go") go["benchmarks"].push_back(b);
  }
  std::ofstream(dir + "/cc.json") << cc.dump();
  std::ofstream(dir + "/go.json") << go.dump();
  ScopedEnv no_charts("CCB_REPORT_PYTHON", "/nonexistent/python3");
  ASSERT_EQ(run_cli({"report", dir + "/cc.json", dir + "/go.json", "--out", dir + "/out"}).code, 0);
  const std::string html = test::read_text(dir + "/out/index.html");
  EXPECT_EQ(html.find("<th class=\"num\">ccbench / go</th>"), std::string::npos);
  EXPECT_NE(html.find("No ccbench / go column: no file holds ccbench and go at the same point"), std::string::npos);
  // One file holding both still has the column, and no such line.
  ASSERT_EQ(run_cli({"report", data("base.json"), "--out", dir + "/both"}).code, 0);
  const std::string both = test::read_text(dir + "/both/index.html");
  EXPECT_NE(both.find("<th class=\"num\">ccbench / go</th>"), std::string::npos);
  EXPECT_EQ(both.find("No ccbench / go column"), std::string::npos);
}


}  // namespace
}  // namespace ccb::reports
