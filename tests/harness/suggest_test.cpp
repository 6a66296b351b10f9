// tests/harness/suggest_test.cpp — common::closest_name(), the "did you mean" of ccbench's usage
// errors: it names the one close valid name and stays silent when none or several are as close.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/suggest.hpp"

namespace ccb::common {
namespace {

const std::vector<std::string> kWorkloads = {"context", "counter", "fanin", "fanout", "pingpong",
                                             "pipeline", "ratelimit", "select", "skynet", "spawn", "timers"};

TEST(Suggest, NamesTheOneCloseName) {
  EXPECT_EQ(closest_name("pingpng", kWorkloads), "pingpong");   // a letter missing
  EXPECT_EQ(closest_name("pipleine", kWorkloads), "pipeline");  // two letters swapped
  EXPECT_EQ(closest_name("selcet", kWorkloads), "select");
  EXPECT_EQ(closest_name("Skynet", kWorkloads), "skynet");      // case alone
  EXPECT_EQ(closest_name("rn", {"list", "run", "compare"}), "run");
  EXPECT_EQ(closest_name("--proc", {"--help", "--procs", "--preset"}), "--procs");
  EXPECT_EQ(closest_name("--repetition", {"--repetitions", "--report"}), "--repetitions");
  EXPECT_EQ(did_you_mean("cbench", {"ccbench", "go", "threads", "all"}), " (did you mean 'ccbench'?)");
}

TEST(Suggest, StaysSilentWhenNothingOrSeveralAreClose) {
  EXPECT_EQ(closest_name("xyz", kWorkloads), "");
  EXPECT_EQ(closest_name("pingpong", kWorkloads), "");       // valid already
  EXPECT_EQ(closest_name("fan", kWorkloads), "");            // fanin and fanout: a prefix of both
  EXPECT_EQ(closest_name("m", {"n", "k"}), "");              // n and k are both one edit away
  EXPECT_EQ(closest_name("--rep", {"--repetitions", "--report"}), "");
  EXPECT_EQ(closest_name("", kWorkloads), "");
  EXPECT_EQ(closest_name("abc", {}), "");
  EXPECT_EQ(closest_name("contxet_x", kWorkloads), "");     // three edits from context
  EXPECT_EQ(did_you_mean("xyz", kWorkloads), "");
}

TEST(Suggest, LongerNamesAllowTwoEditsShortOnesOne) {
  EXPECT_EQ(closest_name("ratelimt_", kWorkloads), "ratelimit");  // 9 letters, two edits
  EXPECT_EQ(closest_name("spwn", kWorkloads), "spawn");           // 4 letters, one edit
  EXPECT_EQ(closest_name("spwnn", {"spawn"}), "");                // 5 letters, two edits
  EXPECT_EQ(closest_name("--tsks", {"--tasks"}), "--tasks");      // the dashes do not count
}

TEST(Suggest, AnUnambiguousPrefixOfThreeOrMoreLettersNamesItsName) {
  EXPECT_EQ(closest_name("pipel", kWorkloads), "pipeline");
  EXPECT_EQ(closest_name("--repet", {"--repetitions", "--report"}), "--repetitions");
  EXPECT_EQ(closest_name("sk", kWorkloads), "");  // too short to guess from
}

}  // namespace
}  // namespace ccb::common
