// tests/reports/report_dir_test.cpp — what `ccbench report --out DIR` removes from DIR/charts: only
// chart files a report wrote (the charts the earlier report's charts/manifest.json lists, and what
// this report's drawer wrote that its page does not use, all of it when interrupted), never the
// user's own files there. The chart drawer is a stand-in (CCB_REPORT_PYTHON): a shell script that
// draws the charts named in CCB_TEST_CHARTS as charts.py would (<id>.png, <id>.svg, manifest.json).
// Also how report runs its drawer: stopped on time, whatever it prints (what it printed is kept
// only in part), and drawing when started through a wrapper that does not exec.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "cli_helper.hpp"

namespace ccb::reports {
namespace {

namespace fs = std::filesystem;
using test::ScopedEnv;

// fake_drawer() writes the stand-in drawer into `dir`. Its $3 is the charts directory. It draws
// CCB_TEST_CHARTS; with CCB_TEST_STRAY it also leaves stray.png (a chart that failed halfway, not
// in the manifest); with CCB_TEST_KILL it sends SIGTERM to report after drawing and waits, as a
// Ctrl-C while drawing would.
std::string fake_drawer(const std::string& dir) {
  const std::string path = dir + "/fake-python";
  std::ofstream(path) << "#!/bin/sh\ncat >/dev/null\nout=$3\nlist=\n"
                      << "for id in $CCB_TEST_CHARTS; do\n"
                      << "  echo png >\"$out/$id.png\"; echo svg >\"$out/$id.svg\"\n"
                      << "  list=\"$list${list:+,}{\\\"id\\\":\\\"$id\\\",\\\"kind\\\":\\\"ratio\\\",\\\"title\\\":\\\"t\\\","
                      << "\\\"caption\\\":\\\"c\\\",\\\"png\\\":\\\"charts/$id.png\\\",\\\"svg\\\":\\\"charts/$id.svg\\\"}\"\n"
                      << "done\n"
                      << "[ -n \"$CCB_TEST_STRAY\" ] && echo half >\"$out/stray.png\"\n"
                      << "if [ -n \"$CCB_TEST_KILL\" ]; then kill -TERM $PPID; sleep 5; fi\n"
                      << "printf '{\"charts\":[%s],\"failed\":[]}' \"$list\" >\"$out/manifest.json\"\n";
  fs::permissions(path, fs::perms::owner_all);
  return path;
}

std::set<std::string> listing(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

// Regression (review): `report … --out DIR` deleted every *.png and *.svg in DIR/charts, the
// user's own files included. Now the earlier report's charts go (its manifest lists them), the
// user's files stay, and what the drawer wrote but the page does not use goes.
TEST(ReportDir, ASecondReportRemovesTheFirstOnesChartsAndKeepsTheUsersFiles) {
  const std::string dir = test::scratch_dir("report-dir"), rep = dir + "/rep";
  ScopedEnv python("CCB_REPORT_PYTHON", fake_drawer(dir));
  {
    ScopedEnv charts("CCB_TEST_CHARTS", "old_a old_b");
    const auto r = test::run_cli({"report", test::data("base.json"), "--out", rep});
    ASSERT_EQ(r.code, 0) << r.err;
  }
  ASSERT_EQ(listing(rep + "/charts"),
            (std::set<std::string>{"manifest.json", "old_a.png", "old_a.svg", "old_b.png", "old_b.svg"}));
  for (const char* mine : {"mine.png", "mine.svg", "notes.txt"}) std::ofstream(rep + "/charts/" + mine) << "user's\n";
  ScopedEnv charts("CCB_TEST_CHARTS", "old_b new_c");
  ScopedEnv stray("CCB_TEST_STRAY", "1");
  const auto r = test::run_cli({"report", test::data("base.json"), "--out", rep});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(listing(rep + "/charts"), (std::set<std::string>{"manifest.json", "mine.png", "mine.svg", "notes.txt",
                                                             "old_b.png", "old_b.svg", "new_c.png", "new_c.svg"}));
  EXPECT_EQ(test::read_text(rep + "/charts/mine.png"), "user's\n");
  const std::string html = test::read_text(rep + "/index.html");
  EXPECT_NE(html.find("charts/new_c.svg"), std::string::npos);
  EXPECT_EQ(html.find("old_a"), std::string::npos);
  EXPECT_EQ(html.find("mine"), std::string::npos);
}

// Interrupted while drawing: what the drawer wrote goes, the user's files stay (they went too).
TEST(ReportDir, AnInterruptedReportRemovesOnlyWhatItsDrawerWrote) {
  const std::string dir = test::scratch_dir("report-dir-int"), rep = dir + "/rep";
  fs::create_directories(rep + "/charts");
  for (const char* mine : {"mine.png", "mine.svg"}) std::ofstream(rep + "/charts/" + mine) << "user's\n";
  ScopedEnv python("CCB_REPORT_PYTHON", fake_drawer(dir));
  ScopedEnv charts("CCB_TEST_CHARTS", "a b");
  ScopedEnv kill("CCB_TEST_KILL", "1");
  const auto r = test::run_cli({"report", test::data("base.json"), "--out", rep});
  EXPECT_EQ(r.code, 143) << r.err;
  EXPECT_EQ(listing(rep + "/charts"), (std::set<std::string>{"mine.png", "mine.svg"}));
  EXPECT_FALSE(fs::exists(rep + "/index.html"));
}

// A manifest names only files charts.py writes: a path out of charts/ or an odd name removes nothing.
TEST(ReportDir, AManifestCannotMakeReportRemoveOtherFiles) {
  const std::string dir = test::scratch_dir("report-dir-manifest"), rep = dir + "/rep";
  fs::create_directories(rep + "/charts/sub");
  std::ofstream(dir + "/outside.png") << "x\n";
  std::ofstream(rep + "/charts/sub/deep.png") << "x\n";
  std::ofstream(rep + "/charts/.hidden.png") << "x\n";
  std::ofstream(rep + "/charts/manifest.json")
      << R"({"charts":[{"png":"charts/../../outside.png","svg":"charts/sub/deep.svg"},)"
      << R"({"png":"charts/sub/deep.png","svg":"charts/.hidden.svg"},{"png":"charts/.hidden.png","svg":"x.svg"}]})";
  ScopedEnv python("CCB_REPORT_PYTHON", "/nonexistent/python3");  // no drawer: only the removal matters
  const auto r = test::run_cli({"report", test::data("base.json"), "--out", rep});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir + "/outside.png"));
  EXPECT_TRUE(fs::exists(rep + "/charts/sub/deep.png"));
  EXPECT_TRUE(fs::exists(rep + "/charts/.hidden.png"));
  EXPECT_FALSE(fs::exists(rep + "/charts/manifest.json"));  // the earlier report's manifest goes
}

}  // namespace
}  // namespace ccb::reports

