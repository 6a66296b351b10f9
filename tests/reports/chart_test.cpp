// tests/reports/chart_test.cpp — what the charts of `ccbench report` show, read back from their SVG
// files (matplotlib writes each text as a comment, "<!-- 1e6 -->", before its glyph paths): every
// log axis has a few readable tick labels at any span; the panels of a chart share one scale, and a
// log axis says so; values on a log axis are dots, not bars; a chart with more panels than fit one
// figure continues on further pages, each shown in index.html; the spawn chart's group labels do
// not run into each other; a point a log axis cannot show (a 0 ns median) is named on its chart.
#include <gtest/gtest.h>

#include <regex>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_helper.hpp"

namespace ccb::reports {
namespace {

namespace fs = std::filesystem;
using test::data;
using test::run_cli;

// report_of() writes base.json changed by `change` as DIR/results.json, runs `report` on it and
// returns DIR/out/charts (with the report's stderr in `err`).
std::string report_of(const std::string& name, const std::function<void(nlohmann::json&)>& change, std::string& err) {
  const std::string dir = test::scratch_dir(name);
  nlohmann::json j = nlohmann::json::parse(test::read_text(data("base.json")));
  change(j);
  std::ofstream(dir + "/results.json") << j.dump();
  const auto r = run_cli({"report", dir + "/results.json", "--out", dir + "/out"});
  EXPECT_EQ(r.code, 0) << r.err;
  err = r.err;
  return dir + "/out/charts";
}

// scale_samples() multiplies the samples of the points of `workload` and `impl` whose parameter
// `key` is `value`.
void scale_samples(nlohmann::json& j, const std::string& workload, const std::string& impl, const std::string& key,
                   int value, double factor) {
  for (auto& b : j["benchmarks"]) {
    if (b["workload"] != workload || b["impl"] != impl || b["params"].value(key, -1) != value) continue;
    for (auto& s : b["samples_ns"]) s = s.get<double>() * factor;
  }
}

// count() is the number of times `needle` occurs in `text`.
std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// tick_labels() is, per x or y axis (`xy`) of the SVG in drawing order, the text of each of its
// tick labels. An x axis is an odd-numbered <g id="matplotlib.axis_N"> group, a y axis an
// even-numbered one; their ticks are <g id="xtick_K"> or <g id="ytick_K">.
std::vector<std::vector<std::string>> tick_labels(const std::string& svg, char xy) {
  std::vector<std::vector<std::string>> axes;
  const std::string axis_tag = "<g id=\"matplotlib.axis_", tick_tag = std::string("<g id=\"") + xy + "tick_";
  for (std::size_t at = svg.find(axis_tag); at != std::string::npos;) {
    const std::size_t next = svg.find(axis_tag, at + 1);
    const std::string block = svg.substr(at, next == std::string::npos ? std::string::npos : next - at);
    if (std::stoi(block.substr(axis_tag.size())) % 2 == (xy == 'y' ? 0 : 1)) {
      axes.emplace_back();
      for (std::size_t t = block.find(tick_tag); t != std::string::npos; t = block.find(tick_tag, t + 1)) {
        const std::size_t open = block.find("<!-- ", t), close = block.find(" -->", open);
        const std::size_t next_tick = block.find(tick_tag, t + 1);
        axes.back().push_back(open != std::string::npos && open < next_tick ? block.substr(open + 5, close - open - 5)
                                                                            : "");
      }
    }
    at = next;
  }
  return axes;
}

std::vector<std::vector<std::string>> y_tick_labels(const std::string& svg) { return tick_labels(svg, 'y'); }

// Regression: log axes used LogLocator(subs=(1, 2, 5)), which gives no tick at all once it strides
// over decades: a panel spanning 8 decades had an unlabelled y axis, and one spanning 7 had 21
// overlapping labels ("1e+06 2e+06 5e+06 1e+07 …"). Now 3 to 10 labels, 2 to 12 decades.
TEST(ChartTest, EveryLogAxisHasAFewReadableTickLabelsAtAnySpan) {
  if (!test::has_matplotlib()) GTEST_SKIP() << "/usr/bin/python3 lacks matplotlib: charts not drawn";
  std::string err;
  const std::string charts = report_of("wide", [](nlohmann::json& j) {
    scale_samples(j, "pingpong", "go", "cap", 0, 1e7);
    scale_samples(j, "pingpong", "go", "cap", 1, 1e12);
    scale_samples(j, "fanin", "go", "cap", 0, 1e8);
    scale_samples(j, "fanin", "go", "cap", 128, 1e2);
  }, err);
  EXPECT_EQ(err.find("charts not drawn"), std::string::npos) << err;
  for (const char* chart : {"scaling_pingpong", "scaling_fanin"}) {
    const auto axes = y_tick_labels(test::read_text(charts + "/" + chart + ".svg"));
    ASSERT_EQ(axes.size(), 2u) << chart;
    for (const auto& labels : axes) {
      std::string all;
      for (const std::string& l : labels) all += l + " ";
      EXPECT_GE(labels.size(), 3u) << chart << ": " << all;
      EXPECT_LE(labels.size(), 10u) << chart << ": " << all;
      for (const std::string& l : labels) EXPECT_FALSE(l.empty()) << chart << ": " << all;
    }
  }
}

// Regression: each panel chose its own scale, unlabelled: in scaling_counter, mutex, atomic and
// rwmutex were linear and channel log, all labelled "ns per increment"; counter_modes drew bars on a
// log axis (a bar's length then depends on where the axis starts). Now one panel needing log puts
// every panel of the chart on log, each label says "(log scale)", and counter_modes draws dots.
TEST(ChartTest, OnePanelNeedingLogPutsTheWholeChartOnALabelledLogScale) {
  if (!test::has_matplotlib()) GTEST_SKIP() << "/usr/bin/python3 lacks matplotlib: charts not drawn";
  std::string err;
  const std::string charts = report_of("one-scale", [](nlohmann::json& j) {
    for (auto& b : j["benchmarks"]) {  // threads' channel mode 100x slower: only that panel spans > 8x
      if (b["workload"] != "counter" || b["impl"] != "threads" || b["params"]["mode"] != "channel") continue;
      for (auto& s : b["samples_ns"]) s = s.get<double>() * 100;
    }
  }, err);
  const std::string scaling = test::read_text(charts + "/scaling_counter.svg");
  EXPECT_EQ(count(scaling, " per increment (log scale) -->"), 4u);  // ns, or µs in the slow channel panel
  EXPECT_EQ(count(scaling, " per increment -->"), 0u);
  const std::string modes = test::read_text(charts + "/counter_modes.svg");
  EXPECT_EQ(count(modes, " per increment (log scale) -->"), 2u);
  // 24 medians (4 modes x 3 implementations x 2 procs) as bars would be 24 patches; the figure,
  // panel backgrounds and spines are 7.
  EXPECT_LT(count(modes, "<g id=\"patch_"), 24u);

  // Without a wide panel the scaling chart stays linear, unlabelled as such.
  const std::string plain = report_of("linear", [](nlohmann::json&) {}, err);
  const std::string linear = test::read_text(plain + "/scaling_counter.svg");
  EXPECT_EQ(count(linear, "<!-- ns per increment -->"), 4u);
  EXPECT_EQ(count(linear, "log scale"), 0u);
}

// Regression: times were labelled in ns whatever their size, so skynet's ~100 ms runs had ticks
// 0.2 … 1.2 under a "1e8" offset beside "ns per run". Each panel now takes the unit (ns, µs, ms,
// s) that keeps its ticks short: skynet's in ms, pingpong's ~200 ns round trips still in ns.
TEST(ChartTest, EachTimeAxisIsLabelledInAUnitThatKeepsItsTicksShort) {
  if (!test::has_matplotlib()) GTEST_SKIP() << "/usr/bin/python3 lacks matplotlib: charts not drawn";
  std::string err;
  const std::string charts = report_of("units", [](nlohmann::json&) {}, err);
  const std::string skynet = test::read_text(charts + "/scaling_skynet.svg");
  EXPECT_EQ(count(skynet, "<!-- ms per run -->"), 1u);
  EXPECT_EQ(count(skynet, "<!-- 1e"), 0u);  // no offset text above the axis
  const auto axes = y_tick_labels(skynet);
  ASSERT_EQ(axes.size(), 1u);
  EXPECT_GE(axes[0].size(), 3u);
  for (const std::string& l : axes[0]) EXPECT_LE(l.size(), 4u) << l;  // "0", "50", "100", "250"
  const std::string pingpong = test::read_text(charts + "/scaling_pingpong.svg");
  EXPECT_EQ(count(pingpong, "<!-- ns per round trip -->"), 2u);
}

// Regression (helper-43's audit): the counter modes chart's title named all four modes whatever
// was measured. It names the modes drawn.
TEST(ChartTest, TheCounterModesTitleNamesTheModesDrawn) {
  if (!test::has_matplotlib()) GTEST_SKIP() << "/usr/bin/python3 lacks matplotlib: charts not drawn";
  std::string err;
  const std::string charts = report_of("two-modes", [](nlohmann::json& j) {
    nlohmann::json kept = nlohmann::json::array();
    for (auto& b : j["benchmarks"])
      if (b["workload"] != "counter" || b["params"]["mode"] == "mutex" || b["params"]["mode"] == "atomic")
        kept.push_back(b);
    j["benchmarks"] = kept;
  }, err);
  const std::string modes = test::read_text(charts + "/counter_modes.svg");
  EXPECT_EQ(count(modes, "<!-- counter: mutex vs atomic (median time per increment"), 1u);  // ", log scale)" or ")"
}

// Regression: the counter modes chart kept its first 12 panels (MAX_SUBPLOTS) and silently dropped
// the rest: counter at tasks=1..7 x procs 1, 2 (14 panels) drew tasks=1..6 only. It now continues
// on a second page, as the scaling charts do, and the report shows both.
TEST(ChartTest, ACounterChartWithMorePanelsThanAFigureHoldsContinuesOnASecondPage) {
  if (!test::has_matplotlib()) GTEST_SKIP() << "/usr/bin/python3 lacks matplotlib: charts not drawn";
  std::string err;
  const std::string charts = report_of("counter14", [](nlohmann::json& j) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& b : j["benchmarks"]) {
      if (b["workload"] != "counter") continue;
      for (int tasks = 1; tasks <= 7; ++tasks) {
        nlohmann::json c = b;
        c["params"]["tasks"] = tasks;
        for (const char* key : {"name", "run_name"}) {
          const std::string name = c[key].get<std::string>();
          c[key] = std::regex_replace(name, std::regex("tasks=5"), "tasks=" + std::to_string(tasks));
        }
        out.push_back(c);
      }
    }
    j["benchmarks"] = out;
  }, err);
  EXPECT_EQ(err.find("charts not drawn"), std::string::npos) << err;
  const std::string html = test::read_text(charts + "/../index.html");
  EXPECT_NE(html.find("src=\"charts/counter_modes_1.svg\""), std::string::npos);
  EXPECT_NE(html.find("src=\"charts/counter_modes_2.svg\""), std::string::npos);
  EXPECT_EQ(html.find("charts/counter_modes.svg"), std::string::npos);
  const std::string page1 = test::read_text(charts + "/counter_modes_1.svg");
  const std::string page2 = test::read_text(charts + "/counter_modes_2.svg");
  EXPECT_NE(page1.find("(part 1 of 2) -->"), std::string::npos);
  EXPECT_NE(page2.find("(part 2 of 2) -->"), std::string::npos);
  for (int tasks = 1; tasks <= 7; ++tasks) {
    for (int procs = 1; procs <= 2; ++procs) {
      // nlohmann::json sorts the keys: k before tasks
      const std::string panel =
          "<!-- k=200000, tasks=" + std::to_string(tasks) + ", procs=" + std::to_string(procs) + " -->";
      EXPECT_EQ(count(page1, panel) + count(page2, panel), 1u) << panel;
    }
  }
}

