// tests/reports/compare_failed_test.cpp — `ccbench compare` on points that failed or were not
// applicable: a point failing only in the new file fails the gate in every --fail-on mode but never,
// in every output format; one failing in both, only in the base, or not applicable is not compared.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "cli_helper.hpp"
#include "compare_fixtures.hpp"
#include "reports/compare.hpp"
#include "reports/compare_format.hpp"
#include "reports/results_loader.hpp"

namespace ccb::reports {
namespace {

using namespace test_compare;
using test::data;
using test::run_cli;

TEST(CompareTest, NewlyFailingPointFailsTheGateInEveryModeButNever) {
  const std::string dir = test::scratch_dir("newly");
  const std::string b = data("base.json");
  const std::string n = with_status(dir, "new.json", "base.json", {{kPingpong, "failed"}});
  CompareOptions o;
  for (FailOn f : {FailOn::Regressed, FailOn::Geomean, FailOn::Never}) {
    o.fail_on = f;
    const Comparison c = compare_results(load_results(b), load_results(n), o);
    ASSERT_EQ(c.newly_failing.size(), 1u);
    EXPECT_EQ(c.newly_failing[0].name, kPingpong);
    EXPECT_EQ(c.newly_failing[0].reason, "new status failed: self-check failed: counter 41 != 42");
    EXPECT_EQ(c.points.size(), 47u);
    EXPECT_EQ(c.not_compared.size(), 2u);  // the two not_applicable threads points of both files
    EXPECT_EQ(c.count(Verdict::Regressed), 0u);
    EXPECT_EQ(c.gate_failed, f != FailOn::Never) << to_string(f);
    EXPECT_NE(c.gate_message.find("1 point(s) newly failing (status \"ok\" in base, \"failed\" in new): " + kPingpong),
              std::string::npos) << c.gate_message;
  }
  const auto r = run_cli({"compare", b, n});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("\nnewly failing: status \"ok\" in base, \"failed\" in new (1):\n  " + kPingpong +
                       ": new status failed: self-check failed: counter 41 != 42\n"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("0 noisy; 1 newly failing;"), std::string::npos) << r.out;  // summary line
  EXPECT_NE(r.out.find("gate (--fail-on regressed): FAILED: 1 point(s) newly failing"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("; no point regressed by at least 5.0%"), std::string::npos) << r.out;
  const auto g = run_cli({"compare", b, n, "--fail-on", "geomean"});
  EXPECT_EQ(g.code, 1) << g.out;
  EXPECT_NE(g.out.find("gate (--fail-on geomean): FAILED: 1 point(s) newly failing"), std::string::npos) << g.out;
  EXPECT_NE(g.out.find("does not exceed 1.050"), std::string::npos) << g.out;
  const auto never = run_cli({"compare", b, n, "--fail-on", "never"});
  EXPECT_EQ(never.code, 0) << never.out;
  EXPECT_NE(never.out.find("gate (--fail-on never): passed: gate disabled (--fail-on never); 1 point(s) newly failing"),
            std::string::npos) << never.out;
  // Together with a regression: both are named, still exit 1.
  const auto both = run_cli({"compare", b, with_status(dir, "slower.json", "slower20.json", {{kPingpong, "failed"}})});
  EXPECT_EQ(both.code, 1);
  EXPECT_NE(both.out.find("FAILED: 1 point(s) newly failing (status \"ok\" in base, \"failed\" in new): " + kPingpong +
                          "; 47 point(s) regressed"),
            std::string::npos) << both.out;
}

TEST(CompareTest, FailingInBothOnlyInBaseOrNotApplicableIsNotComparedAndPasses) {
  const std::string dir = test::scratch_dir("notcompared");
  const std::string b = data("base.json");
  const std::string base_failed = with_status(dir, "base_failed.json", "base.json", {{kPingpong, "failed"}});
  const std::string new_failed = with_status(dir, "new_failed.json", "rerun.json", {{kPingpong, "failed"}});
  const std::string new_na = with_status(dir, "new_na.json", "rerun.json", {{kPingpong, "not_applicable"}});
  struct Case {
    std::string base, next, reason;
  };
  for (const Case& k : {Case{base_failed, new_failed, "base status failed: self-check failed"},
                        Case{base_failed, data("rerun.json"), "base status failed: self-check failed"},
                        Case{b, new_na, "new status not_applicable: threads: the OS refused a thread"}}) {
    const Comparison c = compare_results(load_results(k.base), load_results(k.next), CompareOptions{});
    EXPECT_TRUE(c.newly_failing.empty()) << k.base << " " << k.next;
    bool listed = false;
    for (const NotCompared& n : c.not_compared) listed |= n.name == kPingpong && n.reason.rfind(k.reason, 0) == 0;
    EXPECT_TRUE(listed) << k.base << " " << k.next;
    EXPECT_FALSE(c.gate_failed) << c.gate_message;
    const auto r = run_cli({"compare", k.base, k.next});
    EXPECT_EQ(r.code, 0) << r.out;
    EXPECT_EQ(r.out.find("newly failing"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("not compared (3):\n  " + kPingpong + ": " + k.reason), std::string::npos) << r.out;
  }
}

TEST(CompareTest, NewlyFailingInMarkdownAndJson) {
  const std::string dir = test::scratch_dir("formats");
  const std::string n = with_status(dir, "new.json", "rerun.json", {{kPingpong, "failed"}, {kCounterGo, "failed"}});
  const auto md = run_cli({"compare", data("base.json"), n, "--format", "markdown"});
  EXPECT_EQ(md.code, 1);
  EXPECT_EQ(md.out.rfind("### ccbench compare: \u274C gate failed", 0), 0u) << md.out;
  EXPECT_NE(md.out.find("#### \U0001F534 Newly failing (2): status \"ok\" in base, \"failed\" in new\n\n- `" + kPingpong +
                        "`: new status failed: self-check failed: counter 41 != 42\n- `" + kCounterGo + "`: "),
            std::string::npos) << md.out;
  EXPECT_NE(md.out.find("Gate `--fail-on regressed`: **failed**: 2 point(s) newly failing"), std::string::npos) << md.out;

  const auto js = run_cli({"compare", data("base.json"), n, "--format", "json"});
  EXPECT_EQ(js.code, 1);
  const nlohmann::json j = nlohmann::json::parse(js.out);
  ASSERT_EQ(j["newly_failing"].size(), 2u);
  EXPECT_EQ(j["newly_failing"][0]["name"], kPingpong);
  EXPECT_EQ(j["newly_failing"][0]["reason"], "new status failed: self-check failed: counter 41 != 42");
  EXPECT_EQ(j["newly_failing"][1]["name"], kCounterGo);
  EXPECT_EQ(j["summary"]["newly_failing"], 2);
  EXPECT_EQ(j["summary"]["regressed"], 0);
  EXPECT_EQ(j["points"].size(), 46u);
  EXPECT_EQ(j["not_compared"].size(), 2u);
  EXPECT_EQ(j["gate"]["failed"], true);
  EXPECT_NE(j["gate"]["message"].get<std::string>().find(kPingpong + ", " + kCounterGo), std::string::npos);

  // --out: stdout's summary and gate lines say it too
  const auto out = run_cli({"compare", data("base.json"), n, "--format", "json", "--out", dir + "/c.json"});
  EXPECT_EQ(out.code, 1);
  EXPECT_NE(out.out.find("; 2 newly failing"), std::string::npos) << out.out;
  EXPECT_NE(out.out.find("FAILED: 2 point(s) newly failing"), std::string::npos) << out.out;
}

TEST(CompareTest, EveryMatchedPointNewlyFailingGatesInsteadOfExitingTwo) {
  auto [base, next] = synthetic_pair(5, {100, 101, 102, 103, 104});
  for (Point& p : next.benchmarks) {
    p.status = "failed";
    p.error = "self-check failed";
  }
  const Comparison c = compare_results(base, next, CompareOptions{});
  EXPECT_TRUE(c.points.empty());
  EXPECT_EQ(c.newly_failing.size(), 5u);
  EXPECT_TRUE(c.gate_failed);
  EXPECT_FALSE(c.geomean.has_value());
  // the message names the first three and counts the rest
  EXPECT_NE(c.gate_message.find("5 point(s) newly failing (status \"ok\" in base, \"failed\" in new): "
                                "w/i=0/procs:1/impl:ccbench, w/i=1/procs:1/impl:ccbench, w/i=2/procs:1/impl:ccbench "
                                "and 2 more"),
            std::string::npos) << c.gate_message;
  for (CompareFormat f : {CompareFormat::Table, CompareFormat::Markdown, CompareFormat::Json}) {
    EXPECT_NE(format_comparison(c, f).find("w/i=4/procs:1/impl:ccbench"), std::string::npos);
  }
  EXPECT_NE(format_table(c).find("0 points compared"), std::string::npos);
  EXPECT_TRUE(nlohmann::json::parse(format_json(c))["points"].empty());  // valid with no points

  std::map<std::string, std::string> all;
  {
    std::ifstream in(data("base.json"));
    const nlohmann::json doc = nlohmann::json::parse(in);
    for (const auto& b : doc["benchmarks"])
      if (b["status"] == "ok") all[b["name"].get<std::string>()] = "failed";
    ASSERT_EQ(all.size(), 48u);
  }
  const std::string dir = test::scratch_dir("all");
  const auto r = run_cli({"compare", data("base.json"), with_status(dir, "all_failed.json", "base.json", all)});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.out.find("0 points compared"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("newly failing: status \"ok\" in base, \"failed\" in new (48):"), std::string::npos);
  // nothing in common at all is still bad input
  EXPECT_EQ(run_cli({"compare", data("base.json"), data("bad/disjoint.json")}).code, 2);
}

}  // namespace
}  // namespace ccb::reports