namespace ccb::reports {
namespace {

// Regression (session 50's reports review): a drawer that never ends held `report` for ever
// (timeout 5 -> rc 124). Past CCB_CHART_TIMEOUT_S it is stopped: the page is written with tables
// and a notice, exit 0.
TEST(ReportDir, ADrawerThatDoesNotFinishIsStoppedAndThePageStillWritten) {
  const std::string dir = test::scratch_dir("report-slow-drawer");
  const std::string drawer = dir + "/slow-python";
  std::ofstream(drawer) << "#!/bin/sh\ncat >/dev/null\nsleep 60\n";
  fs::permissions(drawer, fs::perms::owner_all);
  ScopedEnv python("CCB_REPORT_PYTHON", drawer);
  ScopedEnv limit("CCB_CHART_TIMEOUT_S", "0.5");
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = test::run_cli({"report", test::data("base.json"), "--out", dir + "/rep"});
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(20));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("did not finish within 0.5 s and was stopped"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(dir + "/rep/index.html"));
  // Regression (helper-80): a bad value wrote the report without charts, exit 0; it is bad usage
  // (exit 2) before anything is written, as a bad CCB_RUN_TIMEOUT or CCB_GO_TIMEOUT is.
  ScopedEnv bad("CCB_CHART_TIMEOUT_S", "soon");
  const auto b = test::run_cli({"report", test::data("base.json"), "--out", dir + "/rep2"});
  EXPECT_EQ(b.code, 2) << b.err;
  EXPECT_NE(b.err.find("ccbench report: CCB_CHART_TIMEOUT_S=soon is not a number of seconds > 0"), std::string::npos)
      << b.err;
  EXPECT_FALSE(fs::exists(dir + "/rep2"));
}


// Regression (session 74's review): a drawer printing without end (`exec yes drawing`) with
// CCB_CHART_TIMEOUT_S=0.5 had all of its output kept and echoed: 26.7 MB, 3.3 million lines on
// stderr, 17.9 s. Only the first and last 32 KiB are kept, with a line saying how much was left out.
TEST(ReportDir, AFloodingDrawerIsStoppedOnTimeAndOnlyPartOfItsOutputKept) {
  const std::string dir = test::scratch_dir("report-flood-drawer");
  const std::string drawer = dir + "/flood-python";
  std::ofstream(drawer) << "#!/bin/sh\ncat >/dev/null\nexec yes drawing\n";
  fs::permissions(drawer, fs::perms::owner_all);
  ScopedEnv python("CCB_REPORT_PYTHON", drawer);
  ScopedEnv limit("CCB_CHART_TIMEOUT_S", "0.5");
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = test::run_cli({"report", test::data("base.json"), "--out", dir + "/rep"});
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(8));
  EXPECT_EQ(r.code, 0) << r.err.substr(0, 2000);
  EXPECT_NE(r.err.find("did not finish within 0.5 s and was stopped"), std::string::npos);
  EXPECT_LT(r.err.size(), 100u * 1024);
  EXPECT_NE(r.err.find("bytes of the drawer's output left out"), std::string::npos) << r.err.substr(0, 2000);
  EXPECT_NE(r.err.find("drawing\ndrawing\n"), std::string::npos);
}