// spawn_points() replaces base.json's spawn points by copies at n=100000 and 50000, with a
// `capacity` parameter of each of `capacities`, and Go 1000x slower (as threads against ccbench).
void spawn_points(nlohmann::json& j, const std::vector<int>& capacities) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& b : j["benchmarks"]) {
    if (b["workload"] != "spawn") continue;
    for (int n : {100000, 50000}) {
      for (int cap : capacities) {
        nlohmann::json c = b;
        c["params"]["n"] = n;
        c["params"]["capacity"] = cap;
        const std::string suffix = "/n=" + std::to_string(n) + "/capacity=" + std::to_string(cap);
        for (const char* key : {"name", "run_name"}) {
          c[key] = std::regex_replace(c[key].get<std::string>(), std::regex("/n=100000"), suffix);
        }
        if (c["impl"] == "go") {
          for (auto& x : c["samples_ns"]) x = x.get<double>() * 1000;
        }
        out.push_back(c);
      }
    }
  }
  j["benchmarks"] = out;
}

// Regression: the spawn chart's "Time per task" was linear up to threads' ~300000 ns, which left
// ccbench (~500 ns) and Go (~1.6 us) as indistinguishable slivers, and its tick labels
// ("n=10000, capacity=0" each) ran into each other. Now the log-when-wide rule applies there too
// (dots, labelled "(log scale)"), tick labels show only the parameters that differ, one a line
// (the shared ones are in the title), and many groups get one-line labels turned 45 degrees.
TEST(ChartTest, TheSpawnChartUsesALogAxisWhenWideAndLabelsThatFit) {
  if (!test::has_matplotlib()) GTEST_SKIP() << "/usr/bin/python3 lacks matplotlib: charts not drawn";
  std::string err;
  std::string charts = report_of("spawn4", [](nlohmann::json& j) { spawn_points(j, {0}); }, err);
  EXPECT_EQ(err.find("charts not drawn"), std::string::npos) << err;
  std::string svg = test::read_text(charts + "/spawn.svg");
  EXPECT_EQ(count(svg, "<!-- µs per task (log scale) -->"), 1u);  // up to threads' ~300 µs
  EXPECT_EQ(count(svg, "<!-- resident bytes per parked task -->"), 1u);  // 2.8 to 8.6 KiB: linear
  EXPECT_EQ(count(svg, "capacity=0, n="), 0u);  // no label repeats the shared parameter
  EXPECT_EQ(count(svg, "<!-- n=50000 -->"), 4u);  // 2 groups x 2 panels, "procs=…" on the next line
  EXPECT_EQ(count(svg, "<!-- procs=2 -->"), 4u);
  EXPECT_EQ(count(svg, "<!-- spawn: cost of one task, by implementation; all points: capacity=0 -->"), 1u);
  EXPECT_EQ(count(svg, "rotate(-45)"), 0u);
  EXPECT_NE(test::read_text(charts + "/manifest.json").find("Left: median time per task (dots on a log axis"),
            std::string::npos);

  charts = report_of("spawn12", [](nlohmann::json& j) { spawn_points(j, {0, 1, 16}); }, err);
  svg = test::read_text(charts + "/spawn.svg");
  EXPECT_EQ(count(svg, "<!-- capacity=16, n=50000, procs=2 -->"), 2u);
  EXPECT_EQ(count(svg, "rotate(-45)"), 24u);  // 12 groups x 2 panels
}


