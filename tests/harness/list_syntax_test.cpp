// tests/harness/list_syntax_test.cpp — values and LIST syntax (harness/list_syntax.hpp).
#include "harness/list_syntax.hpp"

#include <gtest/gtest.h>

#include "harness/errors.hpp"

namespace ccb::harness {
namespace {

using ccb::workloads::ParamSpec;
using ccb::workloads::ParamType;

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no UsageError)";
}

TEST(ListSyntax, ParsesIntegersInPlainAndExponentForm) {
  EXPECT_EQ(parse_integer("200000"), 200000);
  EXPECT_EQ(parse_integer("1e6"), 1000000);
  EXPECT_EQ(parse_integer("25E4"), 250000);
  EXPECT_EQ(parse_integer("-1"), -1);
  EXPECT_EQ(parse_integer("+5"), 5);
  EXPECT_EQ(parse_integer("9223372036854775807"), INT64_MAX);
}

TEST(ListSyntax, RejectsNonIntegers) {
  for (const char* bad : {"", "1.5", "0x10", "1e-3", "12abc", "abc", "e6", "1e", "--1", " 1",
                          "9223372036854775808", "1e30", "10^30"})
    EXPECT_FALSE(parse_integer(bad).has_value()) << bad;
}

TEST(ListSyntax, RangeCheckMessagesNameTheValidRange) {
  EXPECT_EQ(parse_int_in_range("8", "--procs", 1, 1024), 8);
  EXPECT_NE(message_of([] { parse_int_in_range("0", "--procs", 1, 1024); }).find("out of range; valid: 1..1024"),
            std::string::npos);
  EXPECT_NE(message_of([] { parse_int_in_range("1e30", "n", 1, 10); }).find("out of range"), std::string::npos);
  EXPECT_NE(message_of([] { parse_int_in_range("abc", "n", 1, 10); }).find("not an integer"), std::string::npos);
}

TEST(ListSyntax, ListsAndPowerOfTwoRanges) {
  using V = std::vector<int64_t>;
  EXPECT_EQ(parse_int_list("1,2,4,8", "x", 1, 1024), (V{1, 2, 4, 8}));
  EXPECT_EQ(parse_int_list("1..8", "x", 1, 1024), (V{1, 2, 4, 8}));
  EXPECT_EQ(parse_int_list("3..12", "x", 1, 1024), (V{3, 6, 12}));
  EXPECT_EQ(parse_int_list("1,16..64", "x", 1, 1024), (V{1, 16, 32, 64}));
  EXPECT_EQ(parse_int_list("5..5", "x", 1, 1024), (V{5}));
  EXPECT_EQ(parse_int_list("8,2", "x", 1, 1024), (V{8, 2}));  // order as written
}

TEST(ListSyntax, BadListsThrowWithAHint) {
  for (const char* bad : {"", "1,,2", "1,", ",1", "1..6", "8..1", "0..4", "1,1", "1..4,4", "1...4", "a..b"})
    EXPECT_THROW(parse_int_list(bad, "--procs", 1, 1024), UsageError) << bad;
  EXPECT_NE(message_of([] { parse_int_list("1..6", "--procs", 1, 1024); }).find("never reaches 6"), std::string::npos);
  EXPECT_NE(message_of([] { parse_int_list("1,1", "--procs", 1, 1024); }).find("listed twice"), std::string::npos);
}

TEST(ListSyntax, ARangeWrittenWithADashOrColonSaysHowToWriteIt) {
  for (const char* bad : {"1-4", "2,1-8", "2:8"})
    EXPECT_NE(message_of([&] { parse_int_list(bad, "--procs", 1, 1024); }).find("a range is written with two dots"),
              std::string::npos)
        << bad;
  EXPECT_NE(message_of([] { parse_int_list("1-4", "--procs", 1, 1024); }).find("1..4"), std::string::npos);
  // A negative number is not a range: it keeps its own message.
  EXPECT_NE(message_of([] { parse_int_list("-1", "n", 0, 10); }).find("out of range"), std::string::npos);
  EXPECT_NE(message_of([] { parse_int_list("1-a", "n", 0, 10); }).find("not an integer (write"), std::string::npos);
}

TEST(ListSyntax, ParamValuesAreCanonical) {
  ParamSpec n{"n", ParamType::Int, "", 1, 1000000000, {}, {"1"}, {"1"}};
  EXPECT_EQ(parse_param_values(n, "1e6,2000", "n"), (std::vector<std::string>{"1000000", "2000"}));
  EXPECT_THROW(parse_param_values(n, "-1", "n"), UsageError);
  EXPECT_THROW(parse_param_values(n, "1e30", "n"), UsageError);
  EXPECT_THROW(parse_param_values(n, "1000000,1e6", "n"), UsageError);  // same value twice
  ParamSpec mode{"mode", ParamType::Choice, "", 0, 0, {"mutex", "atomic"}, {"mutex"}, {"mutex"}};
  EXPECT_EQ(parse_param_values(mode, "atomic,mutex", "mode"), (std::vector<std::string>{"atomic", "mutex"}));
  const std::string msg = message_of([&] { parse_param_values(mode, "spin", "--set mode"); });
  EXPECT_NE(msg.find("valid: mutex, atomic"), std::string::npos) << msg;
  EXPECT_EQ(allowed_values(n), "1..1000000000");
  EXPECT_EQ(allowed_values(mode), "mutex|atomic");
}

TEST(ListSyntax, Seconds) {
  EXPECT_DOUBLE_EQ(parse_seconds("0.5", "--min-time", 3600), 0.5);
  EXPECT_DOUBLE_EQ(parse_seconds("2", "--min-time", 3600), 2);
  EXPECT_DOUBLE_EQ(parse_seconds("5e-2", "--min-time", 3600), 0.05);
  // hexadecimal floats and blanks were accepted through std::stod
  for (const char* bad : {"", "-1", "abc", "1s", "inf", "nan", "1e9", "0x1p-4", "0x10", "1 ", "1\t"})
    EXPECT_THROW(parse_seconds(bad, "--min-time", 3600), UsageError) << bad;
}

TEST(ListSyntax, SplitKeepsEmptyPieces) {
  EXPECT_EQ(split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(join({"a", "b"}, ", "), "a, b");
}

}  // namespace
}  // namespace ccb::harness