// Regression (session 74's review): CCB_REPORT_PYTHON a shell script running /usr/bin/python3 "$@"
// (no exec) never drew a chart: charts.py exited because its parent was not CCB_PARENT_PID ("started
// by pid X, not by CCB_PARENT_PID=Y (ccbench is gone)") while ccbench ran. It now exits only when
// the CCB_PARENT_PID process is gone.
TEST(ReportDir, ADrawerStartedThroughAWrapperThatDoesNotExecDraws) {
  if (!test::has_matplotlib()) GTEST_SKIP() << "/usr/bin/python3 lacks matplotlib: charts not drawn";
  const std::string dir = test::scratch_dir("report-wrapped-drawer");
  const std::string wrapper = dir + "/wrapped-python";
  std::ofstream(wrapper) << "#!/bin/sh\n/usr/bin/python3 \"$@\"\n";
  fs::permissions(wrapper, fs::perms::owner_all);
  {
    ScopedEnv python("CCB_REPORT_PYTHON", wrapper);
    const auto r = test::run_cli({"report", test::data("base.json"), "--out", dir + "/rep"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err.find("not drawn"), std::string::npos) << r.err;
    EXPECT_TRUE(fs::exists(dir + "/rep/charts/scaling_pingpong.svg"));
  }
  // What the check is for still holds: a drawer whose ccbench is gone draws nothing (exit 4).
  std::string out;
  EXPECT_EQ(test::shell("CCB_PARENT_PID=$(sh -c 'echo $$') /usr/bin/python3 '" CCB_REPORTS_CHARTS_PY "' --out '" +
                            dir + "/gone' --results '" + test::data("base.json") + "'",
                        out),
            4)
      << out;
  EXPECT_NE(out.find("(the ccbench that started it) is gone"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(dir + "/gone/manifest.json"));
}

}  // namespace
}  // namespace ccb::reports