// Regression (session 74's review): on a log scaling chart a point with a 0 ns median (SCHEMA.md
// allows 0) vanished without a word (errorbar() drops what a log axis cannot show). The chart's
// note names it now, as the ratio chart's caption says a zero median has no bar.
TEST(ChartTest, AZeroMedianOnALogScalingChartIsNamedInItsNote) {
  if (!test::has_matplotlib()) GTEST_SKIP() << "/usr/bin/python3 lacks matplotlib: charts not drawn";
  std::string err;
  const std::string charts = report_of("zero-on-log", [](nlohmann::json& j) {
    for (auto& b : j["benchmarks"])
      if (b["name"] == "pingpong/cap=0/n=200000/procs:1/impl:ccbench") b["samples_ns"] = {0, 0, 0, 0, 0};
    scale_samples(j, "pingpong", "go", "cap", 1, 100);  // a panel spanning over 8x: a log axis
  }, err);
  const std::string svg = test::read_text(charts + "/scaling_pingpong.svg");
  EXPECT_NE(svg.find(" per round trip (log scale) -->"), std::string::npos);
  EXPECT_NE(svg.find("<!-- no mark on the log axis (median 0 ns): ccbench cap=0, n=200000 procs=1 -->"),
            std::string::npos);
}

// Regression (session 53's list): the grouped charts drew their log-axis medians as dots, and a
// 0 ns median (or a spawn point's 0 bytes per task) vanished unsaid there too. The note names it.
TEST(ChartTest, AZeroMedianOnTheCounterModesAndSpawnLogChartsIsNamedInTheirNotes) {
  if (!test::has_matplotlib()) GTEST_SKIP() << "/usr/bin/python3 lacks matplotlib: charts not drawn";
  std::string err;
  std::string charts = report_of("zero-counter", [](nlohmann::json& j) {
    for (auto& b : j["benchmarks"]) {
      if (b["workload"] != "counter") continue;
      if (b["impl"] == "threads" && b["params"]["mode"] == "channel")  // a panel spanning > 8x: log
        for (auto& s : b["samples_ns"]) s = s.get<double>() * 100;
      if (b["name"] == "counter/mode=atomic/tasks=5/k=200000/procs:1/impl:ccbench") b["samples_ns"] = {0, 0, 0, 0, 0};
    }
  }, err);
  std::string svg = test::read_text(charts + "/counter_modes.svg");
  EXPECT_NE(svg.find(" per increment (log scale) -->"), std::string::npos);
  EXPECT_NE(svg.find("<!-- no mark on the log axis (median 0 ns): ccbench mode=atomic, k=200000, tasks=5, procs=1 -->"),
            std::string::npos)
      << err;

  charts = report_of("zero-spawn", [](nlohmann::json& j) {
    spawn_points(j, {0});  // Go 1000x slower: the time panel is log
    for (auto& b : j["benchmarks"])
      if (b["impl"] == "ccbench" && b["params"]["n"] == 50000) b["samples_ns"] = {0, 0, 0, 0, 0};
  }, err);
  svg = test::read_text(charts + "/spawn.svg");
  EXPECT_NE(svg.find("<!-- µs per task (log scale) -->"), std::string::npos);
  EXPECT_NE(svg.find("no mark on the log axis (median 0 ns): ccbench capacity=0, n=50000, procs="), std::string::npos) << err;
}

