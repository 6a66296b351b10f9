// tests/harness/hostile_cli_test.cpp — hostile command lines, table-driven, in-process through
// ccbench_main(): every flag of `run` and `list` given wrong types, negative/zero/huge numbers,
// unknown names and duplicated flags must exit 2 with a message naming the problem, before any
// benchmark runs and without writing anything (no --out file, no temporary left behind).
#include <gtest/gtest.h>

#include "fake_workloads.hpp"
#include "test_support.hpp"

namespace ccb::test {
namespace {

struct Hostile {
  std::vector<std::string> args;
  std::string message;  // a fragment the error must contain
};

class HostileRun : public ::testing::TestWithParam<Hostile> {};

TEST_P(HostileRun, Exit2WithAMessageAndNothingWritten) {
  ScratchDir dir;
  std::vector<std::string> args = GetParam().args;
  for (std::string& a : args)
    if (a == "OUT") a = dir.file("results.json");
  CliRun r = run_cli(args);
  std::string joined;
  for (const auto& a : args) joined += a + " ";
  EXPECT_EQ(r.code, 2) << joined << "\n" << r.err;
  EXPECT_NE(r.err.find(GetParam().message), std::string::npos) << joined << "\nstderr: " << r.err;
  EXPECT_TRUE(call_log().empty()) << joined << ": a benchmark ran";
  EXPECT_TRUE(dir.entries().empty()) << joined << ": left " << dir.entries().size() << " files";
}

const std::string kR = "run";
const std::string kW = "fake_sum";

INSTANTIATE_TEST_SUITE_P(
    , HostileRun,
    ::testing::Values(
        // --procs: zero, negative, huge, not a number, malformed lists
        Hostile{{kR, kW, "--procs", "0", "--out", "OUT"}, "--procs"},
        Hostile{{kR, kW, "--procs", "-1", "--out", "OUT"}, "--procs"},
        Hostile{{kR, kW, "--procs", "100000", "--out", "OUT"}, "--procs"},
        Hostile{{kR, kW, "--procs", "1e30", "--out", "OUT"}, "--procs"},
        Hostile{{kR, kW, "--procs", "two", "--out", "OUT"}, "--procs"},
        Hostile{{kR, kW, "--procs", "1,,2", "--out", "OUT"}, "--procs"},
        Hostile{{kR, kW, "--procs", "8..1", "--out", "OUT"}, "--procs"},
        Hostile{{kR, kW, "--procs", "", "--out", "OUT"}, "--procs"},
        Hostile{{kR, kW, "--procs", "1", "--procs", "2", "--out", "OUT"}, "--procs"},
        // --set: parameter values and names
        Hostile{{kR, kW, "--set", "n=-1", "--out", "OUT"}, "n"},
        Hostile{{kR, kW, "--set", "n=0", "--out", "OUT"}, "n"},
        Hostile{{kR, kW, "--set", "n=1e30", "--out", "OUT"}, "n"},
        Hostile{{kR, kW, "--set", "n=99999999999999999999999", "--out", "OUT"}, "n"},
        Hostile{{kR, kW, "--set", "n=abc", "--out", "OUT"}, "n"},
        Hostile{{kR, kW, "--set", "n=1.5", "--out", "OUT"}, "n"},
        Hostile{{kR, kW, "--set", "nosuch=1", "--out", "OUT"}, "nosuch"},
        Hostile{{kR, kW, "--set", "n", "--out", "OUT"}, "n"},
        Hostile{{kR, kW, "--set", "=5", "--out", "OUT"}, "--set"},
        Hostile{{kR, kW, "--set", "n=1", "--set", "n=2", "--out", "OUT"}, "n"},
        // unknown names
        Hostile{{kR, "nosuch_workload", "--out", "OUT"}, "nosuch_workload"},
        Hostile{{kR, kW, kW, "--out", "OUT"}, kW},
        Hostile{{kR, kW, "--impl", "rust", "--out", "OUT"}, "rust"},
        Hostile{{kR, kW, "--preset", "huge", "--out", "OUT"}, "huge"},
        Hostile{{kR, kW, "--format", "xml", "--out", "OUT"}, "xml"},
        Hostile{{kR, kW, "--bogus", "--out", "OUT"}, "--bogus"},
        Hostile{{kR, kW, "--filter", "(", "--out", "OUT"}, "--filter"},
        // numbers of the measurement controls
        Hostile{{kR, kW, "--repetitions", "0", "--out", "OUT"}, "--repetitions"},
        Hostile{{kR, kW, "--repetitions", "-3", "--out", "OUT"}, "--repetitions"},
        Hostile{{kR, kW, "--repetitions", "1e30", "--out", "OUT"}, "--repetitions"},
        Hostile{{kR, kW, "--repetitions", "x", "--out", "OUT"}, "--repetitions"},
        Hostile{{kR, kW, "--warmup", "-1", "--out", "OUT"}, "--warmup"},
        Hostile{{kR, kW, "--warmup", "100000", "--out", "OUT"}, "--warmup"},
        Hostile{{kR, kW, "--min-time", "abc", "--out", "OUT"}, "--min-time"},
        Hostile{{kR, kW, "--min-time", "-1", "--out", "OUT"}, "--min-time"},
        Hostile{{kR, kW, "--min-time", "nan", "--out", "OUT"}, "--min-time"},
        Hostile{{kR, kW, "--min-time", "inf", "--out", "OUT"}, "--min-time"},
        Hostile{{kR, kW, "--min-time", "1e30", "--out", "OUT"}, "--min-time"},
        Hostile{{kR, kW, "--seed", "-1", "--out", "OUT"}, "--seed"},
        Hostile{{kR, kW, "--seed", "99999999999999999999999", "--out", "OUT"}, "--seed"},
        Hostile{{kR, kW, "--shuffle=maybe", "--out", "OUT"}, "--shuffle"},
        Hostile{{kR, kW, "--pin=sometimes", "--out", "OUT"}, "--pin"},
        // duplicated single-value flags
        Hostile{{kR, kW, "--out", "OUT", "--out", "OUT"}, "--out"},
        Hostile{{kR, kW, "--quiet", "--quiet", "--out", "OUT"}, "--quiet"},
        Hostile{{kR, kW, "--repetitions", "2", "--repetitions", "3", "--out", "OUT"}, "--repetitions"},
        // outputs that cannot be written
        Hostile{{kR, kW, "--out", "/nonexistent-dir/results.json"}, "--out"},
        // list
        Hostile{{"list", "--format", "yaml"}, "yaml"},
        Hostile{{"list", "--format", "json", "--format", "table"}, "--format"},
        Hostile{{"list", "--bogus"}, "--bogus"}),
    [](const ::testing::TestParamInfo<Hostile>& i) { return "case" + std::to_string(i.index); });

}  // namespace
}  // namespace ccb::test
