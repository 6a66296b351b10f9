// tests/reports/compare_settings_test.cpp — compare (and calibrate, report: pair_warnings()) warn
// when the two files were measured with other measurement settings (preset, repetitions, warmup,
// min_time_s), as they warn about another host, build or pinning: a cold run against a warm one
// differs by more than the code.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "cli_helper.hpp"
#include "compare_fixtures.hpp"
#include "reports/compare.hpp"

namespace ccb::reports {
namespace {

using test_compare::synthetic_pair;

std::vector<std::string> settings_warnings(const Comparison& c) {
  std::vector<std::string> out;
  for (const std::string& w : c.warnings)
    for (const char* field : {"files differ in preset", "files differ in repetitions", "files differ in warmup",
                              "files differ in min_time_s"})
      if (w.rfind(field, 0) == 0) out.push_back(w);
  return out;
}

// Review repro: spawn with --warmup 0 --min-time 0 against --warmup 3 --min-time 0.05 read +136.7%
// with no word about the settings.
TEST(CompareSettings, WarnsWhenTheMeasurementSettingsDiffer) {
  auto [base, next] = synthetic_pair(2, {100, 101, 102, 103, 104});
  for (Results* r : {&base, &next}) {
    r->context.preset = "quick";
    r->context.repetitions = 7;
    r->context.warmup = 3;
    r->context.min_time_s = 0.05;
  }
  EXPECT_TRUE(settings_warnings(compare_results(base, next, CompareOptions{})).empty());
  next.context.preset.reset();
  next.context.repetitions = 5;
  next.context.warmup = 0;
  next.context.min_time_s = 0;
  EXPECT_EQ(settings_warnings(compare_results(base, next, CompareOptions{})),
            (std::vector<std::string>{
                "files differ in preset: \"quick\" (b.json) vs \"none\" (n.json); differences may not be regressions",
                "files differ in repetitions (samples per point): \"7\" (b.json) vs \"5\" (n.json); differences may not "
                "be regressions",
                "files differ in warmup (warm-up runs per point and implementation): \"3\" (b.json) vs \"0\" (n.json); "
                "differences may not be regressions",
                "files differ in min_time_s (--min-time: the least measured time of one repetition): \"0.05 s\" "
                "(b.json) vs \"0 s\" (n.json); differences may not be regressions"}));
  // A file written before context.min_time_s existed says nothing either way about it.
  next.context.min_time_s.reset();
  EXPECT_EQ(settings_warnings(compare_results(base, next, CompareOptions{})).size(), 3u);
}

// Through the CLI, as in the review: the same points, warm-ups and --min-time differ.
TEST(CompareSettings, TheCliWarnsAboutWarmupAndMinTime) {
  const std::string dir = test::scratch_dir("settings");
  nlohmann::json j = nlohmann::json::parse(test::read_text(test::data("base.json")));
  j["context"]["min_time_s"] = 0.05;
  j["context"]["warmup"] = 3;
  std::ofstream(dir + "/warm.json") << j.dump(1);
  j["context"]["min_time_s"] = 0;
  j["context"]["warmup"] = 0;
  std::ofstream(dir + "/cold.json") << j.dump(1);
  const auto r = test::run_cli({"compare", dir + "/warm.json", dir + "/cold.json", "--confirm", "0"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("warning: files differ in warmup (warm-up runs per point and implementation): \"3\" (" + dir +
                       "/warm.json) vs \"0\" (" + dir + "/cold.json)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("warning: files differ in min_time_s (--min-time: the least measured time of one repetition): "
                       "\"0.05 s\""),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("files differ in preset"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("files differ in repetitions"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ccb::reports