// many_pingpong_points() replaces base.json's points by its pingpong points at procs 1 to `procs`
// (ccbench and Go at cap 0 and 1: 4 * procs points, 2 * procs ccbench/go pairs), in that order
// (by impl and cap, then procs), Go's samples at cap 1 times go_factor.
void many_pingpong_points(nlohmann::json& j, int procs, double go_factor) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& b : j["benchmarks"]) {
    if (b["workload"] != "pingpong" || b["procs"] != 1) continue;
    for (int p = 1; p <= procs; ++p) {
      nlohmann::json c = b;
      c["procs"] = p;
      for (const char* key : {"name", "run_name"})
        c[key] = std::regex_replace(c[key].get<std::string>(), std::regex("procs:1"), "procs:" + std::to_string(p));
      if (c["impl"] == "go" && c["params"]["cap"] == 1)
        for (auto& s : c["samples_ns"]) s = s.get<double>() * go_factor;
      out.push_back(c);
    }
  }
  j["benchmarks"] = out;
}

// Regression: the ratio and change charts were one page whatever their number of bars, 0.32 in a
// bar: 2000 points made an image taller than matplotlib's 2^16 pixels, and the chart was not drawn.
// Over MAX_BARS (64) bars they continue on further pages, every bar on one page, and the pages of a
// chart share their x axis (here the bars of the first page differ from the last page's: cap 0
// against cap 1).
TEST(ChartTest, TheRatioAndChangeChartsWithManyBarsContinueOnPagesThatShareAnXAxis) {
  if (!test::has_matplotlib()) GTEST_SKIP() << "/usr/bin/python3 lacks matplotlib: charts not drawn";
  const int procs = 33;  // 66 ratio bars: 2 pages of 33; 132 change bars: 3 pages of 44
  const std::string dir = test::scratch_dir("manybars");
  for (const char* file : {"base", "new"}) {
    nlohmann::json j = nlohmann::json::parse(test::read_text(data("base.json")));
    many_pingpong_points(j, procs, std::string(file) == "new" ? 75.0 : 50.0);
    std::ofstream(dir + "/" + file + ".json") << j.dump();
  }
  const auto r = run_cli({"report", dir + "/new.json", "--baseline", dir + "/base.json", "--out", dir + "/out"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err.find("charts not drawn"), std::string::npos) << r.err;
  const std::string html = test::read_text(dir + "/out/index.html");
  for (const auto& [id, pages] : std::vector<std::pair<std::string, int>>{{"ratio_ccbench_go", 2},
                                                                          {"change_vs_baseline", 3}}) {
    EXPECT_EQ(html.find("charts/" + id + ".svg"), std::string::npos) << id;
    std::vector<std::string> svg;
    for (int page = 1; page <= pages; ++page) {
      const std::string name = id + "_" + std::to_string(page) + ".svg";
      EXPECT_NE(html.find("src=\"charts/" + name + "\""), std::string::npos) << name;
      svg.push_back(test::read_text(dir + "/out/charts/" + name));
      EXPECT_NE(svg.back().find("(part " + std::to_string(page) + " of " + std::to_string(pages) + ") -->"),
                std::string::npos)
          << name;
    }
    EXPECT_FALSE(fs::exists(dir + "/out/charts/" + id + "_" + std::to_string(pages + 1) + ".svg")) << id;
    const auto first = tick_labels(svg.front(), 'x');
    ASSERT_EQ(first.size(), 1u) << id;
    EXPECT_GE(first[0].size(), 2u) << id;
    EXPECT_EQ(tick_labels(svg.back(), 'x'), first) << id;
    for (int p = 1; p <= procs; ++p) {
      for (int cap = 0; cap <= 1; ++cap) {
        std::vector<std::string> bars;
        if (id == "ratio_ccbench_go")
          bars = {"pingpong  cap=" + std::to_string(cap) + ", n=200000  procs=" + std::to_string(p)};
        else
          for (const char* impl : {"ccbench", "go"})
            bars.push_back("pingpong/cap=" + std::to_string(cap) + "/n=200000/procs:" + std::to_string(p) +
                           "/impl:" + impl);
        for (const std::string& bar : bars) {
          std::size_t seen = 0;
          for (const std::string& page : svg) seen += count(page, "<!-- " + bar + " -->");
          EXPECT_EQ(seen, 1u) << id << ": " << bar;
        }
      }
    }
  }
}

}  // namespace
}  // namespace ccb::reports
